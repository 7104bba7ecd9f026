"""RSS of a running `coach shell` after a short conversation (target ≤ 250 MB).

Run: .venv/bin/python bench/shell_rss.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import rss_mb  # noqa: E402

TURNS = [
    "1",
    "2",
    "hoe bespreek ik discriminatie?",
    "ik vraag door naar wat er gebeurde",
    "stop",
    "mijn klant heeft gezondheidsklachten",
    "sla over",
    "/mijnreflecties",
    "/export",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COACH_DATA_DIR": tmp, "COACH_MODEL_DIR": str(ROOT / "data" / "model")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "shell"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin is not None
        started = time.perf_counter()
        for turn in TURNS:
            proc.stdin.write(turn + "\n")
            proc.stdin.flush()
        time.sleep(8)
        current, _ = rss_mb(proc.pid)
        proc.stdin.write("/quit\n")
        proc.stdin.flush()
        proc.wait(timeout=30)
        print(
            json.dumps(
                {
                    "turns": len(TURNS),
                    "rss_mb": round(current, 1),
                    "seconds": round(time.perf_counter() - started, 1),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
