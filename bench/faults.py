"""Fault campaign from outside: a real `coach telegram` against the fake Bot API.

Run: .venv/bin/python bench/faults.py [--rounds 6] [--users 3] [--postgres]

Phases (each prints one FAULTS line: messages sent, answered, reflections stored, stored
twice, duplicate replies, lost):

1. kill -9 at random points: each round every user asks /reflectie and sends an answer;
   the bot is killed -9 at a random moment 0–1.5 s later and started again.
2. Bot API faults on the running bot: sendMessage answering 500 twice, 429 twice, and late
   (answered after the 5 s read timeout: delivered, no answer in time, so the one retry
   allowed after a timeout is a second copy: those are the duplicates counted).
3. With --postgres (the database behind a TCP proxy, tests/faults/proxy.py; the shared
   server is never touched): PostgreSQL frozen for 8 s, then stopped for 8 s, with answers
   in flight.
4. Telegram's update counter starting again at 1.

Without --postgres the bot runs on SQLite (the default deployment). Goal: 0 lost and 0
stored twice everywhere; duplicate replies only where Telegram gave no answer at all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.core import texts  # noqa: E402
from bot.storage.crypto import TextCipher, resolve_keys  # noqa: E402
from bot.storage.db import make_engine  # noqa: E402
from tests.channels.conftest import Talk  # noqa: E402
from tests.fakes.telegram_api import FakeBotApi  # noqa: E402
from tests.faults.bot_process import BotProcess  # noqa: E402
from tests.faults.proxy import PgProxy  # noqa: E402
from tests.faults.report import FaultReport  # noqa: E402
from tests.infra import POSTGRES_URL, recreate_database  # noqa: E402


def answered(t: str) -> bool:
    return texts.STORED in t or "Nog één stap verder" in t


class Campaign:
    def __init__(self, fake: FakeBotApi, bot: BotProcess, database: str, data_dir: Path):
        self.fake = fake
        self.bot = bot
        self.database = database
        self.data_dir = data_dir
        self.sent: list[tuple[str, Talk, str, float]] = []  # (phase, user, answer, since)

    async def ask(self, me: Talk) -> None:
        await me.say("/reflectie", texts.REFLECT_HINT, timeout=30)

    def send(self, phase: str, me: Talk, answer: str) -> None:
        self.sent.append((phase, me, answer, me.now()))
        self.fake.push_message(me.chat_id, answer)

    async def wait_answers(self, phase: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for p, me, _, since in self.sent:
            if p != phase:
                continue
            left = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(TimeoutError):  # counted as lost in the report
                await me.until(answered, since, timeout=left)

    async def stored(self) -> Counter[str]:
        cipher = TextCipher(resolve_keys(None, self.data_dir))
        engine = make_engine(self.database)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(text("SELECT text FROM reflections"))).scalars()
                return Counter(cipher.decrypt(r) for r in rows)
        finally:
            await engine.dispose()

    async def report(self, phase: str) -> FaultReport:
        stored = await self.stored()
        mine = [(me, answer, since) for p, me, answer, since in self.sent if p == phase]
        report = FaultReport(phase, sent=len(mine))
        report.stored = sum(stored[a] for _, a, _ in mine)
        report.stored_twice = sum(max(0, stored[a] - 1) for _, a, _ in mine)
        for index, (me, answer, since) in enumerate(mine):
            # the replies to this answer: after it was sent, before this user's next answer
            until = min((s for m, _, s in mine[index + 1 :] if m is me), default=float("inf"))
            got = [c for c in me.sent() if since <= c.time < until and answered(c.params["text"])]
            report.replies += bool(got)
            report.duplicate_replies += max(0, len(got) - 1)
            report.lost += not got or stored[answer] == 0
        return report


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rng = random.Random(args.seed)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="coach-faults-") as tmp:
        data_dir = Path(tmp)
        async with FakeBotApi() as fake:
            proxy: PgProxy | None = None
            if args.postgres:
                real = await recreate_database(POSTGRES_URL, "coach_bench_faults")
                proxy = await PgProxy(real).__aenter__()
                database = proxy.url
            else:
                database = f"sqlite+aiosqlite:///{data_dir / 'coach.db'}"
            bot = BotProcess(fake, data_dir, args.model_dir, database)
            campaign = Campaign(fake, bot, database, data_dir)
            users = [Talk(fake, 7000 + n) for n in range(args.users)]
            counter = itertools.count()

            def answer(phase: str, me: Talk) -> str:
                n = next(counter)
                return f"{phase} {n}: bij klant {me.chat_id} vroeg ik eerst wat hij zelf wilde"

            try:
                await bot.start()
                for me in users:
                    await me.onboard()
                    # issue 12: each answer is kept as sent (not the keep question)
                    await me.say("bewaar mijn antwoorden altijd", "Vanaf nu bewaar ik", timeout=15)
                # 1. kill -9 at random points
                for _ in range(args.rounds):
                    for me in users:
                        await campaign.ask(me)
                    for me in users:
                        campaign.send("kill -9 at random points", me, answer("kill", me))
                    await asyncio.sleep(rng.uniform(0.0, 1.5))
                    await bot.kill()
                    await bot.start()
                    await campaign.wait_answers("kill -9 at random points")
                results.append(asdict(await campaign.report("kill -9 at random points")))

                # 2. Bot API faults
                for fault in ("500", "429", "late"):
                    phase = {
                        "500": "Bot API 500 twice",
                        "429": "Bot API 429 twice",
                        "late": "Bot API answers after the 5 s timeout",
                    }[fault]
                    for me in users:
                        await campaign.ask(me)
                    if fault == "500":
                        fake.fail_next("sendMessage", status=500, times=2)
                    elif fault == "429":
                        fake.fail_next("sendMessage", status=429, retry_after=1, times=2)
                    else:
                        fake.send_delay = 5.5
                    for me in users:
                        campaign.send(phase, me, answer(fault, me))
                    await campaign.wait_answers(phase, timeout=40)
                    await asyncio.sleep(12 if fault == "late" else 1)  # a retry would come now
                    fake.send_delay = 0.0
                    results.append(asdict(await campaign.report(phase)))

                # 3. PostgreSQL frozen and stopped
                if proxy is not None:
                    for fault in ("frozen", "stopped"):
                        phase = f"PostgreSQL {fault} 8 s"
                        for me in users:
                            await campaign.ask(me)
                        proxy.freeze() if fault == "frozen" else proxy.stop()
                        for me in users:
                            campaign.send(phase, me, answer(fault, me))
                        await asyncio.sleep(8)
                        proxy.thaw() if fault == "frozen" else proxy.start()
                        await campaign.wait_answers(phase, timeout=90)
                        results.append(asdict(await campaign.report(phase)))

                # 4. the update counter starts again
                phase = "update counter restarted"
                fake._update_ids = itertools.count(1)
                for me in users:
                    await campaign.ask(me)
                    campaign.send(phase, me, answer("counter", me))
                await campaign.wait_answers(phase)
                results.append(asdict(await campaign.report(phase)))
            finally:
                await bot.stop()
                if proxy is not None:
                    await proxy.__aexit__(None, None, None)
                    await recreate_database(POSTGRES_URL, "coach_bench_faults", create=False)
    return results


def asdict(report: FaultReport) -> dict[str, Any]:
    print(report.line(), flush=True)
    return dict(report.__dict__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "data" / "model")
    started = time.monotonic()
    results = asyncio.run(run(parser.parse_args()))
    ok = all(r["lost"] == 0 and r["stored_twice"] == 0 for r in results)
    print(json.dumps({"ok": ok, "seconds": round(time.monotonic() - started), "runs": results}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
