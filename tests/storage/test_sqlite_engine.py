"""The SQLite engine: statements on the event loop's thread, one connection, waiting for
another process's write lock instead of failing."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import make_engine


async def _table(path: Path) -> AsyncEngine:
    engine = make_engine(f"sqlite:///{path}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    return engine


async def test_statements_run_without_a_worker_thread(tmp_path: Path) -> None:
    threads = threading.active_count()
    engine = await _table(tmp_path / "a.db")
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('een')"))
        rows = (await conn.execute(text("SELECT body FROM notes"))).all()
    assert [r[0] for r in rows] == ["een"]
    assert threading.active_count() == threads
    await engine.dispose()


async def test_concurrent_transactions_queue_for_the_one_connection(tmp_path: Path) -> None:
    engine = await _table(tmp_path / "b.db")

    async def write(i: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES (:b)"), {"b": f"n{i}"})
            await asyncio.sleep(0)  # give the loop away inside the transaction
            await conn.execute(
                text("UPDATE notes SET body = body || '!' WHERE body = :b"), {"b": f"n{i}"}
            )

    await asyncio.gather(*(write(i) for i in range(30)))
    async with engine.connect() as conn:
        bodies = sorted(r[0] for r in await conn.execute(text("SELECT body FROM notes")))
    assert bodies == sorted(f"n{i}!" for i in range(30))
    await engine.dispose()


async def test_a_failing_statement_raises_and_rolls_back(tmp_path: Path) -> None:
    engine = await _table(tmp_path / "c.db")
    with pytest.raises(OperationalError, match="no such table"):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('weg')"))
            await conn.execute(text("SELECT * FROM missing"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM notes"))).scalar() == 0
    await engine.dispose()


async def test_waits_for_another_process_holding_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    engine = await _table(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO notes (body) VALUES ('ander')")
    # the other writer commits 0.3 s later, from its own thread
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('wij')"))
    assert time.monotonic() - started >= 0.25
    release.join()
    other.close()
    async with engine.connect() as conn:
        bodies = sorted(r[0] for r in await conn.execute(text("SELECT body FROM notes")))
    assert bodies == ["ander", "wij"]
    await engine.dispose()
