"""Three `coach telegram --webhook` processes, one PostgreSQL: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.settings import PROJECT_ROOT
from bot.storage.db import make_engine
from bot.storage.models import Reflection, User
from tests.fakes import FakeBotApi
from tests.infra import bot_env, free_port, wait_healthy

SECRET = "replica-test-secret"
USERS = 12


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


async def test_three_replicas_concurrent_and_redelivered_updates(
    fake: FakeBotApi, postgres_url: str, nlu: object, model_dir: Path, tmp_path: Path
) -> None:
    from tests.conftest import reset_postgres

    await reset_postgres(postgres_url)
    env = bot_env(fake, tmp_path, model_dir, postgres_url, webhook_secret=SECRET)
    ports = [free_port() for _ in range(3)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "telegram",
                "--webhook",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(
                *(wait_healthy(http, p, pr) for p, pr in zip(ports, procs, strict=True))
            )
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            next_id = iter(range(1, 10_000))

            async def post(port: int, update: dict) -> None:
                async with http.post(
                    f"http://127.0.0.1:{port}/telegram", json=update, headers=headers
                ) as response:
                    assert response.status == 200

            chats = [5000 + i for i in range(USERS)]
            await asyncio.gather(
                *(
                    post(
                        ports[i % 3],
                        {
                            "update_id": next(next_id),
                            "message": fake.make_message(chat, "/reflectie"),
                        },
                    )
                    for i, chat in enumerate(chats)
                )
            )
            for chat in chats:
                await fake.wait_for(
                    "sendMessage", timeout=30, predicate=lambda c, chat=chat: c.chat_id == chat
                )
            answers = [
                {
                    "update_id": next(next_id),
                    "message": fake.make_message(chat, f"reflectie van gebruiker {chat} over werk"),
                }
                for chat in chats
            ]
            yeses = [  # issue 12: the bot shows the answer and asks once before keeping it
                {"update_id": next(next_id), "message": fake.make_message(chat, "ja")}
                for chat in chats
            ]
            # every answer goes to two replicas at once: Telegram re-delivering an update
            await asyncio.gather(
                *(
                    post(ports[(i + k) % 3], answer)
                    for i, answer in enumerate(answers)
                    for k in (1, 2)
                )
            )
            for chat in chats:
                await fake.wait_for(
                    "sendMessage",
                    timeout=30,
                    predicate=lambda c, chat=chat: (
                        c.chat_id == chat and "Zal ik het bewaren?" in str(c.params.get("text"))
                    ),
                )
            await asyncio.gather(
                *(post(ports[(i + k) % 3], yes) for i, yes in enumerate(yeses) for k in (1, 2))
            )
            for chat in chats:
                await fake.wait_for(
                    "sendMessage",
                    timeout=30,
                    predicate=lambda c, chat=chat: (
                        c.chat_id == chat and "Bewaard" in str(c.params.get("text"))
                    ),
                )
            await asyncio.sleep(1.0)  # give a wrongly duplicated turn time to show up

        engine = make_engine(postgres_url)
        try:
            async with engine.connect() as conn:
                users = (await conn.execute(select(func.count()).select_from(User))).scalar()
                rows = (
                    await conn.execute(
                        select(User.channel_user_id, func.count(Reflection.id))
                        .join(Reflection, Reflection.user_id == User.id)
                        .group_by(User.channel_user_id)
                    )
                ).all()
        finally:
            await engine.dispose()
        assert users == USERS
        assert sorted(int(u) for u, _ in rows) == chats
        assert all(count == 1 for _, count in rows)
        for chat in chats:
            stored = [t for t in fake.sent_texts(chat) if "Bewaard" in t]
            assert len(stored) == 1, chat
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
