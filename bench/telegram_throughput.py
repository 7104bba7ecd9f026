"""Messages/s and turn latency with 50 concurrent users through the Telegram adapter.

Run: .venv/bin/python bench/telegram_throughput.py [--users 50] [--rate 200] [--seconds 20]
         [--replicas 1] [--postgres postgresql://postgres@127.0.0.1:5432/test]

The bot runs as it does in production: `coach telegram --webhook` subprocesses (one by default)
on a fresh PostgreSQL database. This process plays Telegram: it POSTs updates to the webhook
(with the secret header, round-robin over the replicas) and serves the Bot API the bot replies
to (tests/fakes/telegram_api.py). Every user goes through a short conversation (a question from
the guide, an answer to the gesprekskaart question, an answer to the follow-up) and, as a person
would, sends the next message only when all replies to the previous one have arrived. How many
replies each step brings is counted first, with one user alone.

The load is offered at `--rate` messages/s in all (default 200: each of 50 users one message
every 0.25 s, the users evenly staggered). A user whose replies come later than its next slot
sends at once when they arrive, but never catches up: a bot too slow for the rate gets fewer
messages in the window, and the achieved rate shows it. `--rate 0` drops the pacing (every
user sends as soon as its replies are in): the most the bot can take, where by Little's law a
turn's latency is simply users / rate.

The load runs `--warmup` seconds (default 5) before the measured window: the users' first
turns, the database pools filling and PostgreSQL preparing each statement on each new
connection make the first seconds of a cold start slower (one trace of a cold start: p50 in
the hundreds of ms for 4 s), a start-up cost rather than the steady state the target is about.
A turn's latency is from the POST to its last reply at the fake Bot API. The bot's own send
pacing is off (TELEGRAM_SEND_RATE=0) and the fake API does not rate-limit: at 200 messages/s
with replies in one or two parts, Telegram's 30 messages/s broadcast limit would be the only
thing measured otherwise. The bot's CPU per message is read from /proc over the load window.
Targets (issue 7): ≥ 200 messages/s with p95 turn latency ≤ 50 ms; `bench/run_all.py` runs
it with two replicas, as docker-compose.yml runs the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import postgres_cpu, process_cpu, rss_mb  # noqa: E402
from bot.channels.telegram_run import SECRET_HEADER  # noqa: E402
from bot.core import texts  # noqa: E402
from tests.fakes.telegram_api import DEFAULT_TOKEN, Call, FakeBotApi  # noqa: E402
from tests.infra import POSTGRES_URL, free_port, recreate_database, wait_healthy  # noqa: E402

DB_NAME = "coach_bench_throughput"
SECRET = "bench-throughput-secret"
FIRST_CHAT = 800_000_000
COACH = str(ROOT / ".venv" / "bin" / "coach")
# one conversation, repeated; questions about different lessons, answers without client data
QUESTIONS = [
    "werkgever wil geen vrouw met een hoofddoek aannemen, wat nu",
    "klant komt steeds niet opdagen en slaapt slecht",
    "hoe lang mag een intake eigenlijk duren",
    "mijn klant wil alleen in zijn oude beroep werken",
]
ANSWER = "Ik merkte dat ik snel een oordeel had en te weinig doorvroeg."
FOLLOW_UP = "Volgende keer vraag ik eerst wat de klant zelf belangrijk vindt."
KEEP = "ja"  # issue 12: an answer is shown and kept after a yes
SCRIPT = [text for q in QUESTIONS for text in (q, ANSWER, KEEP, FOLLOW_UP, KEEP)]


class CountingBotApi(FakeBotApi):
    """The fake Bot API, counting each chat's replies (the flood note aside) as they come."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies: dict[int, int] = defaultdict(int)
        self.last_reply: dict[int, float] = {}
        self.flood_notes = 0
        self._arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    async def _record(self, call: Call) -> None:
        # no list of every call and no wake-up of every waiter: this runs ~500 times a second
        if call.method not in ("sendMessage", "sendDocument") or not call.ok:
            return
        chat = int(call.params["chat_id"])
        if call.params.get("text") == texts.SLOW_DOWN:
            self.flood_notes += 1
            return
        self.replies[chat] += 1
        self.last_reply[chat] = time.perf_counter()
        self._arrived[chat].set()

    async def replies_reach(self, chat: int, count: int, timeout: float = 30.0) -> float:
        """Wait until `chat` has `count` replies; the time the last of them arrived."""
        deadline = time.perf_counter() + timeout
        while self.replies[chat] < count:
            event = self._arrived[chat]
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat}: {self.replies[chat]} of {count} replies")
            await asyncio.wait_for(event.wait(), remaining)
        return self.last_reply[chat]


class Telegram:
    """Posts updates to the replicas' webhooks, as Telegram would."""

    def __init__(self, api: FakeBotApi, http: aiohttp.ClientSession, ports: list[int]) -> None:
        self.api = api
        self.http = http
        self.urls = itertools.cycle([f"http://127.0.0.1:{p}/telegram" for p in ports])
        self.update_ids = itertools.count(1)

    async def post(self, chat: int, text: str) -> None:
        update = {"update_id": next(self.update_ids), "message": self.api.make_message(chat, text)}
        async with self.http.post(
            next(self.urls), json=update, headers={SECRET_HEADER: SECRET}
        ) as response:
            response.raise_for_status()


async def calibrate(api: CountingBotApi, telegram: Telegram) -> list[int]:
    """Replies per script step, for one user alone, waiting until each turn has gone quiet:
    the first round (a new user's first message is also welcomed), then the steady round."""
    chat = FIRST_CHAT
    counts = []
    for text in SCRIPT * 3:  # the second and third rounds must bring the same counts
        before = api.replies[chat]
        await telegram.post(chat, text)
        await api.replies_reach(chat, before + 1)
        while True:
            seen = api.replies[chat]
            await asyncio.sleep(0.5)
            if api.replies[chat] == seen:
                break
        counts.append(api.replies[chat] - before)
    n = len(SCRIPT)
    first, second, third = counts[:n], counts[n : 2 * n], counts[2 * n :]
    if second != third:
        raise RuntimeError(f"the conversation does not repeat: {second} then {third}")
    return first + second


async def user(
    api: CountingBotApi,
    telegram: Telegram,
    chat: int,
    per_step: list[int],
    slots: tuple[float, float, float, float],
    latencies: list[float],
) -> int:
    """One user's conversation until the window ends; `slots` is (first send, interval,
    start of the measured window, its end), interval 0 for no pacing. Returns the messages
    sent in the measured window; only those count for the latencies."""
    first, interval, measured_from, until = slots
    sent = 0
    expected = 0
    slot = first
    for i in itertools.count():
        step = i % len(SCRIPT)
        if slot >= until:
            break
        now = time.perf_counter()
        if slot > now:
            await asyncio.sleep(slot - now)
        started = time.perf_counter()
        expected += per_step[i if i < len(per_step) else len(SCRIPT) + step]
        await telegram.post(chat, SCRIPT[step])
        finished = await api.replies_reach(chat, expected)
        if slot >= measured_from:
            latencies.append((finished - started) * 1000)
            sent += 1
        slot = max(slot + interval, started) if interval else finished
    return sent


async def run(args: argparse.Namespace) -> dict[str, Any]:
    db_url = await recreate_database(args.postgres, DB_NAME)
    data_dir = Path(tempfile.mkdtemp(prefix="throughput-"))
    async with CountingBotApi(DEFAULT_TOKEN) as api:
        env = {
            **os.environ,
            "COACH_DATABASE_URL": db_url,
            "COACH_DATA_DIR": str(data_dir),
            "COACH_MODEL_DIR": str(ROOT / "data" / "model"),
            "COACH_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "TELEGRAM_API_FILE_URL": api.base_file_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_SEND_RATE": "0",
        }
        ports = [free_port() for _ in range(args.replicas)]
        procs = [
            subprocess.Popen(
                [COACH, "telegram", "--webhook", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=str(data_dir),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for port in ports
        ]
        connector = aiohttp.TCPConnector(limit=2 * args.users)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                for port, proc in zip(ports, procs, strict=True):
                    await wait_healthy(http, port, proc)
                telegram = Telegram(api, http, ports)
                per_step = await calibrate(api, telegram)
                latencies: list[float] = []
                interval = args.users / args.rate if args.rate else 0.0
                started = time.perf_counter() + 0.1
                measured_from = started + args.warmup
                until = measured_from + args.seconds
                users = asyncio.gather(
                    *(
                        user(
                            api,
                            telegram,
                            FIRST_CHAT + 1 + i,
                            per_step,
                            (started + i * interval / args.users, interval, measured_from, until),
                            latencies,
                        )
                        for i in range(args.users)
                    )
                )
                await asyncio.sleep(measured_from - time.perf_counter())
                cpu_before = [process_cpu(p.pid) for p in procs]
                pg_before, own_before = postgres_cpu(), time.process_time()
                sent = await users
                elapsed = args.seconds  # every message sent in the window has its replies
                bot_cpu = sum(process_cpu(p.pid) for p in procs) - sum(cpu_before)
                pg_cpu, own_cpu = postgres_cpu() - pg_before, time.process_time() - own_before
                rss = [rss_mb(p.pid) for p in procs]
        finally:
            for proc in procs:
                proc.terminate()
            errors = []
            for proc in procs:
                try:
                    errors.append(proc.communicate(timeout=30)[1].decode()[-800:])
                except subprocess.TimeoutExpired:
                    proc.kill()
                    errors.append("ERROR: did not stop within 30 s of SIGTERM")
    latencies.sort()
    total = sum(sent)
    result: dict[str, Any] = {
        "users": args.users,
        "replicas": args.replicas,
        "offered_per_second": args.rate or "as fast as replies come",
        "warmup_seconds": args.warmup,
        "seconds": round(elapsed, 1),
        "messages": total,
        "messages_per_second": round(total / elapsed, 1),
        "replies_per_step": per_step,
        "flood_notes": api.flood_notes,
        "cpu_ms_per_message": {
            "bot": round(bot_cpu / total * 1000, 2),
            "postgresql": round(pg_cpu / total * 1000, 2),
            "this_bench_as_telegram": round(own_cpu / total * 1000, 2),
        },
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "latency_max_ms": round(latencies[-1], 1),
        "bot_rss_mb": [round(current, 1) for current, _ in rss],
        "bot_peak_rss_mb": [round(peak, 1) for _, peak in rss],
        "bot_exit_codes": [proc.returncode for proc in procs],
        "bot_errors": [e for e in errors if "Traceback" in e or "ERROR" in e],
        "cpus": os.cpu_count(),
    }
    result["ok"] = (
        result["messages_per_second"] >= 200
        and result["latency_p95_ms"] <= 50
        and not result["bot_errors"]
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="offered messages/s; 0: unpaced")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=5.0, help="load before the window")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--postgres", default=POSTGRES_URL)
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
