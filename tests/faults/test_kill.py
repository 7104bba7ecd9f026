"""issue 15: kill -9 of a real `coach telegram` at chosen points, against the fake Bot API.

- while the turns wait on PostgreSQL (the users' locks are held by the test): the updates
  were stored and acknowledged; the restarted bot handles every one, once;
- while the replies are being sent (SQLite, the default; the fake answers late): the turns
  had committed; the restarted bot sends what the outbox holds. Telegram had the first copy
  but never answered it, so a second copy is the one duplicate allowed, and it is counted.
"""

from __future__ import annotations

import asyncio
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from bot.core import texts
from bot.storage.crypto import TextCipher, resolve_keys
from bot.storage.db import make_engine
from tests.channels.conftest import Talk, eventually
from tests.conftest import reset_postgres
from tests.fakes import FakeBotApi
from tests.faults.bot_process import BotProcess
from tests.faults.report import FaultReport

USERS = 4
ANSWERS = [f"bij klant {n} vroeg ik eerst wat hij zelf wilde bereiken met werk" for n in range(6)]


def _answered(t: str) -> bool:
    return texts.STORED in t or "Nog één stap verder" in t


async def _prepare(talks: list[Talk]) -> None:
    for me in talks:
        await me.onboard()
        # issue 12: each answer is kept as sent (the keep question is not what is tested)
        await me.say("bewaar mijn antwoorden altijd", "Vanaf nu bewaar ik", timeout=15)
        await me.say("/reflectie", texts.REFLECT_HINT, timeout=15)


def _report(name: str, talks: list[Talk], stored: list[str]) -> FaultReport:
    counts = Counter(stored)
    report = FaultReport(name, sent=len(talks), stored=len(stored))
    report.stored_twice = sum(n - 1 for n in counts.values() if n > 1)
    for me, answer in zip(talks, ANSWERS, strict=False):
        answers = [t for t in me.texts() if _answered(t)]
        report.replies += bool(answers)
        report.duplicate_replies += max(0, len(answers) - 1)
        report.lost += not answers or counts[answer] == 0
    return report


async def test_kill_while_turns_wait_on_postgres(
    fake: FakeBotApi, nlu: object, model_dir: Path, tmp_path: Path, postgres_url: str
) -> None:
    await reset_postgres(postgres_url)
    bot = BotProcess(fake, tmp_path, model_dir, postgres_url)
    talks = [Talk(fake, 1530 + n) for n in range(USERS)]
    engine = make_engine(postgres_url)
    try:
        await bot.start()
        await _prepare(talks)
        async with engine.connect() as holder:
            for me in talks:  # the users' turn locks: their turns will wait on the database
                key = zlib.crc32(f"telegram:{me.chat_id}".encode()) - 2**31
                await holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            for me, answer in zip(talks, ANSWERS, strict=False):
                fake.push_message(me.chat_id, answer)
            await eventually(lambda: not fake.pending_updates, 10)  # stored, acknowledged
            await asyncio.sleep(1.0)  # the turns wait on the locks (lock timeout: 3 s)
            await bot.kill()
            assert not any(_answered(t) for me in talks for t in me.texts())
            await holder.execute(text("SELECT pg_advisory_unlock_all()"))
        await bot.start()
        for me in talks:
            await me.until(_answered, 0, timeout=60)
        await asyncio.sleep(1.0)  # a second copy would come now
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT text FROM reflections"))).scalars().all()
    finally:
        await bot.stop()
        await engine.dispose()
    cipher = TextCipher(resolve_keys(None, tmp_path))
    report = _report(
        "kill -9 while turns wait on PostgreSQL", talks, [cipher.decrypt(r) for r in rows]
    )
    report.check()
    assert report.duplicate_replies == 0, bot.log_tail()


async def test_kill_while_replies_are_sent(
    fake: FakeBotApi, nlu: object, model_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "coach.db"
    bot = BotProcess(fake, tmp_path, model_dir, f"sqlite+aiosqlite:///{path}")
    talks = [Talk(fake, 1540 + n) for n in range(USERS)]

    def stored() -> list[str]:
        with sqlite3.connect(path, timeout=10) as conn:
            return [r[0] for r in conn.execute("SELECT text FROM reflections")]

    count: Callable[[], bool] = lambda: len(stored()) >= USERS  # noqa: E731
    try:
        await bot.start()
        await _prepare(talks)
        fake.send_delay = 3.0  # Telegram takes the replies but answers late
        for me, answer in zip(talks, ANSWERS, strict=False):
            fake.push_message(me.chat_id, answer)
        await eventually(count, 20)  # the turns have committed; their replies are in flight
        await bot.kill()
        await asyncio.sleep(3.5)  # the fake takes the sends it was given
        fake.send_delay = 0.0
        await bot.start()
        for me in talks:
            await me.until(_answered, 0, timeout=30)
        await asyncio.sleep(1.0)
        rows = stored()
    finally:
        await bot.stop()
    cipher = TextCipher(resolve_keys(None, tmp_path))
    report = _report("kill -9 while replies are sent", talks, [cipher.decrypt(r) for r in rows])
    report.check()
    # a copy that Telegram took without answering is sent again once, never more
    assert all(sum(_answered(t) for t in me.texts()) <= 2 for me in talks)
