"""Signals of acute danger in a message, so the bot can point to 112, 113 and the huisarts once.

The wordings are data (`bot/core/data/danger.yml`), validated and compiled at first use.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bot.nlu.text import fold

_DATA = Path(__file__).with_name("data") / "danger.yml"


@cache
def danger_pattern() -> re.Pattern[str]:
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    patterns = raw.get("patterns") if isinstance(raw, dict) else None
    if not isinstance(patterns, list) or not patterns:
        raise ValueError(f"{_DATA.name}: needs a non-empty list 'patterns'")
    for p in patterns:
        re.compile(str(p))  # a bad pattern fails here, with its own message
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def suggests_danger(text: str) -> bool:
    return bool(danger_pattern().search(fold(text)))
