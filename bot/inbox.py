"""issue 15: the durable inbox. A Telegram update is stored before it is acknowledged.

Long polling (:class:`Poller`) and the webhook both call :meth:`Inbox.store` first. Only
once the update is in the database does the next ``getUpdates`` carry the offset past it
(polling), or the webhook answer 200. It is then handled from there (:meth:`Inbox.dispatch`).
A turn deletes its update's row in its own transaction (:meth:`Inbox.settle`), together with
recording its delivery key in ``processed_updates`` (``repo.begin_turn``) and its replies in
the outbox (``bot.outbox``), which from then on owns sending them; an update that is not a
turn (a photo, an edit, a group message) is deleted once handled (:meth:`Inbox.finish`). A
process that dies leaves the row; when its lease has run out, the sweeper of any process (the
restarted one) handles it again. The turn itself runs once: a second handling of the same
delivery finds its key in processed_updates and does nothing.

The key is the bot's id, the update id and a digest of the update: another token on the same
database, or Telegram's counter starting again, brings the same ids with other messages.

When the database is unavailable, the update is not acknowledged (polling: Telegram keeps
it; webhook: 503, Telegram sends it again), or a stored update whose turn failed on the
database stays in the inbox and is tried again with a back-off; either way the user is told
once that the message will be handled when the bot is back (``texts.UNAVAILABLE``).

Storing and finishing are one statement each, on PostgreSQL in autocommit
(``db.one_statement``): with the turn's own transaction they are all an update costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.clock import Clock, utcnow
from bot.core import texts
from bot.storage.crypto import EncryptionError, TextCipher
from bot.storage.db import claim_leased, one_statement
from bot.storage.models import InboxUpdate

log = logging.getLogger(__name__)

INBOX = cast(Table, InboxUpdate.__table__)

LEASE = timedelta(seconds=20)  # how long a stored or claimed update is this process's
MAX_AGE = timedelta(hours=24)  # Telegram keeps an update a day; so does the inbox
TELL_AGAIN = 600.0  # seconds before a chat is told again that the bot is unavailable
BATCH = 200


def bot_id_of(token: str) -> int:
    """The bot's numeric id, the part of its token before the colon."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def delivery_key(bot_id: int, data: dict[str, Any]) -> str:
    """``tg:<bot id>:<update id>:<digest>``: a re-delivery has the same key, and an update
    that only shares its id (a new token, a counter reset) has another."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return f"tg:{bot_id}:{int(data['update_id'])}:{digest}"


def unavailable(exc: BaseException | None) -> bool:
    """The database is down, frozen or unreachable (not a bug in a statement)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, IntegrityError | ProgrammingError | DataError):
            return False
        if type(exc).__module__.startswith(("telegram", "aiohttp")):
            return False  # the Bot API's trouble (its timeouts are OSErrors too), not ours
        if isinstance(exc, SQLAlchemyError | OSError | TimeoutError):
            return True
        if type(exc).__module__.startswith("asyncpg"):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


@dataclass
class Entry:
    """One stored update."""

    key: str
    update_id: int
    data: dict[str, Any]
    received_at: datetime
    attempts: int = 0
    update: Any = field(default=None, compare=False, repr=False)  # parsed already, if at hand


@dataclass
class Outcome:
    """What handling an update came to; filled in by the channel while it handles it."""

    retry: bool = False  # the database was unavailable: keep the update, try again
    settled: bool = False  # its turn committed, and deleted the row with it


# the update being handled in this task, and its outcome (set by Inbox._handle)
CURRENT: ContextVar[tuple[Entry, Outcome] | None] = ContextVar("coach_inbox", default=None)


# built once: a statement built for every update costs more than its round trip
STORE = {
    name: insert(INBOX)
    .on_conflict_do_nothing(index_elements=["delivery_key"])
    .returning(INBOX.c.delivery_key, sort_by_parameter_order=True)
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


class Inbox:
    """Stores updates, hands them to `handler`, and deletes them once handled."""

    def __init__(
        self,
        engine: AsyncEngine,
        cipher: TextCipher,
        bot_id: int,
        clock: Clock = utcnow,
        lease: timedelta = LEASE,
    ) -> None:
        # connections, not ORM sessions: these statements run for every update
        self.engine = engine
        self.cipher = cipher
        self.bot_id = bot_id
        self.clock = clock
        self.lease = lease
        self.handler: Callable[[Entry], Awaitable[None]] | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # handled, but the database was gone when it was to be recorded: recorded later,
        # not handled again (that would send its replies twice)
        self._unfinished: dict[str, tuple[Entry, Outcome]] = {}

    @property
    def busy(self) -> int:
        """Updates being handled in this process now."""
        return len(self._tasks)

    def entry(self, data: dict[str, Any], update: Any = None) -> Entry:
        key = delivery_key(self.bot_id, data)
        return Entry(key, int(data["update_id"]), data, self.clock(), update=update)

    async def store(self, updates: Iterable[dict[str, Any] | Entry]) -> list[Entry]:
        """Store updates (one statement); returns those new to the inbox, oldest first.

        An update waiting already is left out. One handled before and delivered again is
        stored again: its turn finds the key in processed_updates and does nothing (cheaper
        than looking it up for every update, which the re-delivery of a few would save).
        Raises when the database is unavailable: then nothing may be acknowledged."""
        made = (u if isinstance(u, Entry) else self.entry(u) for u in updates)
        entries = {e.key: e for e in made}
        if not entries:
            return []
        now = self.clock()
        rows = [
            {
                "delivery_key": key,
                "bot_id": self.bot_id,
                "update_id": e.update_id,
                "payload": self.cipher.encrypt(json.dumps(e.data, ensure_ascii=False)),
                "received_at": now,
                "lease_until": now + self.lease,
                "attempts": 0,
            }
            for key, e in entries.items()
        ]
        async with one_statement(self.engine) as conn:
            fresh = set((await conn.execute(STORE[conn.dialect.name], rows)).scalars())
        return sorted((entries[k] for k in fresh), key=lambda e: e.update_id)

    @staticmethod
    async def settle(session: AsyncSession, key: str) -> None:
        """Delete the update's row in the transaction of its turn (which records its replies
        in the outbox): the turn and the end of the update commit together."""
        conn = await session.connection()
        await conn.execute(delete(INBOX).where(INBOX.c.delivery_key == key))

    def dispatch(self, entries: Iterable[Entry]) -> None:
        """Handle each entry in a task of its own (in the order given)."""
        for entry in entries:
            if entry.key in self._tasks:
                continue  # being handled here already
            task = asyncio.create_task(self._handle(entry))
            self._tasks[entry.key] = task
            task.add_done_callback(partial(self._done, entry.key))

    def _done(self, key: str, _: asyncio.Task[None]) -> None:
        self._tasks.pop(key, None)

    async def _handle(self, entry: Entry) -> None:
        outcome = Outcome()
        token = CURRENT.set((entry, outcome))
        try:
            assert self.handler is not None, "Inbox.handler is not set"
            await self.handler(entry)
        except Exception as exc:
            outcome.retry = outcome.retry or unavailable(exc)
            log.error("inbox: handling an update failed", exc_info=exc)
        finally:
            CURRENT.reset(token)
        await self.finish(entry, outcome)

    async def finish(self, entry: Entry, outcome: Outcome) -> bool:
        """Delete the handled update, or keep it for a retry; nothing when its turn deleted
        it. False when the database did not take it (tried again by the sweeper)."""
        now = self.clock()
        if outcome.settled and not outcome.retry:
            self._unfinished.pop(entry.key, None)
            return True
        try:
            async with one_statement(self.engine) as conn:
                if outcome.retry and now - entry.received_at < MAX_AGE:
                    wait = timedelta(seconds=min(60, 2 ** min(entry.attempts + 1, 6)))
                    await conn.execute(
                        update(INBOX)
                        .where(INBOX.c.delivery_key == entry.key)
                        .values(attempts=entry.attempts + 1, lease_until=now + wait)
                    )
                else:
                    await conn.execute(delete(INBOX).where(INBOX.c.delivery_key == entry.key))
        except Exception as exc:
            log.warning(
                "inbox: could not record a handled update (%s); recorded later",
                type(exc).__name__,
            )
            self._unfinished[entry.key] = (entry, outcome)
            return False
        self._unfinished.pop(entry.key, None)
        return True

    async def finish_left(self) -> None:
        """Record what was handled while the database was away."""
        for entry, outcome in list(self._unfinished.values()):
            if not await self.finish(entry, outcome):
                return

    async def sweep(self, everything: bool = False) -> int:
        """Claim updates whose lease has run out (all, with `everything`) and handle them."""
        now = self.clock()
        query = (
            select(INBOX.c.delivery_key, INBOX.c.update_id, INBOX.c.payload)
            .add_columns(INBOX.c.received_at, INBOX.c.attempts)
            .where(INBOX.c.bot_id == self.bot_id)
            .order_by(INBOX.c.received_at, INBOX.c.update_id)
            .limit(BATCH)
        )
        if not everything:
            query = query.where(INBOX.c.lease_until < now)
        mine = self._tasks.keys() | self._unfinished.keys()
        async with self.engine.begin() as conn:
            rows = await claim_leased(conn, query, INBOX.c.delivery_key, now + self.lease, mine)
        if not rows:
            return 0
        entries = []
        for key, update_id, payload, received_at, attempts in rows:
            try:
                data = json.loads(self.cipher.decrypt(payload))
            except (EncryptionError, ValueError):
                log.error("inbox: a stored update cannot be read (key changed?); dropped")
                async with self.engine.begin() as conn:
                    await conn.execute(delete(INBOX).where(INBOX.c.delivery_key == key))
                continue
            entries.append(Entry(key, update_id, data, received_at, attempts))
        if entries:
            log.info("inbox: handling %d updates left behind", len(entries))
        self.dispatch(entries)
        return len(entries)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for the updates being handled (at shutdown)."""
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        await self.finish_left()


class UnavailableNotice:
    """Tells a chat, once per outage (TELL_AGAIN), that the bot is unavailable for now."""

    def __init__(self, every: float = TELL_AGAIN) -> None:
        self.every = every
        self._told: dict[int, float] = {}

    def due(self, chat_id: int) -> bool:
        now = time.monotonic()
        if now - self._told.get(chat_id, -self.every) < self.every:
            return False
        self._told[chat_id] = now
        if len(self._told) > 10_000:
            self._told.pop(next(iter(self._told)))
        return True

    async def tell(self, bot: Any, chat_id: int | None) -> None:
        if chat_id is None or not self.due(chat_id):
            return
        with contextlib.suppress(Exception):
            await bot.send_message(chat_id, texts.UNAVAILABLE)

    async def tell_all(self, bot: Any, updates: Iterable[dict[str, Any]]) -> None:
        chats = {chat_of(u) for u in updates}
        for chat in chats:
            await self.tell(bot, chat)


def chat_of(data: dict[str, Any]) -> int | None:
    """The private chat an update came from (None for groups, channels and the rest)."""
    for kind in ("message", "edited_message", "callback_query"):
        part = data.get(kind)
        if not isinstance(part, dict):
            continue
        message = part.get("message") if kind == "callback_query" else part
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict):
            chat_id = chat.get("id")
            return chat_id if chat.get("type") == "private" and isinstance(chat_id, int) else None
        return None
    return None
