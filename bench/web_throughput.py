"""Messages/s and turn latency with 50 concurrent users through the web chat.

Run: .venv/bin/python bench/web_throughput.py [--users 50] [--rate 200] [--seconds 20]
         [--replicas 1] [--postgres postgresql://postgres@127.0.0.1:5432/test]
         [--model-dir data/model]

The chat runs as it does in production: `coach web` subprocesses (one by default) on a fresh
PostgreSQL database, with COACH_ACCESS=open so each user gets its session the way a browser
does (GET api/session: a cookie and a CSRF token). This process plays the browsers: every user
has its own session cookie and POSTs api/message with the CSRF token and a same-site Origin,
round-robin over the replicas. Each user first goes through onboarding (/start, the role and
"new" buttons), then repeats a short conversation (a question from the guide, an answer to the
reflection question, an answer to the follow-up) and, as a person would, sends the next message
only when the answer to the previous one is in. The web API answers in the response, so a
turn's latency is from the POST to the end of its response body.

The load is offered at `--rate` messages/s in all (default 200: each of 50 users one message
every 0.25 s, the users evenly staggered); a user whose answer comes later than its next slot
sends at once when it arrives, but never catches up: a server too slow for the rate gets fewer
messages in the window, and the achieved rate shows it. `--rate 0` drops the pacing. The load
runs `--warmup` seconds (default 5) before the measured window (pools filling, statements
being prepared). The server's per-session pacing (a burst of 10, then 10 messages/s) is not
reached: each user sends 4 a second. CPU per message is read from /proc over the window.
Target (issue 18, as for Telegram): 200 messages/s with p95 turn latency <= 50 ms.
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
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import postgres_cpu, process_cpu, rss_mb  # noqa: E402
from bot.channels.web_sessions import COOKIE  # noqa: E402
from tests.infra import POSTGRES_URL, free_port, recreate_database, wait_healthy  # noqa: E402

DB_NAME = "coach_bench_web_throughput"
PYTHON = [sys.executable, *os.environ.get("BENCH_PYTHON_ARGS", "").split()]
ONBOARDING: list[dict[str, str]] = [
    {"text": "/start"},
    {"action": "role:professional"},
    {"action": "new:no"},
]
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
SCRIPT = [{"text": text} for q in QUESTIONS for text in (q, ANSWER, KEEP, FOLLOW_UP, KEEP)]


class Visitor:
    """One browser: its own session cookie and CSRF token, on one of the replicas."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.headers: dict[str, str] = {}
        self.failures = 0
        self.slowed = 0

    async def open(self) -> None:
        async with self.http.get(self.base + "api/session") as response:
            response.raise_for_status()
            data = await response.json()
            token = response.cookies[COOKIE].value
        self.headers = {
            "Cookie": f"{COOKIE}={token}",
            "X-CSRF-Token": data["csrf"],
            "Origin": self.base.rstrip("/"),
        }

    async def say(self, body: dict[str, str]) -> None:
        async with self.http.post(
            self.base + "api/message", json=body, headers=self.headers
        ) as response:
            data = await response.json()
            if response.status != 200 or not data.get("replies"):
                self.failures += 1
            self.slowed += bool(data.get("slowed"))


async def user(
    visitor: Visitor, slots: tuple[float, float, float, float], latencies: list[float]
) -> int:
    """One user's conversation until the window ends; `slots` is (first send, interval,
    start of the measured window, its end), interval 0 for no pacing. Returns the messages
    sent in the measured window; only those count for the latencies."""
    first, interval, measured_from, until = slots
    sent = 0
    slot = first
    for step in itertools.cycle(SCRIPT):
        if slot >= until:
            break
        now = time.perf_counter()
        if slot > now:
            await asyncio.sleep(slot - now)
        started = time.perf_counter()
        await visitor.say(step)
        finished = time.perf_counter()
        if slot >= measured_from:
            latencies.append((finished - started) * 1000)
            sent += 1
        slot = max(slot + interval, started) if interval else finished
    return sent


async def run(args: argparse.Namespace) -> dict[str, Any]:
    db_url = await recreate_database(args.postgres, DB_NAME)
    data_dir = Path(tempfile.mkdtemp(prefix="web-throughput-"))
    env = {
        **os.environ,
        "COACH_DATABASE_URL": db_url,
        "COACH_DATA_DIR": str(data_dir),
        "COACH_MODEL_DIR": str(Path(args.model_dir).resolve()),
        "COACH_LOG_LEVEL": "WARNING",
        "COACH_ACCESS": "open",
    }
    env.pop("COACH_REDIS_URL", None)
    env.pop("COACH_WEB_BASE_PATH", None)
    ports = [free_port() for _ in range(args.replicas)]
    subprocess.run(  # one migrator before the replicas start
        [sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=str(ROOT), check=True
    )
    procs = [
        subprocess.Popen(
            [*PYTHON, "-m", "bot.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    connector = aiohttp.TCPConnector(limit=2 * args.users)
    jar = aiohttp.DummyCookieJar()  # each visitor sends its own cookie
    try:
        async with aiohttp.ClientSession(connector=connector, cookie_jar=jar) as http:
            for port, proc in zip(ports, procs, strict=True):
                await wait_healthy(http, port, proc)
            bases = itertools.cycle([f"http://127.0.0.1:{p}/" for p in ports])
            visitors = [Visitor(http, next(bases)) for _ in range(args.users)]
            for visitor in visitors:  # sessions and onboarding, before any load
                await visitor.open()
                for step in ONBOARDING:
                    await visitor.say(step)
            onboarding_failures = sum(v.failures for v in visitors)
            latencies: list[float] = []
            interval = args.users / args.rate if args.rate else 0.0
            started = time.perf_counter() + 0.1
            measured_from = started + args.warmup
            until = measured_from + args.seconds
            users = asyncio.gather(
                *(
                    user(
                        visitor,
                        (started + i * interval / args.users, interval, measured_from, until),
                        latencies,
                    )
                    for i, visitor in enumerate(visitors)
                )
            )
            await asyncio.sleep(measured_from - time.perf_counter())
            cpu_before = [process_cpu(p.pid) for p in procs]
            pg_before, own_before = postgres_cpu(), time.process_time()
            sent = await users
            elapsed = args.seconds
            server_cpu = sum(process_cpu(p.pid) for p in procs) - sum(cpu_before)
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
        "offered_per_second": args.rate or "as fast as answers come",
        "warmup_seconds": args.warmup,
        "seconds": round(elapsed, 1),
        "messages": total,
        "messages_per_second": round(total / elapsed, 1),
        "failed_turns": sum(v.failures for v in visitors) - onboarding_failures,
        "onboarding_failures": onboarding_failures,
        "slowed_by_pacing": sum(v.slowed for v in visitors),
        "cpu_ms_per_message": {
            "server": round(server_cpu / total * 1000, 2),
            "postgresql": round(pg_cpu / total * 1000, 2),
            "this_bench_as_browsers": round(own_cpu / total * 1000, 2),
        },
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "latency_max_ms": round(latencies[-1], 1),
        "server_rss_mb": [round(current, 1) for current, _ in rss],
        "server_peak_rss_mb": [round(peak, 1) for _, peak in rss],
        "server_exit_codes": [proc.returncode for proc in procs],
        "server_errors": [e for e in errors if "Traceback" in e or "ERROR" in e],
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    result["ok"] = (
        result["messages_per_second"] >= 0.98 * (args.rate or 0)
        and result["latency_p95_ms"] <= 50
        and not result["failed_turns"]
        and not result["onboarding_failures"]
        and not result["server_errors"]
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
    parser.add_argument("--model-dir", default=str(ROOT / "data" / "model"))
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
