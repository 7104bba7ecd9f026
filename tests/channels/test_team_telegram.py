"""A team leader through the real Telegram adapter: from the first question to the agenda
kept as a note in the notebook, and what the database holds."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from telegram.ext import Application

from bot.core.coach import Coach
from bot.core.texts import ASK_NEW, ASK_ROLE, NEW_NO, NO, ROLE_MANAGER
from bot.storage.models import DialogueState, Note, Reflection, User
from bot.team import service, texts
from tests.channels.conftest import Talk
from tests.fakes import FakeBotApi


async def test_team_leader_prepares_a_meeting(
    app: Application, fake: FakeBotApi, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    chat = 1701
    me = talk(chat)
    *_, ask_role = await me.say("/start", ASK_ROLE)
    *_, ask_new = await me.press(ask_role, ROLE_MANAGER, ASK_NEW)
    await me.press(ask_new, NO, NEW_NO)

    [themes] = await me.say("welke vragen kan ik stellen in het teamoverleg?", texts.CHOOSE_THEME)
    [health] = await me.press(themes, "Gezondheid", "De rol van gezondheid")
    body = health.params["text"]
    assert texts.FOR_MANAGER in body and "Hoe borgen we dat onze uitvoerende" in body
    assert "Les: Rust begeleiders hiervoor toe" in body

    [picked] = await me.say("vooral over werkdruk en taal op de werkvloer", "hooguit zes")
    text = picked.params["text"]
    assert "Hoeveel statushouders hebben onze begeleiders gemiddeld" in text
    assert texts.TO_TEAM in text and text.count("• ") <= 6

    [norm] = await me.say("hoeveel klanten per begeleider is goed?", "geen getal")
    assert "Geef begeleiders een lage caseload" in norm.params["text"]

    since = me.now()
    fake.push_message(chat, "zet het in een agenda voor een uur")
    await me.until("Agenda teamoverleg (60 minuten)", since)
    docs = await fake.wait_for("sendDocument", ok=True, predicate=lambda c: c.chat_id == chat)
    [markdown] = fake.sent_documents(chat)
    agenda_md = markdown.decode()
    assert "# Agenda teamoverleg (60 minuten)" in agenda_md
    assert "Hoeveel statushouders hebben onze begeleiders gemiddeld" in agenda_md
    assert docs[0].params["caption"] == texts.AGENDA_FILE

    await me.say("bewaar deze agenda", texts.SAVED)
    [listed] = await me.say("mijn agenda's", "Agenda teamoverleg (60 minuten)")
    assert listed.params["text"].count("• ") == 1

    async with tg_coach.services.sessions() as session:
        user = await session.scalar(select(User).where(User.channel_user_id == str(chat)))
        assert user is not None and user.role == "manager"
        state = await session.get(DialogueState, user.id)
        reflections = await session.scalar(
            select(func.count()).select_from(Reflection).where(Reflection.user_id == user.id)
        )
        notes = list(await session.scalars(select(Note).where(Note.user_id == user.id)))
    assert state is not None and state.data["team_agenda"]["minutes"] == 60
    [note] = notes
    kept = tg_coach.services.cipher.decrypt(note.text)
    assert kept.startswith("Agenda teamoverleg (60 minuten)")
    assert "Hoeveel statushouders hebben onze begeleiders gemiddeld" in kept
    assert note.text != kept  # encrypted at rest (the key file is made when no key is set)
    assert reflections == 0  # nothing of the meeting was stored as a reflection


async def test_team_leader_names_the_subject_and_keeps_the_agenda_once(
    app: Application, fake: FakeBotApi, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    """Walks 10 and 26: a subject in the first message, /team, 'mijn agenda's' before saving,
    and the kept note with its title once."""
    chat = 1702
    me = talk(chat)
    *_, ask_role = await me.say("/start", ASK_ROLE)
    *_, ask_new = await me.press(ask_role, ROLE_MANAGER, ASK_NEW)
    await me.press(ask_new, NO, NEW_NO)
    team = service.team_for(tg_coach.services.knowledge)
    health = team.questions_by_id["gezondheid_manager-2"].text

    [cards] = await me.say("ik wil een teamoverleg voorbereiden over gezondheid", "gezondheid")
    assert health in cards.params["text"] and texts.CHOOSE_THEME not in cards.params["text"]

    [menu] = await me.say("/team", texts.CHOOSE_THEME)
    assert "Gezondheid" in str(menu.params["reply_markup"])

    [bias] = await me.say("agenda voor het team over discriminatie", texts.AGENDA_HOW_LONG)
    asked = team.questions_by_id["stappen_professional-4"].text
    assert asked in bias.params["text"]

    since = me.now()
    fake.push_message(chat, "zet het in een agenda voor een half uur")
    [made, *_] = await me.until("Agenda teamoverleg (30 minuten)", since)
    assert asked in made.params["text"] and health not in made.params["text"]
    await fake.wait_for("sendDocument", ok=True, predicate=lambda c: c.chat_id == chat)

    await me.say("mijn agenda's", texts.NONE_SAVED_YET)
    await me.say("bewaar deze agenda", texts.SAVED)
    [listed] = await me.say("mijn agenda's", "• Agenda teamoverleg (30 minuten)")
    assert listed.params["text"] == "• Agenda teamoverleg (30 minuten)"

    async with tg_coach.services.sessions() as session:
        user = await session.scalar(select(User).where(User.channel_user_id == str(chat)))
        assert user is not None
        notes = list(await session.scalars(select(Note).where(Note.user_id == user.id)))
        reflections = await session.scalar(
            select(func.count()).select_from(Reflection).where(Reflection.user_id == user.id)
        )
    [note] = notes
    kept = tg_coach.services.cipher.decrypt(note.text)
    assert kept.startswith("Agenda teamoverleg (30 minuten)\n\n_De tijden")
    assert kept.count("Agenda teamoverleg") == 1 and asked in kept
    assert reflections == 0


async def test_no_agenda_made_nor_saved(
    app: Application, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    me = talk(1703)
    *_, ask_role = await me.say("/start", ASK_ROLE)
    *_, ask_new = await me.press(ask_role, ROLE_MANAGER, ASK_NEW)
    await me.press(ask_new, NO, NEW_NO)
    [reply] = await me.say("mijn agenda's", texts.NONE_SAVED)
    assert reply.params["text"] == texts.NONE_SAVED
