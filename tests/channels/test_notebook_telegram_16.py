"""issue 16: the notebook through the real Telegram adapter (fake Bot API), asserting what is
stored: list with paging, open by number / date / words with a choice, search, add to,
correct and delete one entry, notes through the client-data guard, another user's notebook
never reachable; "wat weet je van mij?", the export and the erase scanned against every
table, /start anew; patterns on seeded notebooks; /dagelijks day buttons and time zone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from telegram.ext import Application

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.core.replies import Incoming, UserRef
from bot.core.schedule import days_of
from bot.storage import repo
from bot.storage.models import Base, DialogueState, Note, PromptSchedule, Reflection, User
from tests.channels.conftest import Talk, button, buttons
from tests.fakes import FakeBotApi

TalkTo = Callable[[int], Talk]


async def _uid(coach: Coach, chat: int) -> int | None:
    async with coach.services.sessions() as session:
        return await session.scalar(select(User.id).where(User.channel_user_id == str(chat)))


async def _notes(coach: Coach, chat: int) -> list[str]:
    uid = await _uid(coach, chat)
    assert uid is not None
    async with coach.services.sessions() as session:
        return await repo.note_texts(session, coach.services.cipher, uid)


async def _reflections(coach: Coach, chat: int) -> list[str]:
    uid = await _uid(coach, chat)
    assert uid is not None
    async with coach.services.sessions() as session:
        rows = await repo.reflections_of(session, uid)
        return [coach.services.cipher.decrypt(r.text) for r in rows]


async def _reflect(me: Talk, question: str, answer: str) -> None:
    """A guide question, its reflection question answered, the follow-up skipped."""
    await me.say(question, "Typ je antwoord")
    calls = await me.reflect(answer)
    await me.press(calls[-1], "Sla over", "slaan deze over")


async def test_notebook_over_telegram(
    app: Application, talk: TalkTo, tg_coach: Coach, clock: FrozenClock
) -> None:
    chat, other = 1611, 1612
    me, them = talk(chat), talk(other)
    await me.onboard()
    await them.onboard()
    await them.say("onthoud: agenda van de ander over werkdruk", "Bewaard als notitie")

    # two reflections and five notes on seven different days (2 .. 8 March 2026)
    await _reflect(me, "hoe doe ik een goede intake?", "Ik nam anderhalf uur voor de intake.")
    clock.advance(days=1)
    await _reflect(
        me, "hoe bespreek ik discriminatie met een klant?", "De werkdruk maakt het lastig."
    )
    for n in range(1, 6):
        clock.advance(days=1)
        await me.say(f"onthoud: agendapunt {n} voor het teamoverleg", "Bewaard als notitie")
    assert len(await _notes(tg_coach, chat)) == 5
    # the list: newest first, date, lesson title and first line; five, then "toon meer"
    [listing] = await me.say("mijn notities", "nieuwste eerst")
    text = listing.params["text"]
    assert "2 reflecties en 5 notities" in text
    assert text.index("agendapunt 5") < text.index("agendapunt 1")
    assert "1. <b>08-03-2026</b> · Notitie" in text and "agendapunt 5 voor het teamoverleg" in text
    assert "Neem de tijd voor de intake" not in text and "(5 van 7.)" in text
    [more] = await me.press(listing, "Toon meer", "Neem de tijd voor de intake")
    assert "6. <b>03-03-2026</b>" in more.params["text"]
    assert "7. <b>02-03-2026</b> · Neem de tijd voor de intake" in more.params["text"]
    assert "Toon meer" not in [b["text"] for b in buttons(more)]
    await me.say("toon meer", "Dat waren ze allemaal")

    # open by number, by date in words, by lesson words
    [opened] = await me.say("open 7", "Reflectie 7 – 02-03-2026")
    assert "Ik nam anderhalf uur voor de intake." in opened.params["text"]
    assert "Les: Neem de tijd voor de intake" in opened.params["text"]
    await me.say("die van 3 maart", "De werkdruk maakt het lastig.")
    await me.say("die van gisteren", "agendapunt 4")  # today is 8 March
    await me.say("die over de intake", "Reflectie 7")
    # several match: a short choice, typed or pressed
    [choice] = await me.say("die over het teamoverleg", "Ik vond er 5")
    assert len(buttons(choice)) == 5
    await me.say("2", "agendapunt 4 voor het teamoverleg")
    [choice] = await me.say("die van deze week", "Ik vond er 7; dit zijn de nieuwste 5")
    await me.press(choice, buttons(choice)[0]["text"], "agendapunt 5")
    # search by words (decrypted per user: the other user's "werkdruk" is not found)
    [found] = await me.say("zoek naar werkdruk", "De werkdruk maakt het lastig.")
    assert "agenda van de ander" not in found.params["text"]
    await me.say("zoek naar kerstpakket", "Niets gevonden voor ‘kerstpakket’")

    # add to one and correct one; the others stay as they were
    await me.say("voeg toe aan die van 3 maart: En ik bel de werkgever.", "Aangevuld: 03-03-2026")
    await me.say("verbeter nummer 1: agendapunt 5: de begroting", "Verbeterd: 08-03-2026")
    reflections = await _reflections(tg_coach, chat)
    assert reflections[0].startswith("De werkdruk maakt het lastig.\n\nAanvulling (08-03-2026):")
    assert reflections[0].endswith("En ik bel de werkgever.")
    assert reflections[1] == "Ik nam anderhalf uur voor de intake."
    notes = await _notes(tg_coach, chat)
    assert notes[0] == "agendapunt 5: de begroting"
    assert notes[1:] == [f"agendapunt {n} voor het teamoverleg" for n in (4, 3, 2, 1)]

    # a note with client data: the same guard, the redacted version stored after "ja"
    [warn] = await me.say(
        "onthoud: gesprek met Mohammed Yilmaz over zijn cv", "gegevens van een klant"
    )
    assert "Mohammed" not in warn.params["text"]
    assert len(await _notes(tg_coach, chat)) == 5  # nothing stored yet
    await me.say("ja", "Bewaard als notitie")
    notes = await _notes(tg_coach, chat)
    assert len(notes) == 6 and "Yilmaz" not in notes[0] and "cv" in notes[0]

    # delete one after a confirmation that shows which; "nee" keeps it, "ja" deletes it
    [ask] = await me.say("verwijder die van 3 maart", "Wil je deze reflectie verwijderen?")
    assert "03-03-2026 – “De werkdruk maakt het lastig.”" in ask.params["text"]
    await me.say("nee", "Niets verwijderd")
    assert len(await _reflections(tg_coach, chat)) == 2
    [ask] = await me.say("verwijder die van 3 maart", "Wil je deze reflectie verwijderen?")
    await me.press(ask, "Ja, verwijder", "Verwijderd: 03-03-2026")
    assert await _reflections(tg_coach, chat) == ["Ik nam anderhalf uur voor de intake."]
    assert len(await _notes(tg_coach, chat)) == 6

    # another user's notebook is never reachable: not by number, not by its row's key
    their_uid = await _uid(tg_coach, other)
    async with tg_coach.services.sessions() as session:
        their_note = await session.scalar(select(Note.id).where(Note.user_id == their_uid))
    [opened] = await me.say("open 1", "Notitie 1")
    assert "agenda van de ander" not in opened.params["text"]
    key = button(opened, "Verwijder").split(":")[-1]
    assert key != f"n{their_note}"
    # a pressed button with another's key: Telegram's callback data is signed per user, so
    # a forged press is refused by the adapter; the core refuses it as well
    update = me.fake.push_callback(chat, f"nb:del:n{their_note}", opened.result["message_id"])
    [answer] = await me.fake.wait_for(
        "answerCallbackQuery",
        predicate=lambda c: c.params.get("callback_query_id") == update["callback_query"]["id"],
    )
    assert "niet (meer) geldig" in answer.params.get("text", "")
    for forged in (f"nb:del:n{their_note}", f"nb:pick:n{their_note}"):
        replies = await tg_coach.handle(UserRef("telegram", str(chat)), Incoming(action=forged))
        assert [r.text for r in replies] in (
            ["Daar vind ik niets bij in je notitieboek. Typ ‘mijn notities’ voor de lijst."],
            ["Er staat niets open. Typ ‘mijn notities’ voor je notitieboek."],
        )
    assert await _notes(tg_coach, other) == ["agenda van de ander over werkdruk"]
    [theirs] = await them.say("mijn notities", "nieuwste eerst")
    assert "1 notitie" in theirs.params["text"] and "agendapunt" not in theirs.params["text"]


async def test_about_me_export_and_erase_scan_every_table(
    app: Application, talk: TalkTo, tg_coach: Coach, fake: FakeBotApi
) -> None:
    chat, other = 1621, 1622
    me, them = talk(chat), talk(other)
    await me.onboard()
    await them.onboard()
    await them.say("onthoud: van de ander", "Bewaard als notitie")
    await me.say("/dagelijks om 08:15", "om 08:15 (Nederlandse tijd)")
    await _reflect(me, "hoe doe ik een goede intake?", "Ik nam anderhalf uur voor de intake.")
    await me.say("onthoud: plan voor het overleg", "Bewaard als notitie")
    [about] = await me.say("Wat weet je van mij?", "Dit bewaar ik van je")
    text = about.params["text"]
    assert "Rol: uitvoerend professional" in text and "1 reflectie en 1 notitie" in text
    assert "om 08:15 (Nederlandse tijd)" in text and "/export" in text and "/vergeet" in text
    assert "Sinds: " in text

    # the export: every table with a row of this user is in it, or said why not
    fake.push_message(chat, "/export")
    [caption, _] = await fake.wait_for(
        "sendDocument", count=2, predicate=lambda c: c.params.get("chat_id") in (chat, str(chat))
    )
    assert "Erin staan 1 reflectie en 1 notitie." in caption.params["caption"]
    assert "bewaar het veilig" in caption.params["caption"]
    markdown, data = fake.sent_documents(chat)[-2:]
    assert "Rol: uitvoerend professional" in markdown.decode()
    assert "## Notities (1)" in markdown.decode() and "plan voor het overleg" in markdown.decode()
    exported = json.loads(data)
    assert [n["tekst"] for n in exported["notities"]] == ["plan voor het overleg"]
    assert [r["tekst"] for r in exported["reflecties"]] == ["Ik nam anderhalf uur voor de intake."]
    assert exported["gebruiker"]["rol"] == "uitvoerend professional"  # no internal values
    uid = await _uid(tg_coach, chat)
    user_tables = [t for t in Base.metadata.sorted_tables if "user_id" in t.c]
    from bot.core.export import EXPORTED_TABLES, NOT_EXPORTED

    async with tg_coach.services.sessions() as session:
        for table in user_tables:
            assert (table.name in EXPORTED_TABLES) != (table.name in NOT_EXPORTED), table.name
            rows = await session.scalar(
                select(func.count()).select_from(table).where(table.c.user_id == uid)
            )
            if table.name in EXPORTED_TABLES and rows:
                held = exported[EXPORTED_TABLES[table.name]]
                assert (len(held) if isinstance(held, list) else 1) == rows, table.name

    # the erase: confirmation, then no row of this user in any table; the other user stays
    await me.say("/vergeet", "notities, instellingen en voortgang")
    [gone] = await me.say("ja", "Alles is gewist")
    assert "Met /start begin je opnieuw" in gone.params["text"]
    assert "Telegram-chat zelf kan ik niet wissen" in gone.params["text"]
    # the erase's own reply waits in the outbox until Telegram has it, then its row goes
    outbox = Base.metadata.tables["telegram_outbox"]
    for _ in range(50):
        async with tg_coach.services.sessions() as session:
            waiting = select(func.count()).select_from(outbox).where(outbox.c.user_id == uid)
            if not await session.scalar(waiting):
                break
        await asyncio.sleep(0.1)
    async with tg_coach.services.sessions() as session:
        for table in Base.metadata.sorted_tables:
            column = table.c.get("user_id") if table.name != "users" else table.c.id
            if column is None:
                continue
            left = await session.scalar(
                select(func.count()).select_from(table).where(column == uid)
            )
            assert left == 0, table.name
        assert (
            await session.scalar(
                select(func.count()).select_from(User).where(User.channel_user_id == str(chat))
            )
            == 0
        )
    assert await _notes(tg_coach, other) == ["van de ander"]
    await me.say("wat weet je van mij?", "Ik bewaar niets meer van je")
    await me.say("/start", "Wat is je rol?")


async def _seed(coach: Coach, chat: int, texts: list[str]) -> None:
    uid = await _uid(coach, chat)
    assert uid is not None
    svc = coach.services
    async with svc.sessions.begin() as session:
        for i, body in enumerate(texts):
            await repo.add_reflection(
                session,
                svc.cipher,
                user_id=uid,
                prompt="Wat viel je op?",
                text=body,
                now=svc.clock() - timedelta(days=len(texts) - i),
            )


CARING = [
    "Ik merk dat ik veel voor mijn klant regel, zoals afspraken bij de huisarts en formulieren.",
    "Ik vul haar formulieren in en regel de afspraken voor haar, zodat ze ontlast wordt.",
    "Ik doe veel praktisch werk voor haar, ze hoeft zelf weinig te regelen.",
    "Hoe ga ik om met werkdruk als ik te veel klanten heb?",
]


async def test_patterns_on_seeded_notebooks(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    few, many = talk(1631), talk(1632)
    await few.onboard()
    await many.onboard()
    await _seed(tg_coach, 1631, CARING[:2])
    await few.say("zie je een patroon in wat ik schrijf?", "Je hebt 2 reflecties bewaard")
    await _seed(tg_coach, 1632, CARING)
    [shown] = await many.say("zie je een patroon in wat ik schrijf?", "In je laatste 4")
    text = shown.params["text"]
    assert "Zorgdragende logica het vaakst terug (3 van 4)" in text
    # the guide's own description and the logica card's question, not a judgement
    assert "het 'zorgen' voor de klant staat centraal" in text
    assert "Welk van deze logica's herken jij het meest" in text
    async with tg_coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 6


async def test_daily_day_buttons_and_time_zone(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    chat = 1641
    me = talk(chat)
    await me.onboard()
    await me.say("/dagelijks om 08:15", "elke werkdag (ma t/m vr) om 08:15 (Nederlandse tijd)")
    [menu] = await me.say("/dagelijks", "Wijzigen of stoppen")
    labels = [b["text"] for b in buttons(menu)]
    assert {"✓ ma", "✓ vr", "za", "zo"} <= set(labels)
    await me.press(menu, "✓ wo", "ma, di, do, vr om 08:15")
    uid = await _uid(tg_coach, chat)
    async with tg_coach.services.sessions() as session:
        row = await session.get(PromptSchedule, uid)
        assert row is not None and days_of(row) == {0, 1, 3, 4}
        user = await session.get(User, uid)
        assert user is not None
        user.timezone = "Europe/London"
        await session.commit()
    [menu] = await me.say("/dagelijks", "Wijzigen of stoppen")
    await me.press(menu, "za", "ma, di, do, vr, za om 08:15 (Britse tijd)")
    async with tg_coach.services.sessions() as session:
        row = await session.get(PromptSchedule, uid)
        assert row is not None and days_of(row) == {0, 1, 3, 4, 5}
        assert await session.scalar(select(func.count()).select_from(PromptSchedule)) == 1


async def test_an_addition_waiting_for_a_choice_is_kept_encrypted(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    """The port onto the policy table: the text of an addition that waits for "which one?"
    is the policy's encrypted pending_text, not plain JSON in dialogue_states; a note is
    kept without the reflection's keep-question."""
    chat = 1631
    me = talk(chat)
    await me.onboard()
    for n in (1, 2):
        [stored] = await me.say(f"onthoud: agendapunt {n} voor het overleg", "Bewaard als notitie")
        assert "Zal ik het bewaren?" not in stored.params["text"]
    await me.say("voeg toe aan die van vandaag: en de planning van maart", "Ik vond er 2")
    uid = await _uid(tg_coach, chat)
    async with tg_coach.services.sessions() as session:
        row = await session.get(DialogueState, uid)
    assert row is not None and row.state == "nb_choose"
    assert "planning van maart" not in json.dumps(row.data)
    assert str(row.data["pending_text"]).startswith("enc1:")
    await me.say("de eerste", "Aangevuld")
    notes = await _notes(tg_coach, chat)
    assert notes[0].startswith("agendapunt 2 voor het overleg\n\nAanvulling (")
    assert (
        notes[0].endswith("en de planning van maart")
        and notes[1] == "agendapunt 1 voor het overleg"
    )
    async with tg_coach.services.sessions() as session:
        row = await session.get(DialogueState, uid)
    assert row is not None and row.state == "idle" and "pending_text" not in row.data
