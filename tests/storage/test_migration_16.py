"""issue 16: migration 0016 upgrades a database made by the current version (0001) and
loses nothing: every row of every table is still there, schedules keep their days."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from bot.storage.db import make_engine, upgrade


async def test_0016_upgrades_a_0001_database_without_loss(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine, "0001")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO users (id, channel, channel_user_id, timezone, created_at, "
                "new_in_work) VALUES "
                "(1, 'telegram', '11', 'Europe/Amsterdam', '2026-01-01', 0),"
                "(2, 'telegram', '22', 'Europe/Amsterdam', '2026-01-01', 0)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO prompt_schedules (user_id, local_time, weekdays_only, active, "
                "weekly_review) VALUES (1, '08:15', 1, 1, 0), (2, '17:00', 0, 0, 1)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO reflections (id, user_id, prompt, text, source, created_at) "
                "VALUES (1, 1, 'vraag', 'mijn antwoord', 'daily', '2026-01-02')"
            )
        )
        before = {
            t: (await conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))).all()
            for t in ("users", "prompt_schedules", "reflections")
        }
    await upgrade(engine)
    async with engine.begin() as conn:
        for table, rows in before.items():
            after = (await conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))).all()
            assert [tuple(r)[: len(rows[0])] for r in after] == [tuple(r) for r in rows]
        days = (
            await conn.execute(text("SELECT user_id, weekdays FROM prompt_schedules ORDER BY 1"))
        ).all()
        assert [tuple(r) for r in days] == [(1, 31), (2, 127)]
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert "notes" in tables
    await engine.dispose()
