"""Requests about the bot's own features, read by pure request readers (shared with #12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    intent: str
    args: dict[str, Any] = field(default_factory=dict)
