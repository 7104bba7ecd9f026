"""Cold start of `coach telegram` to its first answer, and the RSS of the running bot.

Run: .venv/bin/python bench/telegram_cold_start.py [--runs 5] [--messages 200]

Each run starts `coach telegram` (long polling, the embedded SQLite default in a new data
folder, so the migrations run too; the trained model already on disk) with a question waiting
at a fake Bot API (tests/fakes/telegram_api.py), and times process start → the answer's
sendMessage. The last run then answers `--messages` more questions and reads the bot's RSS
(current and peak) from /proc, then stops it with SIGTERM and checks it exits cleanly.
Targets (issue 7): first answer ≤ 3 s, RSS ≤ 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import rss_mb  # noqa: E402
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotApi  # noqa: E402

CHAT = 900_000_001
QUESTION = "werkgever wil geen vrouw met een hoofddoek aannemen, wat nu"
LOAD = [
    "klant komt steeds niet opdagen en slaapt slecht",
    "hoe lang mag een intake eigenlijk duren",
    "mijn klant wil alleen in zijn oude beroep werken",
    "stop",
]


def start_bot(api: FakeBotApi, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "COACH_DATA_DIR": str(data_dir),
        "COACH_MODEL_DIR": str(ROOT / "data" / "model"),
        "COACH_LOG_LEVEL": "WARNING",
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
    }
    env.pop("COACH_DATABASE_URL", None)
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "coach"), "telegram"],
        env=env,
        cwd=str(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def answers(api: FakeBotApi) -> int:
    return len(api.calls_to("sendMessage", ok=True))


async def one_run(keep_running: bool, messages: int) -> dict[str, Any]:
    async with FakeBotApi(DEFAULT_TOKEN) as api:
        api.push_message(CHAT, QUESTION)
        with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
            started = time.monotonic()  # the fake API stamps calls with loop.time(), monotonic
            bot = start_bot(api, Path(tmp))
            try:
                first = await api.wait_for("sendMessage", timeout=60, ok=True)
                result: dict[str, Any] = {"first_answer_s": round(first[0].time - started, 2)}
                if keep_running:
                    for i in range(messages):
                        before = answers(api)
                        api.push_message(CHAT, LOAD[i % len(LOAD)])
                        await api.wait_for("sendMessage", count=before + 1, timeout=30, ok=True)
                        await asyncio.sleep(0.02)
                    current, peak = rss_mb(bot.pid)
                    result |= {
                        "messages_answered": messages + 1,
                        "rss_mb": round(current, 1),
                        "peak_rss_mb": round(peak, 1),
                    }
            finally:
                bot.send_signal(signal.SIGTERM)
                _, err = await asyncio.to_thread(bot.communicate, timeout=30)
            result["exit_code"] = bot.returncode
            if "Traceback" in err.decode():
                result["errors"] = err.decode()[-800:]
            return result


async def run(args: argparse.Namespace) -> dict[str, Any]:
    runs = [await one_run(i == args.runs - 1, args.messages) for i in range(args.runs)]
    starts = [r["first_answer_s"] for r in runs]
    last = runs[-1]
    result: dict[str, Any] = {
        "first_answer_s_median": statistics.median(starts),
        "first_answer_s_runs": starts,
        "rss_mb_after_messages": last.get("rss_mb"),
        "peak_rss_mb": last.get("peak_rss_mb"),
        "messages_answered": last.get("messages_answered"),
        "exit_codes": [r["exit_code"] for r in runs],
        "errors": [r["errors"] for r in runs if "errors" in r],
    }
    result["ok"] = (
        result["first_answer_s_median"] <= 3.0
        and (result["peak_rss_mb"] or 0) <= 250
        and all(code == 0 for code in result["exit_codes"])
        and not result["errors"]
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=200)
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
