"""Signals of acute danger in a message, so the bot can point to 112 and 113 once.

The wordings live in bot/core/data/danger.yaml (issue 12); `python -m bot.core.safety --report
FILE` prints recall and false alarms on a labelled list of wordings.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.text import fold

DANGER_FILE = Path(__file__).parent / "data" / "danger.yaml"


class DangerDataError(ValueError):
    """The danger wordings file is malformed."""


@dataclass(frozen=True)
class DangerPatterns:
    danger: tuple[tuple[str, re.Pattern[str]], ...]
    figurative: tuple[re.Pattern[str], ...]

    def match(self, text: str) -> str | None:
        """The name of the first danger pattern found, after figurative idioms are removed."""
        folded = " ".join(fold(text).split())
        for idiom in self.figurative:
            folded = idiom.sub(" ", folded)
        for name, pattern in self.danger:
            if pattern.search(folded):
                return name
        return None


def _compile(path: Path, where: str, source: object) -> re.Pattern[str]:
    if not isinstance(source, str) or not source.strip():
        raise DangerDataError(f"{path}: {where}: pattern must be a non-empty string")
    try:
        return re.compile(source)
    except re.error as exc:
        raise DangerDataError(f"{path}: {where}: invalid regular expression: {exc}") from exc


def load_patterns(path: Path = DANGER_FILE) -> DangerPatterns:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DangerDataError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("danger"), list) or not doc["danger"]:
        raise DangerDataError(f"{path}: needs a non-empty list 'danger'")
    danger = []
    for i, entry in enumerate(doc["danger"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise DangerDataError(f"{path}: danger[{i}]: needs 'name' and 'pattern'")
        danger.append((entry["name"], _compile(path, f"danger[{i}]", entry.get("pattern"))))
    figurative = doc.get("figurative") or []
    if not isinstance(figurative, list):
        raise DangerDataError(f"{path}: 'figurative' must be a list")
    figs = tuple(_compile(path, f"figurative[{i}]", f) for i, f in enumerate(figurative))
    return DangerPatterns(tuple(danger), figs)


@lru_cache(maxsize=1)
def _default() -> DangerPatterns:
    return load_patterns()


def suggests_danger(text: str) -> bool:
    return _default().match(text) is not None


def report(path: Path, patterns: DangerPatterns | None = None) -> dict[str, float]:
    """Recall on `danger` wordings and false-alarm rate on `not_danger` wordings of a list."""
    found = patterns or _default()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    danger, safe = list(doc["danger"]), list(doc["not_danger"])
    hits = [t for t in danger if found.match(t)]
    alarms = [t for t in safe if found.match(t)]
    return {
        "danger": len(danger),
        "not_danger": len(safe),
        "recall": len(hits) / len(danger),
        "false_alarms": len(alarms) / len(safe),
        "missed": [t for t in danger if t not in hits],  # type: ignore[dict-item]
        "alarms": alarms,  # type: ignore[dict-item]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.core.safety")
    parser.add_argument("--report", type=Path, required=True, help="labelled wordings (YAML)")
    args = parser.parse_args(argv)
    r = report(args.report)
    print(
        f"danger {r['danger']}, not-danger {r['not_danger']}: "
        f"recall {r['recall']:.3f}, false alarms {r['false_alarms']:.3f}"
    )
    for t in r["missed"]:  # type: ignore[attr-defined]
        print(f"  missed: {t}")
    for t in r["alarms"]:  # type: ignore[attr-defined]
        print(f"  false alarm: {t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
