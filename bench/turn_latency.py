"""Question-turn latency through Coach.handle, on SQLite and PostgreSQL, and RSS.

Run: .venv/bin/python bench/turn_latency.py [--postgres URL] [--rounds N]
Targets: p95 ≤ 10 ms on SQLite, ≤ 20 ms on PostgreSQL (issue 3).

This machine is a shared VM whose tail latency drifts from minute to minute, so each database
gets several rounds of 400 question turns; every round's p50/p95 is printed, and the summary is
the median round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.replies import UserRef
from bot.settings import Settings
from bot.wiring import coach_for

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    json.loads(line)["text"]
    for line in (ROOT / "tests/data/eval.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]


async def measure(url: str, data_dir: Path, turns: int = 400) -> dict[str, float]:
    settings = Settings(
        coach_data_dir=data_dir, coach_database_url=url, coach_model_dir=ROOT / "data" / "model"
    )
    async with coach_for(settings) as coach:
        who = UserRef("bench", f"u{time.time_ns()}")
        await coach.handle(who, "/start")
        await coach.handle(who, "stop")
        for q in QUESTIONS[:20]:  # warm up
            await coach.handle(who, q)
            await coach.handle(who, "stop")
        samples = []
        for i in range(turns):
            started = time.perf_counter()
            await coach.handle(who, QUESTIONS[i % len(QUESTIONS)])
            samples.append((time.perf_counter() - started) * 1000)
            await coach.handle(who, "stop")  # leave the reflection so each turn is a question
    samples.sort()
    return {
        "turns": turns,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in (
            ("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db"),
            ("postgresql", args.postgres),
        ):
            rounds = [asyncio.run(measure(url, Path(tmp))) for _ in range(args.rounds)]
            median = sorted(rounds, key=lambda r: r["p95_ms"])[len(rounds) // 2]
            results[name] = {"median_round": median, "rounds": rounds}
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
