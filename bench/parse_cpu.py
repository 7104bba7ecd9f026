"""CPU time per NLU parse of the evaluation questions, for comparing two checkouts.

Run: .venv/bin/python bench/parse_cpu.py [CHECKOUT]   (default: this checkout)
The checkout's trained model in CHECKOUT/data/model is used (train it first with `coach
train` there). Process time, not wall time, so other jobs on a shared machine disturb it
less; five rounds over the 362 questions of tests/data/eval.jsonl, the median is printed.
Issue 12 used it to check that the out-of-scope kinds did not slow a parse down.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    sys.path.insert(0, str(root))
    import spacy

    from bot.nlu.engine import NLU

    nlu = NLU(spacy.load(root / "data" / "model" / "pipeline"))
    lines = (HERE / "tests" / "data" / "eval.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["text"] for line in lines if line]
    for q in questions[:50]:
        nlu.parse(q)
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for q in questions:
            nlu.parse(q)
        rounds.append((time.process_time() - started) / len(questions) * 1e6)
    print(
        json.dumps(
            {
                "checkout": str(root),
                "us_per_parse_rounds": [round(r) for r in rounds],
                "median_us": round(statistics.median(rounds)),
            }
        )
    )


if __name__ == "__main__":
    main()
