"""issue 15: processed update ids are purged after a week (for `coach maintenance purge`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from bot.core.coach import Coach
from bot.storage import repo
from bot.storage.models import ProcessedUpdate


async def test_purge_processed_updates_removes_only_old_ids(coach: Coach) -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    async with coach.services.sessions.begin() as session:
        await session.execute(
            insert(ProcessedUpdate),
            [
                {"delivery_key": "tg:1:1:a", "processed_at": now - timedelta(days=8)},
                {"delivery_key": "tg:1:2:b", "processed_at": now - timedelta(days=1)},
            ],
        )
    async with coach.services.sessions.begin() as session:
        removed = await repo.purge_processed_updates(session, now - timedelta(days=7))
    assert removed == 1
    async with coach.services.sessions.begin() as session:
        left = await session.scalars(select(ProcessedUpdate.delivery_key))
        assert list(left) == ["tg:1:2:b"]
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


async def test_purge_removes_inbox_and_outbox_rows_left_behind(coach: Coach) -> None:
    from bot.storage.maintenance import purge_all
    from bot.storage.models import InboxUpdate, OutboxReply

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    async with coach.services.sessions.begin() as session:
        for days, n in ((3, 1), (0, 2)):
            at = now - timedelta(days=days)
            session.add(
                InboxUpdate(
                    delivery_key=f"tg:1:{n}:x",
                    bot_id=1,
                    update_id=n,
                    payload="enc1:x",
                    received_at=at,
                    lease_until=at,
                )
            )
            session.add(
                OutboxReply(delivery_key=f"tg:1:{n}:x", chat_id=1, payload="p", created_at=at)
            )
    async with coach.services.sessions.begin() as session:
        done = await purge_all(session, now, 365)
    assert (done["inbox"], done["outbox"]) == (1, 1)
    async with coach.services.sessions.begin() as session:
        assert list(await session.scalars(select(InboxUpdate.update_id))) == [2]
        assert await session.scalar(select(func.count()).select_from(OutboxReply)) == 1
