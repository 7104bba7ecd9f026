"""/vergeet on SQLite: the erased reflection is gone from the database file and its WAL at
once (secure_delete zeroes it, the coach checkpoints after the erase has committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.coach import Coach
from bot.storage.models import Reflection
from tests.helpers import onboard, press, say, user


def _raw(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_erase_removes_the_stored_text_from_the_sqlite_files(coach: Coach) -> None:
    if coach.services.engine.dialect.name != "sqlite":
        pytest.skip("a file-level check of SQLite")
    path = Path(str(coach.services.engine.url.database))
    anna = user("anna")
    await onboard(coach, anna)
    await say(coach, anna, "hoe bespreek ik gezondheid?", "ik vraag eerst naar slaap", "ja", "stop")
    async with coach.services.sessions() as session:
        stored = await session.scalar(select(Reflection.text))
    assert stored is not None and stored.encode() in _raw(path)  # really on disk
    await coach.handle(anna, "/vergeet")
    await coach.handle(anna, press("delete:yes"))
    assert stored.encode() not in _raw(path)
