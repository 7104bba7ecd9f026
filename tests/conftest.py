"""Shared fixtures: real databases (SQLite and PostgreSQL), one trained NLU, a frozen clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.knowledge import Knowledge, load_knowledge
from bot.nlu import NLU
from bot.settings import PROJECT_ROOT, Settings
from tests.infra import POSTGRES_URL, recreate_database


def _postgres_reachable() -> bool:
    import socket

    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


async def reset_postgres(url: str) -> None:
    """Drop everything the project made, so each test starts on an empty schema."""
    from sqlalchemy import text

    from bot.storage.db import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


KNOWLEDGE_DIR = Settings().coach_knowledge_dir


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model") / "model"


@pytest.fixture(scope="session")
def nlu(knowledge: Knowledge, model_dir: Path) -> NLU:
    """One NLU trained from nlu_data/ for the whole session."""
    return NLU.load_or_train(
        knowledge, PROJECT_ROOT / "nlu_data", model_dir, PROJECT_ROOT / "knowledge"
    )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test process's own, so parallel test runs never collide."""
    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    name = f"coach_test_{os.getpid()}"
    yield asyncio.run(recreate_database(POSTGRES_URL, name))
    asyncio.run(recreate_database(POSTGRES_URL, name, create=False))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    asyncio.run(reset_postgres(url))
    yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path, database_url: str, model_dir: Path) -> Settings:
    return Settings(
        coach_data_dir=tmp_path, coach_database_url=database_url, coach_model_dir=model_dir
    )


@pytest.fixture
async def coach(settings: Settings, clock: FrozenClock, nlu: NLU) -> AsyncIterator[object]:
    from bot.wiring import coach_for

    async with coach_for(settings, clock, nlu=nlu) as built:
        yield built
