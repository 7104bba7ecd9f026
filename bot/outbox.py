"""issue 15: the outbox. The replies of a committed turn are recorded with the turn.

The turn's transaction inserts one row per reply (``Incoming.record``, called by the core
before it commits) and deletes its update from the inbox; the channel sends the replies and
deletes each row once Telegram has answered its send (the row's deletion is its mark as
sent). A process that dies after the commit leaves the rows of the replies it had not sent.
Each row has a lease (LEASE, longer than a send with its retries takes); once it has run out,
the sweeper of any process claims the row and sends it (:meth:`Outbox.claim_left`), so the
outbox alone owns the delivery of what a turn left behind.

Rows are encrypted like reflections: a reply can quote a reflection or carry an export.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.clock import Clock, utcnow
from bot.core.replies import Button, Document, Reply
from bot.storage.crypto import EncryptionError, TextCipher
from bot.storage.db import claim_leased, one_statement
from bot.storage.models import OutboxReply

log = logging.getLogger(__name__)
OUTBOX = cast(Table, OutboxReply.__table__)
INSERT = insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True)
# a live send with its retries (two timeouts of 5 s, waits after a 429) ends well before;
# after it, a reply is taken as left behind by a process that died
LEASE = timedelta(seconds=60)
BATCH = 200

Recorder = Callable[[AsyncSession, int, list[Reply]], Awaitable[None]]


def encode(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[[b.label, b.action] for b in row] for row in reply.buttons],
    }
    if reply.document is not None:
        data["document"] = {
            "filename": reply.document.filename,
            "content": base64.b64encode(reply.document.content).decode(),
            "mime": reply.document.mime,
        }
    return data


def decode(data: dict[str, Any]) -> Reply:
    doc = data.get("document")
    return Reply(
        data["text"],
        tuple(tuple(Button(label, action) for label, action in row) for row in data["buttons"]),
        None
        if doc is None
        else Document(doc["filename"], base64.b64decode(doc["content"]), doc["mime"]),
    )


@dataclass
class Left:
    """The replies one turn left unsent, in order, to send again."""

    chat_id: int
    ids: list[int] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)


class Outbox:
    def __init__(
        self,
        engine: AsyncEngine,
        cipher: TextCipher,
        clock: Clock = utcnow,
        lease: timedelta = LEASE,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.clock = clock
        self.lease = lease

    def recorder(self, key: str, chat_id: int, ids: list[int]) -> Recorder:
        """A hook for the turn: records its replies in its transaction; their row ids are
        appended to `ids` (in reply order)."""

        async def record(session: AsyncSession, user_id: int, replies: list[Reply]) -> None:
            if not replies:
                return
            now = self.clock()
            rows = [
                {
                    "delivery_key": key,
                    "user_id": user_id,
                    "chat_id": chat_id,
                    "payload": self.cipher.encrypt(json.dumps(encode(r), ensure_ascii=False)),
                    "created_at": now,
                    "lease_until": now + self.lease,
                }
                for r in replies
            ]
            conn = await session.connection()
            ids.extend((await conn.execute(INSERT, rows)).scalars())

        return record

    async def mark_sent(self, ids: list[int]) -> None:
        """Delete the rows of replies Telegram has answered (or that are given up)."""
        if not ids:
            return
        try:
            async with one_statement(self.engine) as conn:
                await conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(ids)))
        except Exception as exc:  # a send that is not recorded may be repeated after a crash
            log.warning("outbox: could not mark replies as sent (%s)", type(exc).__name__)

    async def claim_left(self, everything: bool = False, skip: Collection[int] = ()) -> list[Left]:
        """Claim the replies whose lease has run out (all, with `everything`: one process on
        SQLite at its start) and are not among `skip` (being sent by this process), for one
        more lease; grouped by turn, in order."""
        now = self.clock()
        query = (
            select(OUTBOX.c.id, OUTBOX.c.delivery_key, OUTBOX.c.chat_id, OUTBOX.c.payload)
            .order_by(OUTBOX.c.id)
            .limit(BATCH)
        )
        if not everything:
            query = query.where(or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until < now))
        async with self.engine.begin() as conn:
            rows = await claim_leased(conn, query, OUTBOX.c.id, now + self.lease, skip)
        turns: dict[str, Left] = {}
        unreadable = []
        for row_id, key, chat_id, payload in rows:
            try:
                reply = decode(json.loads(self.cipher.decrypt(payload)))
            except (EncryptionError, ValueError, KeyError):
                unreadable.append(int(row_id))
                continue
            left = turns.setdefault(key, Left(int(chat_id)))
            left.ids.append(int(row_id))
            left.replies.append(reply)
        if unreadable:
            log.error("outbox: %d replies cannot be read (key changed?); dropped", len(unreadable))
            await self.mark_sent(unreadable)
        return list(turns.values())
