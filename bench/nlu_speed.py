"""NLU speed: `coach train` time, cold start of one `coach ask`, `coach ask --json -` throughput.

Run: .venv/bin/python bench/nlu_speed.py   (targets: train ≤ 30 s, cold ask ≤ 2.5 s, ≥ 500 q/s)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COACH = [sys.executable, "-m", "bot.cli"]


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        COACH + args, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return time.perf_counter() - started, done.stdout


def main() -> None:
    questions = [
        json.loads(line)["text"]
        for line in (ROOT / "tests/data/eval.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COACH_DATA_DIR": tmp}
        train_s, out = run(["train"], env)
        cold = [run(["ask", "hoe bespreek ik discriminatie?"], env)[0] for _ in range(3)]
        batch = (questions * (5000 // len(questions) + 1))[:5000]
        total_s, out = run(["ask", "--json", "-"], env, "\n".join(batch) + "\n")
        startup_s, _ = run(["ask", "--json", "-"], env, "\n")
        lines = out.strip().splitlines()
        assert len(lines) == len(batch), (len(lines), len(batch))
    rate = len(batch) / max(1e-9, total_s - startup_s)
    results = {
        "train_seconds": round(train_s, 2),
        "cold_ask_seconds_median": round(statistics.median(cold), 2),
        "ask_stream_questions": len(batch),
        "ask_stream_seconds_total": round(total_s, 2),
        "ask_stream_startup_seconds": round(startup_s, 2),
        "ask_questions_per_second_after_startup": round(rate),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
