"""Graceful shutdown: SIGTERM while updates are in flight finishes them, then exits cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.core import texts
from bot.core.dialogue import State
from bot.settings import PROJECT_ROOT
from bot.storage.db import make_engine
from bot.storage.models import DialogueState, User
from tests.fakes import FakeBotApi
from tests.infra import bot_env, free_port, wait_healthy

SECRET = "shutdown-test-secret"
USERS = 8
QUESTION = "hoe bespreek ik discriminatie met een klant?"


async def test_sigterm_finishes_updates_in_flight(
    nlu: object, model_dir: Path, tmp_path: Path
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    async with FakeBotApi() as fake:
        fake.send_delay = 0.4  # every reply takes a while: turns are mid-way at SIGTERM
        env = bot_env(fake, tmp_path, model_dir, database, webhook_secret=SECRET)
        port = free_port()
        command = ["-m", "bot.cli", "telegram", "--webhook", "--host", "127.0.0.1"]
        proc = subprocess.Popen(
            [sys.executable, *command, "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        chats = [6000 + i for i in range(USERS)]
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, port, proc)
                for update_id, chat in enumerate(chats, start=1):
                    update = {"update_id": update_id, "message": fake.make_message(chat, QUESTION)}
                    async with http.post(
                        f"http://127.0.0.1:{port}/telegram",
                        json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    ) as response:
                        assert response.status == 200  # accepted: from here on it is ours
            # the first replies are on their way, the rest not yet
            await fake.wait_for("sendMessage", timeout=30)
            in_flight = sum(1 for chat in chats if len(fake.sent_texts(chat)) < 2)
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.to_thread(proc.communicate, timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

    assert in_flight > 0  # the signal really came while turns were unfinished
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err, err.decode()[-2000:]
    for chat in chats:  # every accepted update got its whole answer, once
        sent = fake.sent_texts(chat)
        assert len(sent) == 2, (chat, sent)
        assert texts.REFLECT_HINT in sent[-1]
    engine = make_engine(database)
    try:
        async with engine.connect() as conn:
            states = (
                await conn.execute(
                    select(User.channel_user_id, DialogueState.state).join(
                        DialogueState, DialogueState.user_id == User.id
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert sorted(int(u) for u, _ in states) == chats
    assert {state for _, state in states} == {State.AWAIT_REFLECTION}
