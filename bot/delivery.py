"""Delivery of pushed messages (the daily prompts): a sender per channel; what a failure means.

A channel registers a :class:`ChannelSender` under its channel name (``User.channel``). The
dispatcher looks the user's channel up; a user whose channel has no sender (``coach shell``,
or a channel that cannot push) is skipped, not failed. A sender may also "deliver" by storing
the replies for the user's next visit (a web chat): it only has to return normally once the
replies are safely stored, or raise. What it raises decides what happens next:

- :class:`Blocked`: the user blocked the bot (Telegram 403); the schedule is paused.
- :class:`DeliveryFailed` (with an optional ``retry_after``) or any other exception: the
  question is not recorded as asked, and the schedule backs off (see :func:`backoff`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from bot.core.replies import Reply, UserRef

# the waits after the 1st, 2nd and 3rd failed attempt; the 4th failure gives up for that day
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20))
MAX_ATTEMPTS = len(BACKOFF) + 1
SEND_TIMEOUT = 30.0  # seconds for one user's prompt, all its messages together


class ChannelSender(Protocol):
    """Delivers (or stores for later) one user's replies; raises if they did not go out."""

    async def __call__(self, user: UserRef, replies: list[Reply]) -> None: ...


Senders = Mapping[str, ChannelSender]


class Blocked(Exception):
    """The user blocked the bot (Telegram 403): pause, do not retry."""


class DeliveryFailed(Exception):
    """A send that may work later; `retry_after` (seconds) when the channel said when."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def backoff(attempts: int, retry_after: float | None = None) -> timedelta | None:
    """How long to wait after `attempts` failed tries; None = give up for that day."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


def describe(exc: BaseException) -> str:
    """One short line for the log and the schedule row (no client text: errors carry none)."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200]


def telegram_sender(bot: Any, signer: Any, limiter: Any = None) -> ChannelSender:
    """Deliver with `bot`; with a `limiter`, every message first takes one of its slots
    (shared by all dispatcher processes when it is backed by Redis)."""
    from telegram.error import Forbidden, RetryAfter

    from bot.channels.telegram import send_replies

    before_send = limiter.acquire if limiter is not None else None

    async def send(user: UserRef, replies: list[Reply]) -> None:
        try:
            chat = int(user.id)
        except ValueError as exc:
            raise DeliveryFailed(f"not a Telegram chat id: {user.id!r}") from exc
        try:
            await send_replies(bot, chat, chat, replies, signer, before_send)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except RetryAfter as exc:
            after = exc.retry_after
            seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
            raise DeliveryFailed(str(exc), retry_after=seconds) from exc

    return send
