"""A real `coach telegram` (long polling) as a subprocess against the fake Bot API, for the
kill -9 tests and bench/faults.py."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.fakes import FakeBotApi
from tests.infra import bot_env


class BotProcess:
    """Starts `python -m bot.cli telegram` as often as asked; each run logs to its own file."""

    def __init__(self, fake: FakeBotApi, data_dir: Path, model_dir: Path, database: str) -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.env = bot_env(fake, data_dir, model_dir, database)
        self.logs: list[Path] = []
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self, timeout: float = 90) -> None:
        """Start, and wait until it polls (PTB's deleteWebhook comes first)."""
        since = asyncio.get_running_loop().time()
        log = self.data_dir / f"bot-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "telegram"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            await self.fake.wait_for(
                "deleteWebhook", predicate=lambda c: c.time >= since, timeout=timeout
            )
        except TimeoutError:
            raise AssertionError(f"the bot did not start polling:\n{self.log_tail()}") from None
        assert self.proc.poll() is None, self.log_tail()

    async def kill(self) -> None:
        """kill -9: no shutdown, no last acknowledgement."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.proc.wait, 15)
        self.proc = None

    async def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.proc.wait, 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.proc.wait, 10)

    def log_tail(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.logs if p.exists())
