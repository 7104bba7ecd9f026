"""Multi-turn conversations through Coach.handle, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.coach import Coach
from bot.core.dialogue import State
from bot.storage.crypto import TextCipher
from bot.storage.models import DialogueState, Reflection, User
from tests.helpers import actions, onboard, press, say, texts, user


async def _reflections(coach: Coach) -> list[Reflection]:
    async with coach.services.sessions() as session:
        return list(await session.scalars(select(Reflection).order_by(Reflection.id)))


async def _state(coach: Coach, channel_id: str = "anna") -> DialogueState:
    async with coach.services.sessions() as session:
        user_id = await session.scalar(select(User.id).where(User.channel_user_id == channel_id))
        state = await session.get(DialogueState, user_id)
        assert state is not None
        return state


async def test_start_asks_role_and_whether_new(coach: Coach) -> None:
    anna = user()
    replies = await coach.handle(anna, "/start")
    assert "/privacy" in texts(replies)
    assert actions(replies) == ["role:professional", "role:manager"]
    replies = await coach.handle(anna, press("role:manager"))
    assert "leidinggevenden" in texts(replies)
    assert actions(replies) == ["new:yes", "new:no"]
    replies = await coach.handle(anna, press("new:yes"))
    assert "/onboarding" in texts(replies)
    async with coach.services.sessions() as session:
        row = await session.scalar(select(User))
        assert row is not None and row.role == "manager" and row.new_in_work is True


async def test_question_answer_reflection_followup(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, "hoe bespreek ik discriminatie met mijn klant?")
    assert replies[0].plain_text.startswith("Maak discriminatie bespreekbaar")
    assert "Nieuw op de arbeidsmarkt" in replies[0].plain_text
    assert "more:discriminatie" in actions(replies)
    question = coach.services.knowledge.questions_by_id
    asked = replies[1].plain_text
    assert any(q.text in asked for q in question.values() if q.addressed_to == "professional")
    assert "skip" in actions(replies[1:])

    replies = await coach.handle(
        anna,
        "ik vraag eerst hoe het sollicitatiegesprek ging en noem dan zelf het woord discriminatie",
    )
    assert "Zal ik het bewaren?" in texts(replies)  # issue 12: shown, then asked once
    assert await _reflections(coach) == []
    replies = await coach.handle(anna, "ja")
    assert "Bewaard" in texts(replies)
    assert (await _state(coach)).state == State.AWAIT_FOLLOWUP
    await coach.handle(anna, "volgende keer wil ik de werkgever zelf bellen")
    replies = await coach.handle(anna, press("keep:yes"))
    assert "Bewaard" in texts(replies)
    stored = await _reflections(coach)
    assert [r.lesson_id for r in stored] == ["discriminatie", "discriminatie"]
    assert stored[1].parent_id == stored[0].id
    assert stored[0].question_id in question
    assert (await _state(coach)).state == State.IDLE


async def test_read_more_gives_full_text(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, press("more:kinderopvang"))
    item = coach.services.knowledge.item("kinderopvang")
    assert item.text in replies[0].plain_text


async def test_skip_and_cancel_leave_the_flow(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    assert (await _state(coach)).state == State.AWAIT_REFLECTION
    replies = await coach.handle(anna, press("skip"))
    assert (await _state(coach)).state == State.IDLE
    assert "slaan" in texts(replies)
    for word in ("stop", "annuleer", "/annuleer"):
        await coach.handle(anna, "/reflectie")
        replies = await coach.handle(anna, word)
        assert "gestopt" in texts(replies)
        assert (await _state(coach)).state == State.IDLE
    assert await _reflections(coach) == []


async def test_question_during_reflection_is_not_stored(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    replies = await coach.handle(anna, "wat kan ik doen als mijn klant trauma heeft?")
    assert await _reflections(coach) == []
    assert replies and "Bewaard" not in texts(replies)


async def test_unclear_message_during_reflection_is_asked_about(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    replies = await coach.handle(
        anna,
        "ik weet het eigenlijk niet zo goed, ik probeer vooral te luisteren naar wat de "
        "klant zelf wil, maar is dat altijd genoeg?",
    )
    assert actions(replies) == ["as:reflection", "as:question"]
    replies = await coach.handle(anna, press("as:reflection"))
    assert "Bewaard" in texts(replies)
    assert len(await _reflections(coach)) == 1


async def test_restart_in_the_middle_of_a_reflection(settings, clock, nlu) -> None:  # type: ignore[no-untyped-def]
    from bot.wiring import coach_for

    anna = user()
    async with coach_for(settings, clock, nlu=nlu) as first:
        await onboard(first, anna)
        await first.handle(anna, "/reflectie")
    async with coach_for(settings, clock, nlu=nlu) as second:
        await second.handle(anna, "ik merk dat ik te snel zelf dingen regel")
        replies = await second.handle(anna, "ja")
        assert "Bewaard" in texts(replies)
        assert len(await _reflections(second)) == 1


async def test_users_never_see_each_others_reflections(coach: Coach) -> None:
    anna, bram = user("anna"), user("bram")
    for who, answer in ((anna, "anna denkt na over vertrouwen"), (bram, "bram over caseload")):
        await onboard(coach, who)
        await say(coach, who, "/reflectie", answer, "ja", "stop")
    anna_list = texts(await coach.handle(anna, "/mijnreflecties"))
    bram_list = texts(await coach.handle(bram, "/mijnreflecties"))
    assert "anna denkt" in anna_list and "bram over" not in anna_list
    assert "bram over" in bram_list and "anna denkt" not in bram_list


async def test_export_has_markdown_and_json(coach: Coach) -> None:
    import json

    anna = user()
    await onboard(coach, anna)
    await say(coach, anna, "/reflectie", "ik let op signalen van stress", "ja", "stop")
    replies = await coach.handle(anna, "/export")
    documents = [r.document for r in replies if r.document]
    assert [d.filename.rsplit(".", 1)[1] for d in documents] == ["md", "json"]
    assert "ik let op signalen van stress" in documents[0].content.decode()
    data = json.loads(documents[1].content)
    [reflection] = data["reflecties"]
    assert reflection["tekst"] == "ik let op signalen van stress"
    assert reflection["vraag"] and reflection["bron"] == "gesprek"
    assert data["gebruiker"]["rol"] == "uitvoerend professional"  # issue 16: Dutch, no codes
    assert data["gestelde_vragen"] and '"professional"' not in json.dumps(data)


async def test_erase_leaves_no_row_of_the_user(coach: Coach) -> None:
    from bot.storage.models import Base

    anna, bram = user("anna"), user("bram")
    for who in (anna, bram):
        await onboard(coach, who)
        await say(coach, who, "hoe bespreek ik gezondheid?", "ik vraag naar slaap", "stop")
    replies = await coach.handle(anna, "/vergeet")
    assert actions(replies) == ["delete:yes", "delete:no"]
    replies = await coach.handle(anna, press("delete:yes"))
    assert "gewist" in texts(replies)
    async with coach.services.sessions() as session:
        remaining_users = list(await session.scalars(select(User.channel_user_id)))
        assert remaining_users == ["bram"]
        bram_id = await session.scalar(select(User.id))
        for table in Base.metadata.sorted_tables:
            if "user_id" in table.c:
                other = await session.scalar(
                    select(func.count()).select_from(table).where(table.c.user_id != bram_id)
                )
                assert other == 0, table.name


async def test_erase_can_be_declined(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await say(coach, anna, "/reflectie", "iets om te bewaren", "ja", "stop")
    await coach.handle(anna, "/vergeet")
    replies = await coach.handle(anna, press("delete:no"))
    assert "Niets gewist" in texts(replies)
    assert len(await _reflections(coach)) == 1


async def test_reflections_are_encrypted_at_rest(settings, clock, nlu) -> None:  # type: ignore[no-untyped-def]
    from bot.wiring import coach_for

    key = TextCipher.new_key()
    encrypted = settings.model_copy(update={"coach_encryption_key": key})
    async with coach_for(encrypted, clock, nlu=nlu) as coach:
        anna = user()
        await onboard(coach, anna)
        await say(coach, anna, "/reflectie", "geheime gedachte over mijn werk", "ja")
        stored = await _reflections(coach)
        assert stored[0].text.startswith("enc1:")
        assert "geheime" not in stored[0].text
        listed = texts(await coach.handle(anna, "/mijnreflecties"))
        assert "geheime gedachte over mijn werk" in listed


async def test_bad_input_gets_a_friendly_reply(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    for text, expected in (
        ("", "geen tekst"),
        ("   ", "geen tekst"),
        ("😀😀", "alleen tekst"),
        ("?", "alleen tekst"),
        ("\x00\x01", "geen tekst"),
        ("كيف حالك", "alleen Nederlands"),
        ("ሰላም እንደምን", "alleen Nederlands"),
    ):
        replies = await coach.handle(anna, text)
        assert expected in texts(replies), text
    replies = await coach.handle(anna, "werk " * 2500)
    assert replies


async def test_out_of_scope_is_honest(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, "wat wordt het weer morgen in utrecht")
    # issue 12: the referral of its kind (chit-chat), knowledge/referrals.yaml
    assert "Daar kan ik je niet mee helpen" in texts(replies)


async def test_manager_gets_manager_questions(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna, role="manager")
    replies = await coach.handle(anna, "/reflectie")
    manager_questions = [
        q.text for q in coach.services.knowledge.questions if q.audience == "manager"
    ]
    assert any(q in texts(replies) for q in manager_questions)


async def test_a_very_long_reflection_is_cut_with_a_note(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    long_answer = "Ik merkte dat ik te snel ging en te weinig doorvroeg. " * 120  # ~6,500
    replies = await coach.handle(anna, long_answer)
    assert "eerste 4000 tekens" in texts(replies)
    await coach.handle(anna, "ja")
    [stored] = await _reflections(coach)
    assert coach.services.cipher.decrypt(stored.text) == long_answer[:4000]  # issue 14


async def test_many_users_at_once_lose_nothing(coach: Coach) -> None:
    """Concurrent turns of different users: on SQLite each turn waits for the write lock
    (BEGIN IMMEDIATE) instead of failing with 'database is locked'."""
    import asyncio

    people = [user(f"user{i}") for i in range(12)]
    await asyncio.gather(*(onboard(coach, who) for who in people))
    await asyncio.gather(*(coach.handle(who, "/reflectie") for who in people))
    replies = await asyncio.gather(
        *(
            coach.handle(who, f"ik merkte bij gesprek {i} dat ik te snel ging")
            for i, who in enumerate(people)
        )
    )
    assert all("Zal ik het bewaren?" in texts(r) for r in replies)
    replies = await asyncio.gather(*(coach.handle(who, "ja") for who in people))
    assert all("Bewaard" in texts(r) for r in replies)
    assert len(await _reflections(coach)) == len(people)
