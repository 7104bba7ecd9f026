"""The web chat's page and deployment settings: every command in the menu, a base path, the
organisation's name and colour (readable), and logs without message text."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram import COMMANDS_NL
from bot.channels.web import STATIC, WebChannel
from bot.channels.web_sessions import COOKIE, Pacer
from bot.logs import ContentFilter, JsonFormatter
from bot.settings import Settings, SettingsError, load_settings

MARK = "Zeldzaamwoord Kwispelturf"  # in a message only: it must not reach the logs


@pytest.fixture
def database_url(tmp_path: Path) -> str:  # these tests need no PostgreSQL run as well
    return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str, model_dir: Path) -> Settings:
    return Settings(
        coach_data_dir=tmp_path,
        coach_database_url=database_url,
        coach_model_dir=model_dir,
        coach_web_base_path="/coach/",
        coach_web_title="Gemeente <Testdorp>",
        coach_web_color="#7a1f5c",
    )


def test_the_menu_has_every_telegram_command() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    menu = set(re.findall(r'data-command="/([a-z]+)"', page))
    assert {name for name, _ in COMMANDS_NL} - {"start"} <= menu
    assert "koppel" in menu


def test_a_colour_without_contrast_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_WEB_COLOR", "#ffcc00")  # yellow on white: 1.47:1 (WebAIM)
    with pytest.raises(SettingsError, match=r"COACH_WEB_COLOR: contrast with white is 1\.5:1"):
        load_settings()
    monkeypatch.setenv("COACH_WEB_COLOR", "#1d4f91")
    assert load_settings().coach_web_color == "#1d4f91"


async def test_base_path_title_colour_and_no_message_text_in_logs(coach: Any) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)  # as `coach web` logs (bot.logs.setup_logging)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContentFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    channel = WebChannel(coach, Pacer())
    try:
        async with TestClient(TestServer(channel.app())) as http:
            page = await http.get("/coach/")
            body = await page.text()
            assert page.status == 200 and "Gemeente &lt;Testdorp&gt;" in body
            assert 'href="/coach/app.css"' in body and 'src="/coach/app.js"' in body
            assert (await http.get("/coach")).url.path == "/coach/"
            assert "#7a1f5c" in await (await http.get("/coach/theme.css")).text()
            assert (await http.get("/coach/privacy")).status == 200
            assert (await http.get("/coach/favicon.svg")).status == 200
            for health in ("/healthz", "/coach/healthz", "/coach/metrics"):
                assert (await http.get(health)).status == 200, health
            assert (await http.get("/api/session")).status == 404  # only under the base path
            res = await http.get("/coach/api/session")
            assert res.status == 200 and res.cookies[COOKIE]["path"] == "/coach/"
            csrf = (await res.json())["csrf"]
            for text in ("/start", f"klant heeft schulden, {MARK}", f"{MARK} " * 50):
                res = await http.post(
                    "/coach/api/message", json={"text": text}, headers={"X-CSRF-Token": csrf}
                )
                assert res.status == 200 and (await res.json())["replies"]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logged = out.getvalue()
    assert logged  # something was logged (at DEBUG), and none of it is a message's text
    assert MARK not in logged and "Kwispelturf" not in logged and "schulden" not in logged
