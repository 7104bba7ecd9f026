"""issue 15: the edges a fault campaign found: any callback bytes, any webhook body, UTF-16
splitting, bounded PostgreSQL waits, and a log that holds no content at DEBUG."""

from __future__ import annotations

import io
import json
import logging

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram_format import CallbackSigner, split_message, utf16_len
from bot.channels.telegram_run import SECRET_HEADER, build_application, webhook_app, webhook_secret
from bot.core.coach import Coach
from bot.logs import WITHHELD, ContentFilter, JsonFormatter
from bot.settings import Settings
from bot.storage.db import pg_connect_args
from tests.fakes import FakeBotApi


@given(st.text())
def test_any_callback_data_is_refused_without_error(data: str) -> None:
    signer = CallbackSigner("secret")
    assert signer.verify(42, data) is None or data.rpartition("|")[0]
    assert signer.verify(42, "ja|é€😀") is None


def test_split_counts_utf16_units() -> None:
    text = ("😀" * 3000 + " ") * 3  # 18,000 UTF-16 units, 9,003 code points
    parts = split_message(text)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert sum(p.count("😀") for p in parts) == 9000  # nothing lost
    assert len(parts) >= 5


async def test_any_webhook_body_gets_a_4xx_never_a_500(
    fake: FakeBotApi, tg_coach: Coach, tg_settings: Settings
) -> None:
    _, bot_app = build_application(tg_settings, tg_coach, updater=False)
    secret = webhook_secret(tg_settings)
    async with bot_app:
        await bot_app.start()
        try:
            async with TestClient(TestServer(webhook_app(tg_settings, bot_app))) as client:
                for body in (b"[]", b"1", b'"x"', b"null", b"{}", b'{"update_id": "x"}', b"\xff"):
                    response = await client.post(
                        "/telegram", data=body, headers={SECRET_HEADER: secret}
                    )
                    assert 400 <= response.status < 500, body
                response = await client.post(
                    "/telegram", data=b"{}", headers={SECRET_HEADER: "g\u00e9heim"}
                )
                assert response.status == 403  # a non-ASCII header is refused, not a 500
        finally:
            await bot_app.stop()


def test_postgres_waits_are_bounded() -> None:
    args = pg_connect_args()
    assert args["timeout"] <= 10
    assert int(args["server_settings"]["statement_timeout"]) <= 10_000
    assert int(args["server_settings"]["lock_timeout"]) <= 5_000


def _log_stream() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContentFilter())
    return stream, handler


CLIENT_TEXT = "Fatima Haddad, BSN 123456782, telefoon 0612345678, vond het gesprek lastig"


def test_third_party_debug_records_lose_their_content() -> None:
    stream, handler = _log_stream()
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    # other tests may have quieted these loggers (setup_logging does); hear them all here
    names = ("telegram.ext.Application", "sqlalchemy.orm.fault", "aiohttp.access", "rasa_sdk")
    saved = [(logging.getLogger(n), logging.getLogger(n).level) for n in names]
    for logger, _ in saved:
        logger.setLevel(logging.DEBUG)
    try:
        logging.getLogger("telegram.ext.Application").debug("Processing update %s", CLIENT_TEXT)
        logging.getLogger("sqlalchemy.orm.fault").warning(f"params {CLIENT_TEXT}")
        logging.getLogger("aiohttp.access").debug("Fatima Haddad said hi")
        try:
            raise ValueError(CLIENT_TEXT)
        except ValueError:
            logging.getLogger("rasa_sdk").exception("failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        for logger, level in saved:
            logger.setLevel(level)
    log = stream.getvalue()
    assert len(log.splitlines()) == 4
    for word in ("Fatima", "Haddad", "123456782", "0612345678"):
        assert word not in log
    assert WITHHELD in log
    assert "ValueError" in log
    assert all(json.loads(line)["message"] for line in log.splitlines())


def test_a_record_through_two_filtered_handlers_is_cleaned_once() -> None:
    """A record reaches every handler; the second filter must not withhold what the first
    kept (the template, the exception's type)."""
    streams = [_log_stream() for _ in range(2)]
    logger = logging.getLogger("rasa_sdk.twice")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    for _, handler in streams:
        logger.addHandler(handler)
    try:
        try:
            raise ValueError(CLIENT_TEXT)
        except ValueError:
            logger.exception("action failed: %s", CLIENT_TEXT)
    finally:
        for _, handler in streams:
            logger.removeHandler(handler)
    for stream, _ in streams:
        line = stream.getvalue()
        assert "Fatima" not in line and "123456782" not in line
        assert "action failed" in line and "ValueError" in line


def test_only_database_trouble_counts_as_unavailable() -> None:
    import aiohttp
    from sqlalchemy.exc import IntegrityError, OperationalError
    from telegram.error import NetworkError, TimedOut

    from bot.inbox import unavailable

    def chained(outer: BaseException, inner: BaseException) -> BaseException:
        outer.__cause__ = inner
        return outer

    assert unavailable(OperationalError("SELECT 1", {}, ConnectionRefusedError()))
    assert unavailable(TimeoutError())
    assert not unavailable(IntegrityError("INSERT", {}, ValueError()))
    assert not unavailable(chained(TimedOut(), TimeoutError()))  # a slow Bot API
    connector = aiohttp.ClientConnectionError()
    assert not unavailable(chained(RuntimeError(), chained(NetworkError("x"), connector)))
    assert not unavailable(ValueError())
