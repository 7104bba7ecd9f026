"""1,000 daily prompts due in the same minute, three dispatcher processes, one 30 msg/s Bot API.

Run: .venv/bin/python bench/prompt_fanout.py [--users 1000] [--processes 3]
         [--postgres postgresql://postgres@127.0.0.1:5432/test] [--redis redis://127.0.0.1:6379/0]

The fake Bot API (tests/fakes/telegram_api.py) runs in this process with
rate_limit_per_second=30: a 31st message within any second gets a 429 and counts as a
violation. Per chat it keeps its defaults (1 message/s with a burst of 3, which is how
Telegram treats a private chat); a prompt is one message per chat here, so that rule never
bites. The bench makes a fresh PostgreSQL database, inserts the users and their schedules
(due now) directly, then starts `coach prompts dispatch --once` N times as separate
processes, all sharing COACH_REDIS_URL. Targets (issue): every prompt delivered exactly
once, no 429s, the fan-out within 10 % of the 1000/30 ≈ 33 s the rate limit allows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.common import children_cpu  # noqa: E402
from bot.storage.db import make_engine, upgrade  # noqa: E402
from bot.storage.models import PromptSchedule, User  # noqa: E402
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotApi  # noqa: E402
from tests.infra import POSTGRES_URL, recreate_database  # noqa: E402

DB_NAME = "coach_bench_fanout"
FIRST_CHAT = 700_000_000
_COMMAND = [str(ROOT / ".venv" / "bin" / "coach")]


async def seed(db_url: str, users: int) -> None:
    """Schema at head, then `users` professionals on Telegram, each with a prompt due now."""
    engine = make_engine(db_url)
    try:
        await upgrade(engine)
        now = datetime.now(UTC)
        local = now.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")
        async with engine.begin() as conn:
            rows = [
                {
                    "channel": "telegram",
                    "channel_user_id": str(FIRST_CHAT + i),
                    "role": "professional",
                    "timezone": "Europe/Amsterdam",
                    "new_in_work": False,
                    "created_at": now - timedelta(days=30),
                }
                for i in range(users)
            ]
            ids = (await conn.execute(insert(User).returning(User.id), rows)).scalars().all()
            await conn.execute(
                insert(PromptSchedule),
                [
                    {
                        "user_id": uid,
                        "local_time": local,
                        "weekdays_only": False,
                        "active": True,
                        "weekly_review": False,
                        "next_due_at": now - timedelta(seconds=5),
                    }
                    for uid in ids
                ],
            )
    finally:
        await engine.dispose()


async def still_due(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            now = datetime.now(UTC)
            return int(
                await conn.scalar(
                    select(func.count())
                    .select_from(PromptSchedule)
                    .where(PromptSchedule.next_due_at <= now)
                )
                or 0
            )
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace) -> dict[str, object]:
    load_before = os.getloadavg()[0]
    db_url = await recreate_database(args.postgres, DB_NAME)
    await seed(db_url, args.users)
    from redis.asyncio import Redis

    redis = Redis.from_url(args.redis)
    await redis.delete(*[k async for k in redis.scan_iter("coach:ratelimit:telegram:*")] or ["-"])
    await redis.aclose()

    data_dir = Path(tempfile.mkdtemp(prefix="fanout-"))
    async with FakeBotApi(DEFAULT_TOKEN, rate_limit_per_second=30) as api:
        env = {
            **os.environ,
            "COACH_DATABASE_URL": db_url,
            "COACH_DATA_DIR": str(data_dir),
            "COACH_MODEL_DIR": str(ROOT / "data" / "model"),
            "COACH_REDIS_URL": args.redis,
            "COACH_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "TELEGRAM_API_FILE_URL": api.base_file_url,
        }
        loop = asyncio.get_running_loop()
        cpu_before = children_cpu()
        started = loop.time()
        procs = [
            await asyncio.create_subprocess_exec(
                *_COMMAND,
                "prompts",
                "dispatch",
                "--once",
                env=env,
                cwd=str(data_dir),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(args.processes)
        ]
        outputs = await asyncio.gather(*(p.communicate() for p in procs))
        finished = loop.time()
        cpu_after = children_cpu()

    sends = [c for c in api.calls if c.method in ("sendMessage", "sendDocument")]
    delivered = [c for c in sends if c.ok]
    per_chat = Counter(int(c.chat_id) for c in delivered)
    expected = {FIRST_CHAT + i for i in range(args.users)}
    first, last = (delivered[0].time, delivered[-1].time) if delivered else (started, started)
    allowed = args.users / 30
    fanout = last - first
    result: dict[str, object] = {
        "users": args.users,
        "processes": args.processes,
        "exit_codes": [p.returncode for p in procs],
        "process_output": [out.decode().strip() for out, _ in outputs],
        "process_errors": [err.decode().strip()[-500:] for _, err in outputs if err.strip()],
        "send_calls": len(sends),
        "delivered_messages": len(delivered),
        "distinct_chats": len(per_chat),
        "missing_chats": len(expected - set(per_chat)),
        "duplicate_chats": sum(1 for n in per_chat.values() if n > 1),
        "violations_429": api.violations,
        "still_due_after": await still_due(db_url),
        "rate_limit_allows_seconds": round(allowed, 2),
        "fanout_seconds": round(fanout, 2),  # first delivered message to last
        "startup_seconds": round(first - started, 2),  # processes launched → first message
        "wall_seconds": round(finished - started, 2),  # launch → all processes exited
        "fanout_vs_allowed": round(fanout / allowed, 3),
        "dispatcher_cpu_seconds": round(cpu_after - cpu_before, 1),
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "shortest_span_of_31_sends": round(
            min((b.time - a.time for a, b in zip(sends, sends[30:], strict=False)), default=0.0), 3
        ),
        "delivered_per_5s": [
            sum(1 for d in delivered if i <= (d.time - first) // 5 < i + 1)
            for i in range(int(fanout // 5) + 1)
        ],
        "peak_messages_in_any_second": max(
            (
                sum(1 for d in delivered[i : i + 40] if d.time - c.time < 1.0)
                for i, c in enumerate(delivered)
            ),
            default=0,
        ),
    }
    result["ok"] = (
        result["missing_chats"] == 0
        and result["duplicate_chats"] == 0
        and len(delivered) == args.users
        and api.violations == 0
        and fanout <= allowed * 1.1
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--postgres", default=POSTGRES_URL)
    parser.add_argument(
        "--redis", default=os.environ.get("COACH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
