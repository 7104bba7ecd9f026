"""issue 16, a tester's findings through the Telegram adapter: a correction or an addition is
confirmed with the entry as it is now (not the old text); "wat heb ik vorige week
opgeschreven over taal?" searches that week for that subject; a /reflectie reflection (no
lesson) is shown with its question's theme, said to be a theme, never as a lesson."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from telegram.ext import Application

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.storage import repo
from bot.storage.models import Reflection, User
from tests.channels.conftest import Talk

TalkTo = Callable[[int], Talk]


async def _rows(coach: Coach, chat: int) -> list[tuple[str | None, str | None, str]]:
    """(lesson_id, theme, decrypted text) of the user's reflections, newest first."""
    async with coach.services.sessions() as session:
        uid = await session.scalar(select(User.id).where(User.channel_user_id == str(chat)))
        assert uid is not None
        rows = await repo.reflections_of(session, uid)
        return [(r.lesson_id, r.theme, coach.services.cipher.decrypt(r.text)) for r in rows]


async def test_recall_confirmations_and_theme_over_telegram(
    app: Application, talk: TalkTo, tg_coach: Coach, clock: FrozenClock
) -> None:
    chat = 1641
    me = talk(chat)
    await me.onboard()
    # Monday 2 March: a reflection on a lesson about language
    await me.say("hoe stimuleer ik taal bij mijn klant", "Typ je antwoord")
    calls = await me.reflect("Ik oefen met de klant een telefoongesprek met de werkgever.")
    await me.press(calls[-1], "Sla over", "slaan deze over")
    # a week later: a /reflectie question, no lesson
    clock.advance(days=7)
    await me.say("/reflectie", "Typ je antwoord")
    calls = await me.reflect("Ik merk dat ik te weinig tijd neem voor de intake.")
    await me.press(calls[-1], "Sla over", "slaan deze over")
    [(no_lesson, theme, _), (lesson, _, _)] = await _rows(tg_coach, chat)
    assert no_lesson is None and theme is not None and lesson is not None
    knowledge = tg_coach.services.knowledge
    part = knowledge.section_title(theme)
    taal_lesson = knowledge.items_by_id[lesson].title

    # 3: the list and the opened entry name the theme as a theme, not as a lesson
    [listing] = await me.say("/mijnreflecties", "nieuwste eerst")
    assert f"· Thema: {part}\n" in listing.params["text"]
    assert f"· {taal_lesson}\n" in listing.params["text"]
    [opened] = await me.say("open 1", "Reflectie 1")
    assert f"Thema: {part}" in opened.params["text"] and "Les:" not in opened.params["text"]
    [opened] = await me.say("open 2", "Reflectie 2")
    assert f"Les: {taal_lesson}" in opened.params["text"]

    # 2: a subject and a time in one question; the verb after the subject
    [found] = await me.say("wat heb ik vorige week opgeschreven over taal?", "Reflectie 2")
    assert "telefoongesprek" in found.params["text"]
    [none] = await me.say("wat heb ik deze week opgeschreven over taal?", "Niets over ‘taal’")
    assert "van deze week" in none.params["text"] and "zoek naar taal" in none.params["text"]
    await me.say("wat heb ik over de intake geschreven?", "te weinig tijd neem voor de intake")
    await me.say(
        "wat heb ik over discriminatie geschreven?",
        "Niets gevonden voor ‘discriminatie’ in je notitieboek.",
    )
    [*_, week] = await me.say("wat heb ik vorige week genoteerd?", "Reflectie 2")
    assert "telefoongesprek" in week.params["text"]
    [*_, both] = await me.say("wat heb ik in maart opgeschreven?", "In maart (2):")
    assert "te weinig tijd" in both.params["text"] and "telefoongesprek" in both.params["text"]
    await me.say("1", "Reflectie 1")  # the choice, then the one opened

    # 1: a correction is confirmed with the new text, an addition with the added part
    new = "Ik neem nu een uur voor de intake, ook als de klant laat is."
    [*_, fixed] = await me.say(f"verbeter nummer 1: {new}", "Verbeterd:")
    assert fixed.params["text"] == f"Verbeterd: 09-03-2026 – nu: “{new}”"
    assert (await _rows(tg_coach, chat))[0][2] == new
    [*_, added] = await me.say("voeg toe: en ik vraag naar de gezondheid", "Aangevuld:")
    assert added.params["text"] == "Aangevuld: 09-03-2026 – erbij: “en ik vraag naar de gezondheid”"
    stored = (await _rows(tg_coach, chat))[0][2]
    assert stored == f"{new}\n\nAanvulling (09-03-2026): en ik vraag naar de gezondheid"
    long = "Ik plan de intake nu altijd op een rustige ochtend, met een tolk erbij als het moet."
    [*_, fixed] = await me.say(f"verbeter nummer 2: {long}", "Verbeterd: 02-03-2026")
    line = fixed.params["text"]
    assert "Ik plan de intake nu altijd" in line and line.endswith("…”") and len(line) < 100
    assert (await _rows(tg_coach, chat))[1][2] == long
    async with tg_coach.services.sessions() as session:
        assert len((await session.scalars(select(Reflection))).all()) == 2
