"""issue 12: multi-turn conversations of caseworkers and team leaders, through the real
Telegram adapter (PTB long-polling the fake Bot API), each checking what the database keeps
and what it does not.

They run on SQLite only (the storage paths they use run on PostgreSQL in
test_telegram_app.py); the machine is shared and each scenario is several turns.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.ext import Application

from bot.core import keeping, texts
from bot.core.acknowledge import acknowledgment
from bot.core.coach import Coach
from bot.core.dialogue import State
from bot.core.later import LATER_REPLY
from bot.storage.models import (
    DialogueState,
    LessonView,
    PromptSchedule,
    Reflection,
    User,
)
from tests.channels.conftest import KEEP_ASKED, Talk, buttons
from tests.fakes import Call

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TalkTo = Callable[[int], Talk]
QUESTION = "hoe bespreek ik discriminatie met een klant?"
ANSWER = "ik vraag eerst hoe het sollicitatiegesprek ging en noem dan zelf het woord discriminatie"


async def _user(coach: Coach, chat: int) -> User:
    async with coach.services.sessions() as session:
        row = await session.scalar(
            select(User).where(User.channel == "telegram", User.channel_user_id == str(chat))
        )
    assert row is not None
    return row


async def _kept(coach: Coach, chat: int) -> list[str]:
    """The user's reflections as kept (decrypted), oldest first."""
    row = await _user(coach, chat)
    async with coach.services.sessions() as session:
        rows = await session.scalars(
            select(Reflection).where(Reflection.user_id == row.id).order_by(Reflection.id)
        )
        return [coach.services.cipher.decrypt(r.text) for r in rows]


async def _state(coach: Coach, chat: int) -> str | None:
    row = await _user(coach, chat)
    async with coach.services.sessions() as session:
        state = await session.get(DialogueState, row.id)
    return None if state is None else state.state


async def _open_question(me: Talk) -> None:
    await me.onboard()
    await me.say(QUESTION, texts.REFLECT_HINT)


def _plain(call: Call) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", call.params["text"]))


def _labels(call: Call) -> list[str]:
    return [b["text"] for b in buttons(call)]


# 1 -------------------------------------------------------------------------------------------
async def test_a_klantmanager_types_her_role_and_answers_in_words(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Marieke, klantmanager, never presses a button."""
    me = talk(2001)
    await me.say("/start", texts.ASK_ROLE)
    await me.say("ik ben klantmanager", texts.ASK_NEW)
    await me.say("nee hoor", texts.NEW_NO)
    row = await _user(tg_coach, 2001)
    assert row.role == "professional" and row.new_in_work is False
    assert row.keep_answers is False  # the default: ask before keeping
    assert await _kept(tg_coach, 2001) == []
    assert await _state(tg_coach, 2001) == State.IDLE


# 2 -------------------------------------------------------------------------------------------
async def test_a_reflection_is_shown_and_kept_only_after_yes(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Ahmed, consultant werk, answers the question and confirms by typing 'ja graag'."""
    me = talk(2002)
    await _open_question(me)
    [shown] = await me.say(ANSWER, KEEP_ASKED)
    assert ANSWER in shown.params["text"]
    assert _labels(shown) == [keeping.KEEP_YES, keeping.KEEP_NO, keeping.KEEP_ALWAYS]
    assert await _kept(tg_coach, 2002) == []  # nothing kept before the yes
    [stored] = await me.say("ja graag", texts.FOLLOWUP_INTRO)
    assert texts.STORED in stored.params["text"]
    assert acknowledgment(ANSWER, 0) in stored.params["text"]  # a reviewed template
    assert await _kept(tg_coach, 2002) == [ANSWER]
    await me.say("sla maar over", texts.SKIPPED)
    assert await _kept(tg_coach, 2002) == [ANSWER]
    assert await _state(tg_coach, 2002) == State.IDLE


# 3 -------------------------------------------------------------------------------------------
async def test_ok_prima_and_no_thanks_are_not_stored(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Sanne, jobcoach, is not in the mood: 'ok prima', then later 'nee hoeft niet, bedankt'."""
    me = talk(2003)
    await _open_question(me)
    await me.say("ok prima", texts.NOT_A_REFLECTION)
    await me.say("/reflectie", texts.REFLECT_HINT)
    await me.say("nee hoeft niet, bedankt", texts.SKIPPED)
    assert await _kept(tg_coach, 2003) == []
    assert await _state(tg_coach, 2003) == State.IDLE


async def test_a_typed_yes_to_the_question_keeps_it_open_and_a_no_passes_it_by(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Fatima, jobcoach, types 'ja' to 'Wil je hier even bij stilstaan?' and then answers;
    the next time she types 'nee'."""
    me = talk(2013)
    await me.onboard()
    [*_, asked] = await me.say(QUESTION, texts.REFLECT_HINT)
    question = _plain(asked).split("\n")[1]  # the intro, then the question in bold
    [again] = await me.say("ja", "Typ je antwoord maar")
    assert _plain(again).endswith(question) and _labels(again) == [texts.SKIP]
    assert await _kept(tg_coach, 2013) == []
    assert await _state(tg_coach, 2013) == State.AWAIT_REFLECTION
    await me.say(ANSWER, KEEP_ASKED)
    await me.say("ja graag", texts.FOLLOWUP_INTRO)
    row = await _user(tg_coach, 2013)
    async with tg_coach.services.sessions() as session:
        [kept] = (
            await session.scalars(select(Reflection).where(Reflection.user_id == row.id))
        ).all()
    assert tg_coach.services.cipher.decrypt(kept.text) == ANSWER
    assert tg_coach.services.cipher.decrypt(kept.prompt) == question  # it answers that question
    await me.say("sla over", texts.SKIPPED)

    await me.say(QUESTION, texts.REFLECT_HINT)
    await me.say("nee", texts.SKIPPED)
    assert await _kept(tg_coach, 2013) == [ANSWER]
    assert await _state(tg_coach, 2013) == State.IDLE


async def test_at_the_keep_step_a_short_no_is_a_no_and_nothing_vanishes_unsaid(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Karin, klantmanager, types 'nee toch niet', asks something new instead of answering
    'Zal ik het bewaren?', and once keeps an answer with a thumbs-up."""
    me = talk(2014)
    await _open_question(me)
    await me.say(ANSWER, KEEP_ASKED)
    await me.say("nee toch niet", keeping.NOT_KEPT)
    assert await _kept(tg_coach, 2014) == []
    assert await _state(tg_coach, 2014) == State.IDLE

    await me.say(QUESTION, texts.REFLECT_HINT)
    await me.say(ANSWER, KEEP_ASKED)
    replies = await me.say("wat doe ik als een werkgever geen hoofddoek wil?", texts.REFLECT_HINT)
    assert _plain(replies[0]) == texts.PENDING_DROPPED  # said first, before the new lesson
    assert await _kept(tg_coach, 2014) == []

    await me.say(ANSWER, KEEP_ASKED)
    await me.say("👍", texts.FOLLOWUP_INTRO)
    assert await _kept(tg_coach, 2014) == [ANSWER]
    await me.say("weet ik niet", LATER_REPLY)  # the follow-up stays open, nothing kept
    assert await _kept(tg_coach, 2014) == [ANSWER]
    assert await _state(tg_coach, 2014) == State.AWAIT_FOLLOWUP


# 4 -------------------------------------------------------------------------------------------
async def test_later_keeps_the_question_open_and_the_answer_still_belongs_to_it(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Joris, klantmanager, is busy: 'druk vandaag, later', and answers in the afternoon."""
    me = talk(2004)
    await _open_question(me)
    await me.say("druk vandaag, later", LATER_REPLY[:30])
    assert await _kept(tg_coach, 2004) == []
    assert await _state(tg_coach, 2004) == State.AWAIT_REFLECTION
    later = "ik merk dat ik het onderwerp te lang uitstel omdat ik bang ben het erger te maken"
    await me.say(later, KEEP_ASKED)
    await me.say("ja", texts.FOLLOWUP_INTRO)
    row = await _user(tg_coach, 2004)
    async with tg_coach.services.sessions() as session:
        [kept] = list(await session.scalars(select(Reflection).where(Reflection.user_id == row.id)))
    assert kept.lesson_id == "discriminatie" and kept.question_id is not None
    assert await _kept(tg_coach, 2004) == [later]


# 5 -------------------------------------------------------------------------------------------
async def test_a_request_to_change_the_daily_time_is_done_not_stored(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Fatima, trajectbegeleider, asks for another time while a question is open."""
    me = talk(2005)
    await _open_question(me)
    await me.say("kun je de dagelijkse vraag om 9 uur zetten", "09:00")
    assert await _kept(tg_coach, 2005) == []
    row = await _user(tg_coach, 2005)
    async with tg_coach.services.sessions() as session:
        schedule = await session.get(PromptSchedule, row.id)
    assert schedule is not None and schedule.local_time == "09:00" and schedule.active


# 6 -------------------------------------------------------------------------------------------
async def test_asking_for_my_notes_shows_them_and_stores_nothing(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Peter, klantmanager, wants to see what he wrote earlier, in the middle of a question."""
    me = talk(2006)
    await _open_question(me)
    await me.reflect(ANSWER)
    await me.say("/reflectie", texts.REFLECT_HINT)
    # issue 16: the notebook lists each entry's first line, newest first
    [listing] = await me.say("mijn notities zien", "nieuwste eerst")
    assert ANSWER[:40] in listing.params["text"]
    assert await _kept(tg_coach, 2006) == [ANSWER]
    assert await _state(tg_coach, 2006) == State.IDLE


# 7 -------------------------------------------------------------------------------------------
async def test_a_name_is_left_out_and_the_typed_yes_keeps_the_cleaned_version(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Lotte, consultant, writes a client's name; 'ja, bewaar de versie zonder naam'."""
    me = talk(2007)
    await _open_question(me)
    raw = "Meneer Haile Tesfay vertelde dat hij op het werk anders werd behandeld"
    [check] = await me.say(raw, "Let op: ik zie mogelijk gegevens")
    assert "Tesfay" not in check.params["text"]
    await me.say("ja, bewaar de versie zonder naam", texts.FOLLOWUP_INTRO)
    [kept] = await _kept(tg_coach, 2007)
    assert "Tesfay" not in kept and "Haile" not in kept
    assert "anders werd behandeld" in kept


# 8 -------------------------------------------------------------------------------------------
async def test_no_at_the_keep_question_keeps_nothing(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Kees, werkcoach, changes his mind once he sees his text back."""
    me = talk(2008)
    await _open_question(me)
    [shown] = await me.say("ik weet eigenlijk niet goed wat ik hier moet zeggen", KEEP_ASKED)
    await me.press(shown, keeping.KEEP_NO, keeping.NOT_KEPT)
    assert await _kept(tg_coach, 2008) == []
    assert await _state(tg_coach, 2008) == State.IDLE


# 9 -------------------------------------------------------------------------------------------
async def test_keep_always_in_words_and_back_in_instellingen(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Nadia, klantmanager, trusts the bot: 'bewaar mijn antwoorden altijd'; later she wants
    to be asked again and uses /instellingen."""
    me = talk(2009)
    await me.onboard()
    await me.say("bewaar mijn antwoorden altijd", keeping.KEEP_ON[:30])
    assert (await _user(tg_coach, 2009)).keep_answers is True
    await me.say("/reflectie", texts.REFLECT_HINT)
    answer = "ik merk dat ik meer geduld heb gekregen met lange gesprekken"
    [stored] = await me.say(answer, texts.FOLLOWUP_INTRO)  # no keep question
    assert KEEP_ASKED not in stored.params["text"]
    assert await _kept(tg_coach, 2009) == [answer]
    await me.say("stop", "gestopt")
    [settings] = await me.say("/instellingen", "Je instellingen")
    assert keeping.KEEP_ON_SHORT in settings.params["text"]
    await me.press(settings, keeping.TURN_OFF, keeping.KEEP_OFF[:30])
    assert (await _user(tg_coach, 2009)).keep_answers is False
    await me.say("/reflectie", texts.REFLECT_HINT)
    await me.say("ik vraag vaker door naar wat iemand zelf wil", KEEP_ASKED)
    assert await _kept(tg_coach, 2009) == [answer]


# 10 ------------------------------------------------------------------------------------------
async def test_follow_ups_refer_to_the_lesson_just_given(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Eva, klantmanager, reads a lesson and asks 'waarom?' and 'wat kan ik nog meer doen?'."""
    me = talk(2010)
    await _open_question(me)
    knowledge = tg_coach.services.knowledge
    item = knowledge.item("discriminatie")
    why = await me.say("waarom?", lambda t: "keuze van ons team" in t)
    assert item.text[:40] in why[0].params["text"]
    related = knowledge.related("discriminatie")
    [more] = await me.say("wat kan ik nog meer doen?", lambda t: related[0].title in t)
    assert all(r.title in more.params["text"] for r in related)
    assert all(f"Lees meer: {r.title}"[:60] in _labels(more) for r in related)
    assert await _kept(tg_coach, 2010) == []  # a follow-up is not a reflection
    assert await _state(tg_coach, 2010) == State.AWAIT_REFLECTION  # the question stays open
    row = await _user(tg_coach, 2010)
    async with tg_coach.services.sessions() as session:
        views = await session.scalar(
            select(func.count()).select_from(LessonView).where(LessonView.user_id == row.id)
        )
    assert views == 1


# 11 ------------------------------------------------------------------------------------------
async def test_a_team_leader_types_her_role_and_keeps_always_from_the_keep_question(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Ingrid, teamleider: typed role, a manager's question, 'altijd' at the keep question."""
    me = talk(2011)
    await me.say("/start", texts.ASK_ROLE)
    await me.say("teamleider", texts.ASK_NEW)
    await me.say("nee", texts.NEW_NO)
    [question] = await me.say("/reflectie", texts.REFLECT_HINT)
    manager = [q.text for q in tg_coach.services.knowledge.questions if q.audience == "manager"]
    assert any(q in _plain(question) for q in manager)
    answer = "in mijn team bespreken we te weinig wat goed gaat met de klanten"
    await me.say(answer, KEEP_ASKED)
    await me.say("altijd", texts.FOLLOWUP_INTRO)
    row = await _user(tg_coach, 2011)
    assert row.role == "manager" and row.keep_answers is True
    assert await _kept(tg_coach, 2011) == [answer]


# 12 ------------------------------------------------------------------------------------------
async def test_a_team_leader_asks_for_team_cards_with_a_question_open(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Henk, teamleider, wants questions for tomorrow's team meeting."""
    me = talk(2012)
    await me.say("/start", texts.ASK_ROLE)
    await me.say("leidinggevende", texts.ASK_NEW)
    await me.say("nee", texts.NEW_NO)
    await me.say("/reflectie", texts.REFLECT_HINT)
    [cards] = await me.say("/teamoverleg", lambda t: True)
    assert buttons(cards)  # themes to choose from
    assert await _kept(tg_coach, 2012) == []


# 13 ------------------------------------------------------------------------------------------
async def test_erase_in_words_no_first_then_yes(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Bram, klantmanager, leaves the project: 'nee hoor' first, then 'ja, wis alles'."""
    me = talk(2013)
    await _open_question(me)
    await me.reflect(ANSWER)
    await me.say("/vergeet", "Weet je het zeker?")
    await me.say("nee hoor", texts.DELETE_KEPT)
    assert await _kept(tg_coach, 2013) == [ANSWER]
    await me.say("/vergeet", "Weet je het zeker?")
    await me.say("ja, wis alles", texts.DELETED)
    async with tg_coach.services.sessions() as session:
        users = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.channel == "telegram", User.channel_user_id == "2013")
        )
        reflections = await session.scalar(select(func.count()).select_from(Reflection))
    assert users == 0 and reflections == 0


# 14 ------------------------------------------------------------------------------------------
async def test_an_unclear_message_typed_as_reflection_is_kept_without_a_second_question(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Yusuf, jobcoach, writes a doubt with a question mark; says it is his answer."""
    me = talk(2014)
    await me.onboard()
    await me.say("/reflectie", texts.REFLECT_HINT)
    doubt = (
        "ik weet het eigenlijk niet zo goed, ik probeer vooral te luisteren naar wat de "
        "klant zelf wil, maar is dat altijd genoeg?"
    )
    await me.say(doubt, texts.QUESTION_OR_REFLECTION)
    [stored] = await me.say("als reflectie", texts.FOLLOWUP_INTRO)
    assert acknowledgment(doubt, 0) in _plain(stored)  # the kind of thing written
    assert await _kept(tg_coach, 2014) == [doubt]


# 15 ------------------------------------------------------------------------------------------
async def test_start_says_what_the_bot_is_and_is_not_and_the_role_line_what_to_leave_out(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Wim, new klantmanager, on first contact."""
    me = talk(2015)
    welcome, _ = await me.say("/start", texts.ASK_ROLE)
    plain = _plain(welcome)
    assert plain.count(". ") + 1 <= 3  # two or three sentences
    for words in ("werkinstructies", "juridisch advies", "klantsysteem", "bewaar", "/privacy"):
        assert words in plain, words
    [confirmed, _] = await me.say("km", texts.ASK_NEW)
    for words in ("geen namen", "/mijnreflecties", "/export", "/vergeet"):
        assert words in _plain(confirmed), words
    assert (await _user(tg_coach, 2015)).role == "professional"


# 16 ------------------------------------------------------------------------------------------
async def test_a_message_as_team_leader_from_a_professional_gets_a_short_check(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """Rob was a klantmanager and is now teamleider; he writes as one."""
    me = talk(2016)
    await me.onboard()
    [check] = await me.say(
        "als teamleider wil ik weten hoe ik discriminatie bespreekbaar maak in mijn team",
        "zal ik je rol aanpassen?",
    )
    assert (await _user(tg_coach, 2016)).role == "professional"  # nothing changed yet
    calls = await me.press(check, keeping.ROLE_CHECK_YES, texts.REFLECT_HINT)
    assert any(texts.ROLE_SET["manager"] in c.params["text"] for c in calls)
    assert any(c.params["text"].startswith("<b>Maak discriminatie") for c in calls)
    manager = [q.text for q in tg_coach.services.knowledge.questions if q.audience == "manager"]
    assert any(q in _plain(calls[-1]) for q in manager)  # the question for the new role
    assert (await _user(tg_coach, 2016)).role == "manager"
    assert await _kept(tg_coach, 2016) == []


# -- every button's typed equivalent does the same ---------------------------------------------
async def _to_new(me: Talk) -> Call:
    await me.say("/start", texts.ASK_ROLE)
    *_, ask_new = await me.say("klantmanager", texts.ASK_NEW)
    return ask_new


async def _to_keep(me: Talk) -> Call:
    await _open_question(me)
    *_, shown = await me.say(ANSWER, KEEP_ASKED)
    return shown


async def _to_redaction(me: Talk) -> Call:
    await _open_question(me)
    *_, check = await me.say(
        "Meneer Haile Tesfay vertelde over zijn werk", "Let op: ik zie mogelijk gegevens"
    )
    return check


async def _to_delete(me: Talk) -> Call:
    await _open_question(me)
    await me.reflect(ANSWER)
    *_, confirm = await me.say("/vergeet", "Weet je het zeker?")
    return confirm


async def _to_question(me: Talk) -> Call:
    await me.onboard()
    *_, question = await me.say(QUESTION, texts.REFLECT_HINT)
    return question


async def _to_ambiguous(me: Talk) -> Call:
    await me.onboard()
    await me.say("/reflectie", texts.REFLECT_HINT)
    *_, ask = await me.say(
        "ik weet het eigenlijk niet zo goed, ik probeer vooral te luisteren naar wat de "
        "klant zelf wil, maar is dat altijd genoeg?",
        texts.QUESTION_OR_REFLECTION,
    )
    return ask


async def _to_rolecheck(me: Talk) -> Call:
    await me.onboard()
    *_, check = await me.say(
        "als teamleider wil ik weten hoe ik discriminatie bespreek", "zal ik je rol aanpassen?"
    )
    return check


async def _to_role(me: Talk) -> Call:
    *_, ask_role = await me.say("/start", texts.ASK_ROLE)
    return ask_role


# (how to get there, the button's label, the typed words, what the reply shows)
EQUIVALENTS: list[tuple[Any, str, str, str]] = [
    (_to_role, texts.ROLE_MANAGER, "ik ben teamleider", texts.ASK_NEW),
    (_to_new, texts.YES, "ja graag", "Welkom in het vak"),
    (_to_new, texts.NO, "nee hoor", texts.NEW_NO),
    (_to_keep, keeping.KEEP_YES, "ja", texts.FOLLOWUP_INTRO),
    (_to_keep, keeping.KEEP_NO, "nee, niet bewaren", keeping.NOT_KEPT),
    (_to_keep, keeping.KEEP_ALWAYS, "altijd", texts.FOLLOWUP_INTRO),
    (_to_redaction, texts.STORE_REDACTED, "ja, bewaar de versie zonder naam", "Nog één stap"),
    (_to_redaction, texts.REWRITE, "nee", texts.REWRITE_ASK),
    (_to_delete, texts.DELETE_NO, "nee", texts.DELETE_KEPT),
    (_to_question, texts.SKIP, "sla maar over", texts.SKIPPED),
    (_to_rolecheck, keeping.ROLE_CHECK_YES, "ja graag", texts.REFLECT_HINT),
    (_to_rolecheck, keeping.ROLE_CHECK_NO, "nee hoor", texts.REFLECT_HINT),
    (_to_ambiguous, texts.AS_REFLECTION, "als reflectie", texts.FOLLOWUP_INTRO),
]


async def _outcome(coach: Coach, chat: int) -> tuple[Any, ...]:
    row = await _user(coach, chat)
    return (
        row.role,
        row.new_in_work,
        row.keep_answers,
        await _state(coach, chat),
        await _kept(coach, chat),
    )


@pytest.mark.parametrize(
    ("reach", "label", "typed", "expect"),
    EQUIVALENTS,
    ids=[f"{e[0].__name__[4:]}:{e[2]}" for e in EQUIVALENTS],
)
async def test_every_button_has_a_typed_equivalent_that_does_the_same(
    app: Application,
    talk: TalkTo,
    tg_coach: Coach,
    reach: Any,
    label: str,
    typed: str,
    expect: str,
) -> None:
    pressing, typing = talk(2101), talk(2102)
    at = await reach(pressing)
    pressed = await pressing.press(at, label, expect)
    await reach(typing)
    said = await typing.say(typed, expect)
    assert [c.params["text"] for c in pressed] == [c.params["text"] for c in said]
    assert await _outcome(tg_coach, 2101) == await _outcome(tg_coach, 2102)
