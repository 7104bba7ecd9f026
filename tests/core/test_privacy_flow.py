"""Client data never reaches the database raw; danger gets 112/113; invite-only access."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.core import texts as texts_module
from bot.core.coach import FLOOD_MESSAGES, Coach
from bot.storage.models import Base, Reflection
from tests.helpers import actions, onboard, press, say, texts, user

VALID_BSN = "111222333"


async def _all_text_in_db(coach: Coach) -> str:
    chunks = []
    async with coach.services.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


async def test_bsn_in_a_reflection_is_caught_and_redacted(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    replies = await coach.handle(anna, f"mijn klant met bsn {VALID_BSN} belde me vandaag")
    assert "BSN" in texts(replies)
    assert actions(replies) == ["redact:store", "redact:rewrite"]
    assert VALID_BSN not in await _all_text_in_db(coach)
    replies = await coach.handle(anna, press("redact:store"))
    assert "Bewaard" in texts(replies)
    async with coach.services.sessions() as session:
        stored = (await session.scalars(select(Reflection))).one()
    kept = coach.services.cipher.decrypt(stored.text)  # encrypted by default (issue 14)
    assert stored.text.startswith("enc1:")
    assert "[BSN]" in kept and VALID_BSN not in kept
    assert VALID_BSN not in await _all_text_in_db(coach)


async def test_rewrite_stores_only_the_new_text(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await say(coach, anna, "/reflectie", "Meneer Haile Tesfay vertelde over zijn dochter")
    replies = await coach.handle(anna, press("redact:rewrite"))
    assert "opnieuw" in texts(replies)
    replies = await coach.handle(anna, "mijn klant vertelde over zijn gezin")
    assert "Zal ik het bewaren?" in texts(replies)
    replies = await coach.handle(anna, "ja graag")
    assert "Bewaard" in texts(replies)
    dump = await _all_text_in_db(coach)
    assert "Haile" not in dump and "Tesfay" not in dump


async def test_danger_gets_the_emergency_numbers_once(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(
        anna, "hoe bespreek ik gezondheidsklachten met een klant die aan zelfmoord denkt"
    )
    first = texts(replies)
    assert "113" in first and "112" in first
    assert texts_module.SUPPORT_LOAD in first  # support before content: a human word,
    assert "more:alert_gezondheid" in actions(replies)  # the fitting lessons to open,
    assert texts_module.REFLECT_HINT not in first  # and no reflection question pushed
    again = texts(await coach.handle(anna, "hij zei weer dat hij niet meer wil leven"))
    assert "113" not in again


async def test_flooding_gets_a_friendly_note_and_nothing_is_dropped(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    notes = 0
    for i in range(FLOOD_MESSAGES + 2):
        replies = await coach.handle(anna, f"hoi {i}")
        assert replies  # every message is answered
        notes += "rustig aan" in texts(replies)
    assert notes == 1


async def test_invite_mode_admits_only_invited_users(settings, clock, nlu) -> None:  # type: ignore[no-untyped-def]
    from bot.storage import invites
    from bot.storage.models import User
    from bot.wiring import coach_for

    closed = settings.model_copy(update={"coach_access": "invite"})
    async with coach_for(closed, clock, nlu=nlu) as coach:
        async with coach.services.sessions.begin() as session:
            code = (await invites.create(session, "Gemeente Zwolle", 1, None, clock())).code
        stranger = user("stranger")
        assert "uitnodiging" in texts(await coach.handle(stranger, "/start"))
        assert "uitnodiging" in texts(await coach.handle(stranger, "/start wrongcode"))
        async with coach.services.sessions() as session:
            assert (await session.scalars(select(User))).all() == []
        invited = user("invited")
        assert "Welkom" in texts(await coach.handle(invited, f"/start {code}"))
        assert "Welkom" not in texts(await coach.handle(user("late"), f"/start {code}"))
        async with coach.services.sessions() as session:
            row = (await session.scalars(select(User))).one()
            assert row.organisation == "Gemeente Zwolle"
        assert "uitnodiging" not in texts(await coach.handle(invited, "hoi"))


async def test_sql_injection_is_just_text(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    evil = "'); DROP TABLE reflections; --"
    await say(coach, anna, "/reflectie", evil, "ja")
    async with coach.services.sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM reflections"))).scalar() == 1
        stored = (await session.scalars(select(Reflection))).one()
    assert coach.services.cipher.decrypt(stored.text) == evil  # issue 14: encrypted by default


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
async def test_any_text_through_the_store_path(coach: Coach, body: str) -> None:
    anna = user()
    await say(coach, anna, "/reflectie")
    replies = await coach.handle(anna, body)
    assert replies
    for reply in replies:
        assert reply.text
