"""issue 12: signs of emotional load in a message, from bot/core/data/emotional_load.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.text import fold

LOAD_FILE = Path(__file__).parent / "data" / "emotional_load.yaml"


class LoadDataError(ValueError):
    """The emotional-load wordings file is malformed."""


@dataclass(frozen=True)
class LoadPatterns:
    patterns: tuple[re.Pattern[str], ...]
    lessons: tuple[str, ...]

    def match(self, text: str) -> bool:
        folded = " ".join(fold(text).split())
        return any(p.search(folded) for p in self.patterns)


def load_patterns(path: Path = LOAD_FILE) -> LoadPatterns:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LoadDataError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("load"), list) or not doc["load"]:
        raise LoadDataError(f"{path}: needs a non-empty list 'load'")
    lessons = doc.get("lessons") or []
    if not isinstance(lessons, list) or not all(isinstance(x, str) for x in lessons):
        raise LoadDataError(f"{path}: 'lessons' must be a list of lesson ids")
    patterns = []
    for i, source in enumerate(doc["load"]):
        try:
            patterns.append(re.compile(str(source)))
        except re.error as exc:
            raise LoadDataError(f"{path}: load[{i}]: invalid regular expression: {exc}") from exc
    return LoadPatterns(tuple(patterns), tuple(lessons))


@lru_cache(maxsize=1)
def default_patterns() -> LoadPatterns:
    return load_patterns()


def suggests_load(text: str) -> bool:
    return default_patterns().match(text)
