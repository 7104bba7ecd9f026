"""Run every benchmark in bench/ and print their results (see the README's table)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    "nlu_speed.py",
    "turn_latency.py",
    "privacy_detection.py",
    "shell_rss.py",
    "prompt_fanout.py",
    "telegram_cold_start.py",
    "telegram_throughput.py --replicas 2",  # as docker-compose.yml runs the bot
    "web_throughput.py",  # issue 18
]

if __name__ == "__main__":
    failed = 0
    for name in BENCHES:
        print(f"== {name}", flush=True)
        script, *args = name.split()
        done = subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
        failed += done.returncode != 0
    sys.exit(1 if failed else 0)
