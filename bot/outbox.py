"""issue 15: the outbox. The replies of a committed turn are recorded with the turn.

The turn's transaction inserts one row per reply (``Incoming.record``, called by the core
before it commits); the channel sends the replies and deletes each row once Telegram has
answered its send (the row's deletion is its mark as sent). A process that dies after the
commit leaves the rows of the replies it had not sent; the update is still in the inbox, so
it is handled again, the turn does not run twice (its key is in processed_updates), and the
channel sends what :meth:`Outbox.pending` still holds for that key.

Rows are encrypted like reflections: a reply can quote a reflection or carry an export.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.clock import Clock, utcnow
from bot.core.replies import Button, Document, Reply
from bot.storage.crypto import TextCipher
from bot.storage.models import OutboxReply

log = logging.getLogger(__name__)
OUTBOX = cast(Table, OutboxReply.__table__)
INSERT = insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True)

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


class Outbox:
    def __init__(self, engine: AsyncEngine, cipher: TextCipher, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.cipher = cipher
        self.clock = clock

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
                }
                for r in replies
            ]
            conn = await session.connection()
            ids.extend((await conn.execute(INSERT, rows)).scalars())

        return record

    async def pending(self, key: str) -> list[tuple[int, Reply]]:
        """The replies of the delivery `key` not sent yet, in order."""
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(OUTBOX.c.id, OUTBOX.c.payload)
                    .where(OUTBOX.c.delivery_key == key)
                    .order_by(OUTBOX.c.id)
                )
            ).all()
        return [(int(i), decode(json.loads(self.cipher.decrypt(p)))) for i, p in rows]

    async def mark_sent(self, ids: list[int]) -> None:
        """Delete the rows of replies Telegram has answered (or that are given up)."""
        if not ids:
            return
        try:
            async with self.engine.begin() as conn:
                await conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(ids)))
        except Exception as exc:  # a send that is not recorded may be repeated after a crash
            log.warning("outbox: could not mark replies as sent (%s)", type(exc).__name__)
