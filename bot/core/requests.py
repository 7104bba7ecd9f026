"""A request about one of the bot's own features, read from text typed anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    intent: str
    args: dict[str, Any] = field(default_factory=dict)
