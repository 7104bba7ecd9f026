"""Web chat sessions: a random token in a cookie, only its SHA-256 kept, ended by inactivity,
"log uit" or /vergeet; a CSRF token derived from it; flood control per session."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import User, WebSession

COOKIE = "coach_sessie"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(token: str) -> str:
    """The CSRF token of a session: an HMAC of its cookie token, so it needs no storage and a
    page of another origin (which cannot read the cookie or our responses) cannot know it."""
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()[:32]


def csrf_ok(token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_for(token), given or "")


@dataclass(frozen=True)
class Who:
    """The user a session speaks as (a linked session speaks as the Telegram user)."""

    user_id: int
    channel: str
    channel_user_id: str


async def start(session: AsyncSession, user_id: int, now: datetime) -> str:
    token = new_token()
    session.add(
        WebSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now)
    )
    await session.flush()
    return token


# built once: a message's session check is a Core statement on the turn's connection (the
# ORM path costs about three times the CPU, for one row)
_FIND = (
    select(WebSession.last_seen_at, User.id, User.channel, User.channel_user_id)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("digest"))
)


async def find(session: AsyncSession, token: str, now: datetime, days: int) -> Who | None:
    """The session's user, if the token is known and was used within `days`; touches it."""
    if not token or len(token) > 128:
        return None
    digest = token_hash(token)
    conn = await session.connection()
    row = (await conn.execute(_FIND, {"digest": digest})).first()
    if row is None:
        return None
    if row.last_seen_at < now - timedelta(days=days):
        await session.execute(delete(WebSession).where(WebSession.token_hash == digest))
        return None
    if now - row.last_seen_at > timedelta(minutes=5):  # not a write for every message
        await session.execute(
            update(WebSession).where(WebSession.token_hash == digest).values(last_seen_at=now)
        )
    return Who(row.id, row.channel, row.channel_user_id)


class Gone(Exception):
    """The session a turn was started for has ended or now speaks as another user."""


class Known:
    """This process's recent sessions: token hash -> the user it spoke as, at its last check.

    Only a hint for which user a message is from: the turn checks the session again in its
    own transaction (`find`, under the user's lock), so a session ended on another process
    (log uit, /vergeet, expiry) or joined by /koppel never runs a turn. It saves a
    transaction of its own per message."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._who: OrderedDict[str, Who] = OrderedDict()

    def get(self, token: str) -> Who | None:
        key = token_hash(token)
        who = self._who.pop(key, None)
        if who is not None:
            self._who[key] = who
        return who

    def put(self, token: str, who: Who) -> None:
        key = token_hash(token)
        self._who.pop(key, None)
        self._who[key] = who
        while len(self._who) > self.size:
            self._who.popitem(last=False)

    def drop(self, token: str) -> None:
        self._who.pop(token_hash(token), None)


async def end(session: AsyncSession, token: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


async def purge_expired(session: AsyncSession, now: datetime, days: int) -> int:
    result = await session.execute(
        delete(WebSession).where(WebSession.last_seen_at < now - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)


class Pacer:
    """Flood control per session: a burst of `burst` messages, then `rate` a second. A message
    over the rate waits its turn (nothing is dropped) unless more than `max_waiting` already
    wait; `take` returns how long it waited."""

    def __init__(self, rate: float = 10.0, burst: int = 10, max_waiting: int = 200) -> None:
        self.rate = rate
        self.burst = burst
        self.max_waiting = max_waiting
        self._next: OrderedDict[str, float] = OrderedDict()  # session -> when the next slot is free
        self._waiting: dict[str, int] = {}

    def full(self, key: str) -> bool:
        return self._waiting.get(key, 0) >= self.max_waiting

    async def take(self, key: str) -> float:
        now = time.monotonic()
        interval = 1.0 / self.rate
        # GCRA: the theoretical arrival time of the next message, `burst` of them early at most
        tat = max(self._next.pop(key, now), now)
        self._next[key] = tat + interval
        while len(self._next) > 10_000:
            self._next.popitem(last=False)
        wait = tat - now - (self.burst - 1) * interval
        if wait <= 0:
            return 0.0
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            await asyncio.sleep(wait)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
        return wait
