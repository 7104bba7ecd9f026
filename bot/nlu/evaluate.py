"""`coach eval`: accuracy on a labelled JSONL file (format in the design's contract)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge import Knowledge
from bot.nlu.engine import ABOUT, LESSON, META_INTENTS, NLU, OUT_OF_SCOPE


class EvalFileError(Exception):
    """A line of the evaluation file is malformed; the message names file and line."""


@dataclass(frozen=True)
class Case:
    line: int
    text: str
    kind: str  # lesson | intent | out_of_scope
    expect: tuple[str, ...] = ()  # item ids
    intent: str | None = None
    oos_kind: str | None = None  # out_of_scope lines may name their kind (referrals.yaml)


def read_eval_file(path: Path, knowledge: Knowledge) -> list[Case]:
    by_title = {item.title: item.id for item in knowledge.items}
    known_intents = {*META_INTENTS, ABOUT}
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{where}: not JSON: {exc}") from exc
        kind, text = row.get("kind"), row.get("text")
        if not isinstance(text, str):
            raise EvalFileError(f"{where}: 'text' must be a string")
        if kind == "lesson":
            titles = row.get("expect") or []
            unknown = [t for t in titles if t not in by_title and t not in knowledge.items_by_id]
            if not titles or unknown:
                raise EvalFileError(
                    f"{where}: 'expect' needs titles of the guide; unknown: {unknown}"
                )
            ids = tuple(by_title.get(t, t) for t in titles)
            cases.append(Case(number, text, kind, expect=ids))
        elif kind == "intent":
            intent = row.get("intent")
            if intent not in known_intents:
                raise EvalFileError(f"{where}: unknown intent {intent!r}")
            cases.append(Case(number, text, kind, intent=intent))
        elif kind == "out_of_scope":
            oos_kind = row.get("oos_kind")
            if oos_kind is not None and not isinstance(oos_kind, str):
                raise EvalFileError(f"{where}: 'oos_kind' must be a string")
            cases.append(Case(number, text, kind, oos_kind=oos_kind))
        else:
            raise EvalFileError(f"{where}: 'kind' must be lesson, intent or out_of_scope")
    return cases


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate(nlu: NLU, knowledge: Knowledge, cases: list[Case]) -> dict[str, Any]:
    parses = nlu.parse_many([c.text for c in cases])
    counts = {
        k: 0
        for k in (
            "lesson",
            "top1",
            "top3",
            "ambiguous",
            "intent",
            "intent_ok",
            "oos",
            "oos_ok",
            "in_scope",
            "false_reject",
            "kind",
            "kind_ok",
        )
    }
    misses: list[dict[str, Any]] = []
    for case, parse in zip(cases, parses, strict=True):
        ranked = [c.id for c in parse.alternatives]
        rejected = parse.intent == OUT_OF_SCOPE
        if case.kind != "out_of_scope":
            counts["in_scope"] += 1
            counts["false_reject"] += rejected
        if case.kind == "lesson":
            counts["lesson"] += 1
            is_lesson = parse.intent == LESSON
            top1 = is_lesson and parse.lesson in case.expect
            counts["top1"] += top1
            counts["top3"] += is_lesson and any(r in case.expect for r in ranked[:3])
            counts["ambiguous"] += is_lesson and parse.ambiguous
            ok = top1
        elif case.kind == "intent":
            counts["intent"] += 1
            ok = parse.intent == case.intent
            counts["intent_ok"] += ok
        else:
            counts["oos"] += 1
            ok = rejected
            counts["oos_ok"] += ok
            if case.oos_kind:
                counts["kind"] += 1
                counts["kind_ok"] += rejected and parse.kind == case.oos_kind
        if ok and case.oos_kind and parse.kind != case.oos_kind:
            ok = False  # rejected, but with the referral of another kind
        if not ok:
            misses.append(
                {
                    "line": case.line,
                    "text": case.text,
                    "kind": case.kind,
                    "expected": list(case.expect)
                    or case.intent
                    or (f"{OUT_OF_SCOPE}/{case.oos_kind}" if case.oos_kind else OUT_OF_SCOPE),
                    "got": parse.lesson
                    if parse.intent == LESSON
                    else f"{parse.intent}/{parse.kind}"
                    if parse.kind
                    else parse.intent,
                    "confidence": parse.confidence,
                    "ranked": ranked,
                }
            )
    return {
        "cases": len(cases),
        "lesson_top1": _rate(counts["top1"], counts["lesson"]),
        "lesson_top3": _rate(counts["top3"], counts["lesson"]),
        "lesson_ambiguous": _rate(counts["ambiguous"], counts["lesson"]),
        "meta_intent_accuracy": _rate(counts["intent_ok"], counts["intent"]),
        "out_of_scope_rejected": _rate(counts["oos_ok"], counts["oos"]),
        "in_scope_wrongly_rejected": _rate(counts["false_reject"], counts["in_scope"]),
        "out_of_scope_kind_right": _rate(counts["kind_ok"], counts["kind"]),
        "counts": counts,
        "misses": misses,
    }


def format_report(report: dict[str, Any], show_misses: bool = False) -> str:
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value * 100:.1f} %"

    c = report["counts"]
    lines = [
        f"cases: {report['cases']}",
        f"lesson top-1:               {pct(report['lesson_top1'])}  ({c['top1']}/{c['lesson']})",
        f"lesson top-3:               {pct(report['lesson_top3'])}  ({c['top3']}/{c['lesson']})",
        f"lesson 'Bedoel je…?' asked: {pct(report['lesson_ambiguous'])}",
        f"meta intents:               {pct(report['meta_intent_accuracy'])}  "
        f"({c['intent_ok']}/{c['intent']})",
        f"out-of-scope rejected:      {pct(report['out_of_scope_rejected'])}  "
        f"({c['oos_ok']}/{c['oos']})",
        f"in-scope wrongly rejected:  {pct(report['in_scope_wrongly_rejected'])}  "
        f"({c['false_reject']}/{c['in_scope']})",
    ]
    if c["kind"]:
        lines.append(
            f"out-of-scope kind right:    {pct(report['out_of_scope_kind_right'])}  "
            f"({c['kind_ok']}/{c['kind']}, of the lines that name a kind)"
        )
    if show_misses:
        lines.append("")
        for miss in report["misses"]:
            lines.append(
                f"line {miss['line']}: {miss['text']!r} expected {miss['expected']} "
                f"got {miss['got']} ({miss['confidence']}) ranked {miss['ranked']}"
            )
    return "\n".join(lines)
