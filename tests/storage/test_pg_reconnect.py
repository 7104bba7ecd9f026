"""issue 18: the PostgreSQL pool checks a connection at checkout without a round trip (no
pool_pre_ping); one the server closed meanwhile is replaced, so the next query just works."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.db import make_engine


async def _terminate_others(url: str) -> int:
    u = make_url(url)
    admin = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        return int(
            await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await admin.close()


async def test_a_connection_the_server_closed_is_replaced(postgres_url: str) -> None:
    engine = make_engine(postgres_url, pool_size=2, max_overflow=0)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert await _terminate_others(postgres_url) >= 1  # the pooled, idle connection
        await asyncio.sleep(0.5)  # the loop reads the server's goodbye meanwhile
        async with engine.begin() as conn:
            second = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()
