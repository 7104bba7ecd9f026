"""issue 16: the notebook's request readers, dates in words, answers in a notebook state and
the pattern count, as pure functions (no NLU model, no database); plus the weekly look-back
with patterns through Coach.prompt."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core import notebook as nb
from bot.core import patterns, policy
from bot.core.coach import Coach
from bot.core.dialogue import State
from bot.core.requests import read_request
from bot.knowledge import Knowledge
from bot.nlu import Parse
from bot.nlu.engine import Candidate
from bot.storage import repo
from bot.storage.models import PromptSchedule, User
from tests.helpers import onboard, texts, user


@pytest.mark.parametrize(
    ("text", "op", "ref", "body"),
    [
        ("mijn notitieboek", "list", nb.Ref(), ""),
        ("toon meer", "more", nb.Ref(), ""),
        ("Nog meer", "more", nb.Ref(), ""),
        ("open 3", "open", nb.Ref(number=3), ""),
        ("nummer 2", "open", nb.Ref(number=2), ""),
        ("lees de derde", "open", nb.Ref(number=3), ""),
        ("toon de laatste", "open", nb.Ref(number=1), ""),
        ("die van 12 november", "open", nb.Ref(when="12 november"), ""),
        ("Open die van gisteren", "open", nb.Ref(when="gisteren"), ""),
        ("die van vorige week", "open", nb.Ref(when="vorige week"), ""),
        ("die van maandag", "open", nb.Ref(when="maandag"), ""),
        ("die over de intake", "open", nb.Ref(words=("intake",)), ""),
        ("laat me die over werkdruk zien", "open", nb.Ref(words=("werkdruk",)), ""),
        ("zoek naar werkdruk", "search", nb.Ref(), "werkdruk"),
        ("zoek in mijn notities naar taal", "search", nb.Ref(), "taal"),
        ("waar schreef ik over de werkgever?", "search", nb.Ref(), "werkgever"),
        ("wat heb ik geschreven over vertrouwen", "search", nb.Ref(), "vertrouwen"),
        ("voeg toe aan die van gisteren: Ik bel morgen.", "add", nb.Ref(when="gisteren"),
         "Ik bel morgen."),
        ("vul nummer 2 aan: en verder", "add", nb.Ref(number=2), "en verder"),
        ("voeg toe: nog iets", "add", nb.Ref(this=True), "nog iets"),
        ("verbeter die van 3 maart: Nieuwe tekst", "replace", nb.Ref(when="3 maart"),
         "Nieuwe tekst"),
        ("verwijder die van gisteren", "delete", nb.Ref(when="gisteren"), ""),
        ("verwijder deze", "delete", nb.Ref(this=True), ""),
        ("wis nummer 4", "delete", nb.Ref(number=4), ""),
        ("gooi die over de intake weg", "delete", nb.Ref(words=("intake",)), ""),
        ("bewaar dit als notitie: Agenda: 1. taal 2. werk", "note", nb.Ref(),
         "Agenda: 1. taal 2. werk"),
        ("Onthoud: plan voor het gesprek", "note", nb.Ref(), "plan voor het gesprek"),
        ("onthoud dat ik vrijdag bel", "note", nb.Ref(), "dat ik vrijdag bel"),
        ("noteer: vragen voor de jobcoach", "note", nb.Ref(), "vragen voor de jobcoach"),
    ],
)  # fmt: skip
def test_notebook_requests_in_words(text: str, op: str, ref: nb.Ref, body: str) -> None:
    ask = nb.read_notebook(text)
    assert ask == nb.Ask(op, ref, body)
    request = read_request(text)
    assert request is not None and request.intent == nb.NOTEBOOK


@pytest.mark.parametrize(
    "text",
    [
        "wis alles",
        "verwijder al mijn gegevens",
        "hoe bespreek ik discriminatie met mijn klant?",
        "ik schreef gisteren in mijn notities dat de werkgever weinig tijd had",
        "zoek een baan voor mijn klant in de zorg",
        "de klant wil meer uren werken",
        "ik heb meer tijd nodig voor de intake",
        "open communicatie met de werkgever is belangrijk",
        "die klant van gisteren kwam niet opdagen",
        "die van gisteren was lastig",
        "die over de werkdruk op de afdeling was zwaar",
        "vind ik lastig",
        "laat de klant zelf kiezen",
    ],
)
def test_other_messages_are_not_notebook_requests(text: str) -> None:
    assert nb.read_notebook(text) is None


# Held apart from the patterns' wording: questions about what the user wrote, a subject after
# "over" (or "bij") and a time phrase anywhere, the verb of writing before or after them.
@pytest.mark.parametrize(
    ("text", "op", "when", "query"),
    [
        ("wat heb ik vorige week opgeschreven over taal?", "search", "vorige week", "taal"),
        ("wat heb ik over discriminatie geschreven?", "search", None, "discriminatie"),
        ("Wat had ik ook alweer genoteerd over het cv?", "search", None, "cv"),
        ("heb ik al eens iets bewaard over werkdruk", "search", None, "werkdruk"),
        ("wat schreef ik gisteren over de intake", "search", "gisteren", "intake"),
        ("wat heb ik over de jobcoach in maart opgeschreven", "search", "maart", "jobcoach"),
        ("welke reflecties heb ik over taal?", "search", None, "taal"),
        ("heb ik notities over de werkgever?", "search", None, "werkgever"),
        ("wat staat er in mijn notities over vertrouwen?", "search", None, "vertrouwen"),
        ("kun je me laten zien wat ik over taal heb geschreven", "search", None, "taal"),
        ("ik wil graag zien wat ik vorige week heb opgeschreven", "search", "vorige week", ""),
        ("wanneer schreef ik over de buddy", "search", None, "buddy"),
        ("wat heb ik bij de intake genoteerd?", "search", None, "intake"),
        ("wat heb ik in maart genoteerd?", "search", "maart", ""),
        ("heb ik gisteren iets opgeschreven", "search", "gisteren", ""),
        ("wat schreef ik op 3 maart over werkdruk en tijd", "search", "3 maart", "werkdruk tijd"),
        ("zoek naar taal van vorige week", "search", "vorige week", "taal"),
        ("wat heb ik allemaal opgeschreven?", "list", None, ""),
        ("die van maart", "open", "maart", ""),
    ],
)
def test_what_did_i_write_questions(text: str, op: str, when: str | None, query: str) -> None:
    ask = nb.read_notebook(text)
    assert ask is not None and (ask.op, ask.ref.when, ask.text) == (op, when, query)


@pytest.mark.parametrize(
    "text",
    [
        "wat moet ik opschrijven over de klant?",  # to write, not written
        "hoe schrijf ik een verslag over de intake?",
        "wat schrijf ik in het klantdossier over taal?",
        "wat heb ik in het dossier genoteerd over de intake?",  # written elsewhere
        "wat heb ik aan de werkgever geschreven?",  # written to someone
        "wat heeft de klant over taal geschreven?",  # someone else wrote it
        "wat zei de werkgever vorige week over taal?",
        "wat staat er in de handreiking over taal?",  # a question for the guide
        "wat heb ik geleerd over taal?",
        "heb ik het goed opgeschreven?",  # asks for no entry
        "heb je iets over taal?",
        "ik heb vorige week over discriminatie geschreven in het verslag",  # a statement
        "ik schreef in maart al over de werkdruk, die is nog steeds hoog",
    ],
)
def test_other_what_did_i_write_wordings_are_not_requests(text: str) -> None:
    assert nb.read_notebook(text) is None


@pytest.mark.parametrize(
    ("when", "said"),
    [("gisteren", "van gisteren"), ("maart", "in maart"), ("vanochtend", "vanochtend"),
     ("3 maart", "van 3 maart"), ("vorige week", "van vorige week")],
)  # fmt: skip
def test_a_time_as_a_reply_says_it(when: str, said: str) -> None:
    assert nb.when_said(when) == said


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("wat weet je van mij?", nb.ABOUT_ME),
        ("Wat weet jij over mij", nb.ABOUT_ME),
        ("welke gegevens heb je van mij?", nb.ABOUT_ME),
        ("wat heb je van mij bewaard?", nb.ABOUT_ME),
        ("zie je een patroon in wat ik schrijf?", nb.PATTERNS),
        ("herken je patronen in mijn reflecties?", nb.PATTERNS),
        ("waar schrijf ik het vaakst over?", nb.PATTERNS),
    ],
)
def test_about_me_and_patterns_anywhere(text: str, intent: str) -> None:
    request = read_request(text)
    assert request is not None and request.intent == intent


TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("when", "span"),
    [
        ("vandaag", (TODAY, TODAY)),
        ("gisteren", (date(2026, 11, 17), date(2026, 11, 17))),
        ("eergisteren", (date(2026, 11, 16), date(2026, 11, 16))),
        ("vorige week", (date(2026, 11, 9), date(2026, 11, 15))),
        ("deze week", (date(2026, 11, 16), TODAY)),
        ("vorige maand", (date(2026, 10, 1), date(2026, 10, 31))),
        ("maandag", (date(2026, 11, 16), date(2026, 11, 16))),
        ("vorige week vrijdag", (date(2026, 11, 13), date(2026, 11, 13))),
        ("12 november", (date(2026, 11, 12), date(2026, 11, 12))),
        ("12 december", (date(2025, 12, 12), date(2025, 12, 12))),  # not yet this year
        ("3-11", (date(2026, 11, 3), date(2026, 11, 3))),
        ("31 februari", None),
        ("maart", (date(2026, 3, 1), date(2026, 3, 31))),
        ("november", (date(2026, 11, 1), TODAY)),  # this month: up to today
        ("december", (date(2025, 12, 1), date(2025, 12, 31))),  # the latest December
        ("maart 2025", (date(2025, 3, 1), date(2025, 3, 31))),
        ("vanochtend", (TODAY, TODAY)),
        ("afgelopen maand", (date(2026, 10, 19), TODAY)),
    ],
)
def test_dates_in_words(when: str, span: tuple[date, date] | None) -> None:
    assert nb.resolve_when(when, TODAY) == span


@pytest.mark.parametrize(
    ("state", "text", "answer"),
    [
        (nb.CONFIRM_DELETE, "ja, verwijder maar", "del-yes"),
        (nb.CONFIRM_DELETE, "nee, bewaar", "del-no"),
        (nb.CONFIRM_DELETE, "hoe bespreek ik discriminatie?", None),
        (nb.CHOOSING, "2", "pick:2"),
        (nb.CHOOSING, "de tweede", "pick:2"),
        (nb.CHOOSING, "open 3", "pick:3"),
        (nb.CHOOSING, "zoek naar taal", None),
        ("idle", "2", None),
    ],
)
def test_answers_in_a_notebook_state(state: str, text: str, answer: str | None) -> None:
    found = nb.in_state(state, text)
    assert (found or {}).get("nb") == answer


@pytest.mark.parametrize(
    ("text", "payload"),
    [("ja, bewaar zonder naam", "redact:store"), ("ik schrijf het anders", None)],
)
def test_a_note_with_client_data_is_confirmed_as_a_reflection_is(
    text: str, payload: str | None
) -> None:
    """A note with client data waits in the policy's own confirm_redaction state."""
    assert policy.typed_button(State.CONFIRM_REDACTION, text) == payload


def _entry(key: str, day: int, text: str, titles: str = "") -> nb.Entry:
    return nb.Entry(key, "note", datetime(2026, 11, day, 10, tzinfo=UTC), text, titles=titles)


def test_matching_by_number_date_words_and_this() -> None:
    entries = [
        _entry("n3", 17, "Agenda teamoverleg"),
        _entry("r2", 12, "De intake duurde lang", "Neem de tijd voor de intake · Intake"),
        _entry("r1", 12, "Werkdruk is hoog"),
    ]
    tz = UTC
    assert nb.matches(entries, nb.Ref(number=2), TODAY, tz) == [entries[1]]
    assert nb.matches(entries, nb.Ref(number=4), TODAY, tz) == []
    assert nb.matches(entries, nb.Ref(when="12 november"), TODAY, tz) == entries[1:]
    assert nb.matches(entries, nb.Ref(when="gisteren"), TODAY, tz) == [entries[0]]
    assert nb.matches(entries, nb.Ref(words=("intake",)), TODAY, tz) == [entries[1]]
    assert nb.matches(entries, nb.Ref(words=("werkdruk",)), TODAY, tz) == [entries[2]]
    assert nb.matches(entries, nb.Ref(this=True), TODAY, tz, opened="r1") == [entries[2]]
    assert nb.matches(entries, nb.Ref(this=True), TODAY, tz) == []
    assert nb.search(entries, ["werkdruk"]) == [entries[2]]
    assert nb.search(entries, ["intake", "lang"]) == [entries[1]]


def _parse(*readings: tuple[str, float]) -> Parse:
    alternatives = tuple(Candidate(i, s) for i, s in readings)
    return Parse("", "ask_lesson", readings[0][1], readings[0][0], alternatives=alternatives)


def test_patterns_count_the_readings(knowledge: Knowledge) -> None:
    parses = [
        _parse(("logica_zorgdragend", 0.8), ("logica_procedureel", 0.12), ("basis_op_orde", 0.05)),
        _parse(("basis_op_orde", 0.4), ("logica_zorgdragend", 0.2)),
        _parse(("intake_tijd", 0.45), ("vertrouwensband", 0.18)),
        _parse(("intake_tijd", 0.05)),  # below reject_below: no reading, not counted
    ]
    found = patterns.read(parses, knowledge, reject_below=0.10)
    assert found.total == 4
    assert found.parts == (("intake", 1), ("logicas", 1), ("inrichting", 1))  # guide order
    assert found.logicas == (("logica_zorgdragend", 2), ("logica_procedureel", 1))
    lines = "\n".join(patterns.describe(found, knowledge, "professional"))
    assert "Zorgdragende logica het vaakst terug (2 van 4)" in lines
    assert knowledge.items_by_id["logica_zorgdragend"].text in lines
    assert patterns.read(parses, knowledge, 0.10) == found  # deterministic
    few = patterns.describe(patterns.read(parses[:2], knowledge, 0.1), knowledge, "manager")
    assert few == ["Je hebt 2 reflecties bewaard. Vanaf 3 kan ik laten zien welke delen van de "
                   "handreiking je teksten het vaakst raken."]  # fmt: skip


async def test_weekly_look_back_has_the_patterns(coach: Coach) -> None:
    who = user("week")
    await onboard(coach, who)
    svc = coach.services
    await coach.handle(who, "/dagelijks om 08:30")
    async with svc.sessions.begin() as session:
        uid = await session.scalar(select(User.id).where(User.channel_user_id == "week"))
        assert uid is not None
        row = await session.get(PromptSchedule, uid)
        assert row is not None
        row.weekly_review = True
        for i, body in enumerate(
            [
                "Ik regel veel voor mijn klant, zoals afspraken bij de huisarts en formulieren.",
                "Ik vul haar formulieren in en regel de afspraken voor haar.",
                "Ik doe veel praktisch werk voor haar, ze hoeft zelf weinig te regelen.",
            ]
        ):
            await repo.add_reflection(
                session,
                svc.cipher,
                user_id=uid,
                prompt="Wat viel je op?",
                text=body,
                now=svc.clock() - timedelta(days=3 - i),
            )
    # the clock fixture is Monday 2 March 2026: the look-back comes with the prompt
    shown = texts(await coach.prompt(who))
    assert "Terugblik op je week" in shown
    assert "In je laatste 3 reflecties" in shown and "Zorgdragende logica" in shown
