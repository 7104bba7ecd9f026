"""Process and database helpers shared by the tests and the benchmarks in bench/."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from tests.fakes import FakeBotApi

POSTGRES_URL = os.environ.get(
    "COACH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def recreate_database(admin_url: str, name: str, create: bool = True) -> str:
    """Drop database `name` on the server of `admin_url`, then create it again (unless
    `create` is false); return its URL."""
    import asyncpg

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(
    fake: FakeBotApi,
    data_dir: Path,
    model_dir: Path,
    database_url: str,
    webhook_secret: str | None = None,
) -> dict[str, str]:
    """The environment of a `coach telegram` subprocess that talks to `fake`; a Redis URL or
    webhook secret of the caller's own environment is not passed on."""
    env = {
        **os.environ,
        "COACH_DATA_DIR": str(data_dir),
        "COACH_DATABASE_URL": database_url,
        "COACH_MODEL_DIR": str(model_dir),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_API_FILE_URL": fake.base_file_url,
    }
    env.pop("COACH_REDIS_URL", None)
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    if webhook_secret is not None:
        env["TELEGRAM_WEBHOOK_SECRET"] = webhook_secret
    return env


async def wait_healthy(
    http: aiohttp.ClientSession,
    port: int,
    proc: subprocess.Popen,
    timeout: float = 90,
    path: str = "/healthz",
) -> None:
    """Wait until a server subprocess answers `path` with 200 (`coach telegram --webhook`:
    /healthz; `coach actions`: /health)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the process on port {port} exited with {proc.returncode}"
        try:
            async with http.get(f"http://127.0.0.1:{port}{path}") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError(f"the process on port {port} did not become healthy")
