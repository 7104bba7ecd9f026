"""The async engine, the session factory and schema migrations (Alembic)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Collection
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import ColumnElement, Select, Table, event, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.concurrency import await_

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs and pick the async drivers."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


class _RunNow:
    """Stands in for the queue to aiosqlite's worker thread: runs each call at once."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as exc:
            if future is None:
                raise
            future.set_exception(exc)
        else:
            if future is not None:
                future.set_result(result)


class InlineSQLite(aiosqlite.Connection):
    """An aiosqlite connection that runs SQLite on the event loop's own thread.

    A turn's statements take tens of microseconds each in SQLite; handing each to a worker
    thread and back (aiosqlite makes four hand-offs a statement) cost more than the work and
    put the thread switches of the whole machine into every turn's latency. Without a thread,
    a transaction runs without giving the loop away between its statements, so the engine
    keeps one connection (see `make_engine`): other turns wait for it without blocking.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Any:
        return self._connect().__await__()  # no worker thread to start


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = normalise_url(url)
    # SQL errors then never carry statement parameters (reflection texts) into logs
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        database = path or ":memory:"

        async def connect() -> InlineSQLite:
            return await InlineSQLite(partial(sqlite3.connect, database, timeout=30))

        # One connection, used by one transaction at a time: SQLite has one writer anyway,
        # and a second connection's BEGIN IMMEDIATE would wait on the loop's only thread
        # for the first, which can then never finish. Others queue for the connection.
        kwargs.setdefault("poolclass", AsyncAdaptedQueuePool)
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, async_creator=connect, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # SQLAlchemy emits BEGIN itself (below), not the driver
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # issue 14: deleted rows are overwritten with zeros, not left readable in the file
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            # A turn reads, then writes. A deferred transaction that another connection wrote
            # under meanwhile fails at its first write ("database is locked"), whatever the
            # busy timeout; taking the write lock at BEGIN makes the other wait instead.
            # Sent straight to the driver, the cheapest way there.
            driver = conn.connection.driver_connection
            assert driver is not None
            await_(driver.execute("BEGIN IMMEDIATE"))

        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_timeout", PG_CONNECT_TIMEOUT_S)
    kwargs.setdefault("connect_args", pg_connect_args())
    # issue 18: not pool_pre_ping, which costs three round trips (BEGIN, a query, ROLLBACK)
    # at every checkout, a quarter of a web turn's; a pooled connection the server closed
    # (a restart, pg_terminate_backend) is known closed without asking, and replaced
    pre_ping = kwargs.pop("pool_pre_ping", False)
    engine = create_async_engine(url, pool_pre_ping=pre_ping, **kwargs)
    if not pre_ping:
        event.listen(engine.sync_engine, "checkout", _replace_closed)
    return engine


@contextlib.asynccontextmanager
async def one_statement(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """issue 15: a connection for a statement that is a transaction by itself (an inbox or
    outbox row stored or deleted for every update). On PostgreSQL it runs in autocommit:
    the server makes the one statement atomic, and the BEGIN and COMMIT round trips, the
    better part of such a write, are saved. On SQLite (one connection, BEGIN IMMEDIATE) it
    is an ordinary transaction."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
    else:
        async with engine.begin() as conn:
            yield conn


async def claim_leased(
    conn: AsyncConnection,
    query: Select[Any],
    key: ColumnElement[Any],
    lease_until: datetime,
    skip: Collection[Any] = (),
) -> list[Any]:  # its rows
    """issue 15: the rows of `query` (whose first column is `key`) that no other process
    holds (FOR UPDATE SKIP LOCKED) and that are not in `skip`, leased to this process until
    `lease_until`. The inbox and the outbox claim what a dead process left this way."""
    rows = [
        row
        for row in (await conn.execute(query.with_for_update(skip_locked=True))).all()
        if row[0] not in skip
    ]
    if rows:
        table = cast(Table, key.table)
        await conn.execute(
            update(table).where(key.in_([row[0] for row in rows])).values(lease_until=lease_until)
        )
    return rows


def _replace_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """At checkout: a connection whose socket the server closed is replaced by a new one
    (the pool retries on DisconnectionError)."""
    driver = getattr(dbapi_conn, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


async def checkpoint(engine: AsyncEngine) -> None:
    """Write the SQLite WAL back into the database file and empty it, so text erased a
    moment ago (zeroed by secure_delete) is gone from both files at once. No-op elsewhere."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return
    path = engine.url.database

    def run() -> None:
        # a connection of its own: the pooled one may still hold a statement of the turn
        # that just committed ("database table is locked")
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    await asyncio.to_thread(run)


# issue 15: bounded waits on PostgreSQL. A frozen or unreachable server fails a turn within
# seconds (the user is told, the update stays unacknowledged) instead of hanging for a minute.
PG_STATEMENT_TIMEOUT_MS = 5000
PG_LOCK_TIMEOUT_MS = 3000
PG_CONNECT_TIMEOUT_S = 5.0


def pg_connect_args() -> dict[str, Any]:
    """asyncpg connect arguments: a connect timeout, and statement and lock timeouts."""
    return {
        "timeout": PG_CONNECT_TIMEOUT_S,
        "command_timeout": PG_STATEMENT_TIMEOUT_MS / 1000 + 1,  # client side, if the server hangs
        "server_settings": {
            "statement_timeout": str(PG_STATEMENT_TIMEOUT_MS),
            "lock_timeout": str(PG_LOCK_TIMEOUT_MS),
        },
    }


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on the engine's own connection (safe to run at every start)."""

    def _run(connection: Connection) -> None:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # one migrator at a time when several replicas start together
            from sqlalchemy import text

            await conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
        await conn.run_sync(_run)
