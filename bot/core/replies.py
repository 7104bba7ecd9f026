"""What the core says back: channel-neutral replies with light, safe markup.

Bold text is wrapped in the control characters STX/ETX. User input is cleaned of control
characters before it reaches the core, so a user can never produce this markup; each
channel renders it (HTML <b> on Telegram, plain text in the shell) after escaping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

BOLD_START = "\x02"
BOLD_END = "\x03"


def bold(text: str) -> str:
    return f"{BOLD_START}{text}{BOLD_END}"


def plain(text: str) -> str:
    return text.replace(BOLD_START, "").replace(BOLD_END, "")


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # short, channel-neutral: "more:discriminatie", "skip", "role:manager"


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mime: str = "text/markdown"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    document: Document | None = None

    @property
    def plain_text(self) -> str:
        return plain(self.text)


@dataclass(frozen=True)
class UserRef:
    """Who speaks, as the channel knows them."""

    channel: str
    id: str
    display_name: str | None = None


@dataclass(frozen=True)
class Incoming:
    """A message: free text, or the action of a pressed button."""

    text: str = ""
    action: str | None = None
    # the channel's key for this delivery (Telegram: bot.inbox.delivery_key): a re-delivery
    # is ignored
    delivery_id: str | int | None = None
    # issue 15: called in the turn's transaction with (session, user_id, replies) before it
    # commits, so the channel's outbox records the replies with the turn
    record: Callable[[Any, int, list[Reply]], Awaitable[None]] | None = field(
        default=None, compare=False, repr=False
    )
