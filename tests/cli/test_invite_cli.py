"""issue 13: invite create refuses a past expiry, reads the bot's username with getMe (no
`<bot>` placeholder), and invite list marks expired and used-up codes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.fakes import FakeBotApi


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    for name in ("COACH_DATABASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME"):
        monkeypatch.delenv(name, raising=False)


def test_past_expiry_is_refused_and_nothing_is_stored(sqlite_env: None) -> None:
    runner = CliRunner()
    past = runner.invoke(main, ["invite", "create", "--org", "X", "--expires", "2020-01-01"])
    assert past.exit_code != 0 and "in the past" in past.output
    made = runner.invoke(
        main, ["invite", "create", "--org", "Gemeente Y", "--uses", "1", "--bot-username", "b"]
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["invite", "list"])
    assert "Gemeente Y" in listed.output and "X " not in listed.output  # nothing stored


async def test_the_link_has_the_username_from_getme(
    sqlite_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    async with FakeBotApi(bot_username="gemeente_coach_bot") as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        made = await asyncio.to_thread(runner.invoke, main, ["invite", "create", "--org", "Z"])
        assert made.exit_code == 0, made.output
        assert made.output.startswith("https://t.me/gemeente_coach_bot?start=")
        assert [c.method for c in fake.calls] == ["getMe"]

        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:wrong-token")  # the fake answers 401
        refused = await asyncio.to_thread(runner.invoke, main, ["invite", "create", "--org", "W"])
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "Error: Telegram refused getMe (HTTP 401): check TELEGRAM_BOT_TOKEN"
    ]
    assert "wrong-token" not in refused.output
    listed = await asyncio.to_thread(runner.invoke, main, ["invite", "list"])
    assert " Z " in listed.output and " W " not in listed.output  # nothing made on an error


def test_without_token_or_username_one_line_and_nothing_stored(
    sqlite_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["invite", "create", "--org", "Q"])
    assert made.exit_code == 1 and "<bot>" not in made.output
    [line] = made.output.strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN is not set" in line and "--bot-username" in line
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")  # nothing listens
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    unreachable = runner.invoke(main, ["invite", "create", "--org", "Q"])
    assert unreachable.exit_code == 1
    [line] = unreachable.output.strip().splitlines()
    assert "could not read the bot's username from Telegram" in line
    assert runner.invoke(main, ["invite", "list"]).output == ""
    web = runner.invoke(main, ["invite", "create", "--org", "Q", "--channel", "web"])
    assert web.exit_code == 0 and "/i/" in web.output  # the web link needs no username


def test_list_marks_expired_used_up_and_revoked(sqlite_env: None) -> None:
    from datetime import date, timedelta

    runner = CliRunner()
    args = ["invite", "create", "--bot-username", "b", "--org"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    once = runner.invoke(main, [*args, "Eenmalig", "--uses", "1"]).output.split("=")[-1].strip()
    revoked = runner.invoke(main, [*args, "Ingetrokken"]).output.split("=")[-1].strip()
    runner.invoke(main, [*args, "Morgen", "--expires", tomorrow])
    assert runner.invoke(main, ["invite", "revoke", revoked]).exit_code == 0

    from datetime import datetime

    from bot.cli import _with_sessions
    from bot.clock import utcnow
    from bot.settings import load_settings
    from bot.storage import invites

    async def work(session: object) -> None:  # a use, and a code whose last day has passed
        now = utcnow()
        assert await invites.redeem(session, once, "telegram", "1", "UTC", now)  # type: ignore[arg-type]
        await invites.create(
            session, "Verlopen", None, datetime(2020, 1, 2, tzinfo=now.tzinfo), now
        )  # type: ignore[arg-type]

    _with_sessions(load_settings(), work)
    listed = runner.invoke(main, ["invite", "list"]).output.splitlines()
    lines = {line.split()[1]: line for line in listed}
    assert "USED UP" in lines["Eenmalig"] and "uses_left=0" in lines["Eenmalig"]
    assert "REVOKED" in lines["Ingetrokken"] and "USED UP" not in lines["Ingetrokken"]
    assert "EXPIRED" in lines["Verlopen"] and "expires=2020-01-02" in lines["Verlopen"]
    for plain in ("Morgen",):
        assert not any(mark in lines[plain] for mark in ("EXPIRED", "REVOKED", "USED UP"))
