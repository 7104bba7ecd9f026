"""Issue 14: erased text is gone from the SQLite file at once (secure_delete + checkpoint)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.storage.db import checkpoint, make_engine

SECRET = "Tesfamariam-geheim-0123456789"


def _raw(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_deleted_text_is_not_in_the_database_or_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
            for i in range(20):
                await conn.execute(
                    text("INSERT INTO notes (body) VALUES (:b)"), {"b": f"{SECRET} {i}"}
                )
        await checkpoint(engine)
        assert SECRET.encode() in _raw(path)  # the text really was written to the file
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM notes"))
        await checkpoint(engine)
        assert SECRET.encode() not in _raw(path)
    finally:
        await engine.dispose()
