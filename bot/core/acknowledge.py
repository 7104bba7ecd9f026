"""issue 12: a short acknowledgment of a reflection that names the kind of thing written.

From reviewed templates (data/acknowledgments.yaml), validated at load: a plan, a doubt, a
success, a difficulty, a question back, or other. The reply reflects the kind only, never the
content, so it cannot state anything the user did not write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.nlu.text import fold

KINDS = ("question", "doubt", "plan", "difficulty", "success", "other")
DATA = Path(__file__).with_name("data") / "acknowledgments.yaml"


@dataclass(frozen=True)
class Kind:
    name: str
    cues: re.Pattern[str] | None
    replies: tuple[str, ...]


def load(path: Path = DATA) -> tuple[Kind, ...]:
    """The kinds in reading order; a ValueError names the file and what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = raw.get("kinds") if isinstance(raw, dict) else None
    if not isinstance(kinds, dict) or tuple(kinds) != KINDS:
        raise ValueError(f"{path.name}: expected the kinds {KINDS} in this order")
    found = []
    for name, entry in kinds.items():
        if not isinstance(entry, dict) or set(entry) - {"cues", "replies"}:
            raise ValueError(f"{path.name}: {name} takes only cues and replies")
        replies = entry.get("replies")
        if (
            not isinstance(replies, list)
            or not replies
            or not all(isinstance(r, str) and 0 < len(r) <= 120 for r in replies)
        ):
            raise ValueError(f"{path.name}: {name} needs replies of 1–120 characters")
        cues = entry.get("cues")
        if (name == "other") != (cues is None):
            raise ValueError(f"{path.name}: every kind but 'other' needs cues; 'other' none")
        pattern = None
        if cues is not None:
            if not isinstance(cues, list) or not all(isinstance(c, str) and c for c in cues):
                raise ValueError(f"{path.name}: {name}: cues must be a list of words")
            words = sorted((re.escape(fold(c)) for c in cues), key=len, reverse=True)
            pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b")
        found.append(Kind(name, pattern, tuple(replies)))
    return tuple(found)


@cache
def kinds() -> tuple[Kind, ...]:
    return load()


def kind_of(text: str) -> str:
    folded = " ".join(fold(text).split())
    for kind in kinds():
        if kind.name == "question" and folded.rstrip().endswith("?"):
            return kind.name
        if kind.cues is not None and kind.cues.search(folded):
            return kind.name
    return "other"


def acknowledgment(text: str, turn: int = 0) -> str:
    """The reply for this text; `turn` rotates among the kind's replies."""
    name = kind_of(text)
    replies = next(k.replies for k in kinds() if k.name == name)
    return replies[turn % len(replies)]
