"""Jobs an operator or the scheduler runs: key rotation and the retention purge."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.settings import Settings
from bot.storage import repo
from bot.storage.crypto import TextCipher, resolve_keys
from bot.storage.db import make_engine, session_factory
from bot.storage.models import Invite, Reflection


async def rotate_keys(settings: Settings, batch: int = 500) -> int:
    """Re-encrypt every reflection with the first configured key; returns the count."""
    cipher = TextCipher(
        resolve_keys(settings.coach_encryption_key, settings.coach_data_dir, settings.coach_env)
    )
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    done = 0
    try:
        last_id = 0
        while True:
            async with sessions.begin() as session:
                rows = list(
                    await session.scalars(
                        select(Reflection)
                        .where(Reflection.id > last_id)
                        .order_by(Reflection.id)
                        .limit(batch)
                    )
                )
                for row in rows:
                    row.text = cipher.rotate(row.text)
                done += len(rows)
            if len(rows) < batch:
                return done
            last_id = rows[-1].id
    finally:
        await engine.dispose()


async def purge(settings: Settings) -> int:
    """Delete reflections older than COACH_RETENTION_DAYS."""
    engine = make_engine(settings.database_url)
    try:
        async with session_factory(engine).begin() as session:
            return await repo.purge_old_reflections(
                session, utcnow(), settings.coach_retention_days
            )
    finally:
        await engine.dispose()


# issue 13: one purge for cron (`coach maintenance purge`) and the running bot (PromptTicker)
UPDATE_IDS_KEPT = timedelta(days=7)  # Telegram re-delivers an update for at most a day


async def purge_all(session: AsyncSession, now: datetime, retention_days: int) -> dict[str, int]:
    """Reflections past retention, processed update ids older than a week, expired invites."""
    reflections = await repo.purge_old_reflections(session, now, retention_days)
    updates = await repo.purge_processed_updates(session, now - UPDATE_IDS_KEPT)
    invites = await session.execute(
        delete(Invite).where(Invite.expires_at.is_not(None), Invite.expires_at < now)
    )
    # issue 15: the inbox keeps an update a day (Telegram too); leftovers go after two
    inbox, outbox = await repo.purge_left_behind(session, now - timedelta(days=2))
    return {
        "reflections": reflections,
        "update_ids": updates,
        "inbox": inbox,
        "outbox": outbox,
        "invites": int(getattr(invites, "rowcount", 0) or 0),
    }


async def purge_everything(settings: Settings, now: datetime | None = None) -> dict[str, int]:
    from bot.storage.db import upgrade

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine).begin() as session:
            return await purge_all(session, now or utcnow(), settings.coach_retention_days)
    finally:
        await engine.dispose()
