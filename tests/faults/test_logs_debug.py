"""issue 15: a whole conversation with client data through the real PTB Application at DEBUG,
then the whole log is scanned: no message text, no client name or number, no Telegram name."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from telegram.ext import Application

from bot.logs import ContentFilter, JsonFormatter
from tests.fakes import FakeBotApi
from tests.faults.conftest import Talk

TalkTo = Callable[[int], Talk]

SECRET_WORDS = ("Wilhelmina", "Fatima", "Haddad", "123456782", "0612345678", "sollicitatie")


async def test_debug_log_of_a_conversation_holds_no_content(
    app: Application, fake: FakeBotApi, talk: TalkTo
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContentFilter())
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        me = talk(5150)
        await me.onboard()
        since = me.now()
        fake.push_message(
            5150,
            "Fatima Haddad (BSN 123456782, tel 0612345678) had een sollicitatie",
            first_name="Wilhelmina",
        )
        await me.until(lambda t: bool(t), since)
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    log = stream.getvalue()
    assert len(log.splitlines()) > 20  # DEBUG really was on: PTB, aiohttp, SQLAlchemy spoke
    for word in SECRET_WORDS:
        assert word not in log, word
