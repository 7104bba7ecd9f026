"""Choose the NLU decision thresholds by cross-validation on the training data only.

Each fold trains on 4/5 of nlu_data/ and scores the held-out fifth; a grid over the
thresholds in bot.nlu.engine.Thresholds is then evaluated on all held-out scores. The
evaluation set in tests/data is not used here, so it stays a fair test.

Run: .venv/bin/python bench/nlu_tuning.py
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import asdict, replace
from pathlib import Path

from bot.knowledge import load_knowledge
from bot.nlu.data import load_training_data
from bot.nlu.engine import LESSON, META_INTENTS, NLU, OUT_OF_SCOPE, Thresholds, build
from bot.nlu.text import clean

ROOT = Path(__file__).resolve().parent.parent


def main(folds: int = 5, seed: int = 7) -> None:
    knowledge = load_knowledge(ROOT / "knowledge")
    data = load_training_data(ROOT / "nlu_data")
    examples = list(data.examples)
    random.Random(seed).shuffle(examples)
    scored: list[tuple[str, str, dict[str, float], dict[str, float]]] = []
    for k in range(folds):
        held = examples[k::folds]
        train = [e for i, e in enumerate(examples) if i % folds != k]
        nlp = build(knowledge, train, data.synonyms)
        for (text, label), doc in zip(held, nlp.pipe(clean(t) for t, _ in held), strict=True):
            scored.append((text, label, doc.cats, doc._.item_scores))
        print(f"fold {k + 1}/{folds} scored", flush=True)

    grid = {
        "retrieval_weight": [0.0, 0.2, 0.35, 0.5],
        "reject_below": [0.0, 0.05, 0.1, 0.15, 0.2],
        "retrieval_rescue": [0.35, 0.45, 0.6, 1.1],
        "oos_above": [0.3, 0.45, 0.6, 0.75],
        "meta_below": [0.2, 0.3, 0.4],
    }
    best: tuple[float, dict[str, float], dict[str, float]] | None = None
    for values in itertools.product(*grid.values()):
        thresholds = replace(Thresholds(), **dict(zip(grid, values, strict=True)))
        nlu = NLU(None, thresholds)  # type: ignore[arg-type]
        m = measure(nlu, scored)
        # lesson top-1 and meta accuracy, with the rejection targets as hard-ish constraints
        penalty = max(0.0, 0.85 - m["oos_rejected"]) * 4 + max(0.0, m["false_reject"] - 0.05) * 4
        score = m["lesson_top1"] + m["meta"] * 0.5 - penalty
        if best is None or score > best[0]:
            best = (score, asdict(thresholds), m)
    assert best is not None
    print(json.dumps({"thresholds": best[1], "cross_validated": best[2]}, indent=2))


def measure(
    nlu: NLU, scored: list[tuple[str, str, dict[str, float], dict[str, float]]]
) -> dict[str, float]:
    n = {"lesson": 0, "top1": 0, "meta": 0, "meta_ok": 0, "oos": 0, "oos_ok": 0, "in": 0, "fr": 0}
    for text, label, cats, sims in scored:
        parse = nlu.decide(text, cats, sims)
        if label == OUT_OF_SCOPE:
            n["oos"] += 1
            n["oos_ok"] += parse.intent == OUT_OF_SCOPE
            continue
        n["in"] += 1
        n["fr"] += parse.intent == OUT_OF_SCOPE
        if label.startswith(LESSON + "/"):
            n["lesson"] += 1
            n["top1"] += parse.intent == LESSON and parse.lesson == label.split("/", 1)[1]
        elif label in META_INTENTS:
            n["meta"] += 1
            n["meta_ok"] += parse.intent == label
    return {
        "lesson_top1": round(n["top1"] / max(1, n["lesson"]), 4),
        "meta": round(n["meta_ok"] / max(1, n["meta"]), 4),
        "oos_rejected": round(n["oos_ok"] / max(1, n["oos"]), 4),
        "false_reject": round(n["fr"] / max(1, n["in"]), 4),
    }


if __name__ == "__main__":
    main()
