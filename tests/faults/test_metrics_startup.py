"""issue 15: /metrics of the webhook server behind a token (or local only), and a one-line
start-up error when the database is unreachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram_run import build_application, webhook_app
from bot.core.coach import Coach
from bot.settings import PROJECT_ROOT, Settings
from tests.fakes import FakeBotApi
from tests.infra import bot_env, free_port


async def test_metrics_want_the_token(tg_coach: Coach, tg_settings: Settings) -> None:
    settings = tg_settings.model_copy(update={"coach_metrics_token": "m3tr1cs"})
    _, bot_app = build_application(settings, tg_coach, updater=False)
    async with bot_app, TestClient(TestServer(webhook_app(settings, bot_app))) as client:
        assert (await client.get("/metrics")).status == 404
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 404
        right = await client.get("/metrics", headers={"Authorization": "Bearer m3tr1cs"})
        assert right.status == 200
        assert "coach_messages_total" in await right.text()


async def test_metrics_without_a_token_answer_local_requests_only(
    tg_coach: Coach, tg_settings: Settings
) -> None:
    _, bot_app = build_application(tg_settings, tg_coach, updater=False)
    async with bot_app, TestClient(TestServer(webhook_app(tg_settings, bot_app))) as client:
        assert (await client.get("/metrics")).status == 200  # the test client is local
        proxied = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status == 404


def test_start_with_the_database_unreachable_is_one_line(
    fake: FakeBotApi, tmp_path: Path, model_dir: Path
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/coach"  # nothing listens there
    env = bot_env(fake, tmp_path, model_dir, url)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "telegram"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0
    assert lines[-1].startswith("Error: database unreachable"), done.stderr
    assert "Traceback" not in done.stderr
