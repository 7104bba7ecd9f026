"""Process and database helpers shared by the tests and the benchmarks in bench/."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time

import aiohttp
from sqlalchemy.engine import make_url


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


async def wait_healthy(
    http: aiohttp.ClientSession, port: int, proc: subprocess.Popen, timeout: float = 90
) -> None:
    """Wait until a `coach telegram --webhook` process answers /healthz with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the bot on port {port} exited with {proc.returncode}"
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError(f"the bot on port {port} did not become healthy")
