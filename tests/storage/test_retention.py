"""Retention: old reflections go; production refuses to store without an encryption key."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.storage import repo
from bot.storage.models import Reflection
from tests.helpers import onboard, say, texts, user


async def test_reflections_older_than_retention_are_purged(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    await onboard(coach, anna)
    await say(coach, anna, "/reflectie", "oude gedachte", "ja", "stop")
    clock.advance(days=200)
    await say(coach, anna, "/reflectie", "nieuwe gedachte", "ja", "stop")
    clock.advance(days=200)
    async with coach.services.sessions.begin() as session:
        removed = await repo.purge_old_reflections(session, clock(), 365)
    assert removed == 1
    async with coach.services.sessions() as session:
        left = [
            coach.services.cipher.decrypt(r.text)  # encrypted by default (issue 14)
            for r in await session.scalars(select(Reflection))
        ]
    assert left == ["nieuwe gedachte"]
    assert coach.services.settings.coach_retention_days == 365


async def test_production_without_key_stores_nothing(settings, clock, nlu) -> None:  # type: ignore[no-untyped-def]
    from bot.wiring import coach_for

    production = settings.model_copy(
        update={"coach_env": "production", "coach_encryption_key": None}
    )
    async with coach_for(production, clock, nlu=nlu) as coach:
        anna = user()
        await onboard(coach, anna)
        replies = await say(coach, anna, "/reflectie", "iets wat ik kwijt wil", "ja")
        assert "versleuteling" in texts(replies)
        async with coach.services.sessions() as session:
            assert (await session.scalars(select(Reflection))).all() == []


async def test_database_errors_do_not_carry_message_text(coach: Coach) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from bot.storage.models import User

    async with coach.services.sessions() as session:
        session.add(User(channel="x", channel_user_id="geheime tekst van de klant"))
        session.add(User(channel="x", channel_user_id="geheime tekst van de klant"))
        with pytest.raises(IntegrityError) as caught:
            await session.commit()
    assert "geheime tekst" not in str(caught.value)
