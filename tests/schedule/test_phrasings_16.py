"""issue 16: >= 150 Dutch phrasings about the daily question (and some that are not),
read by the request reader (anywhere in the conversation) and by parse_schedule."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core.schedule_text import parse_schedule, read_request

TODAY = date(2026, 2, 25)  # a Wednesday
W = frozenset(range(5))
ALL = frozenset(range(7))


def D(*days: int) -> frozenset[int]:
    return frozenset(days)


# (text, action, time, days, without, until); None = not checked / not said
SCHEDULE: list[
    tuple[str, str, time | None, frozenset[int] | None, frozenset[int] | None, date | None]
] = [
    # set / change the time
    ("kan het voortaan om kwart over acht?", "set", time(8, 15), None, None, None),
    ("kan het voortaan om kwart over 8?", "set", time(8, 15), None, None, None),
    ("dagelijkse vraag om half 9", "set", time(8, 30), None, None, None),
    ("stuur de vraag voortaan om 8u15", "set", time(8, 15), None, None, None),
    ("de vraag liever om 9 uur", "set", time(9, 0), None, None, None),
    ("vraag 's ochtends om 7", "set", time(7, 0), None, None, None),
    ("dagelijks 's avonds om 8", "set", time(20, 0), ALL, None, None),
    ("/dagelijks 17:00", "set", time(17, 0), None, None, None),
    ("/dagelijks kwart voor 9", "set", time(8, 45), None, None, None),
    ("dagelijkse vraag om tien over half negen", "set", time(8, 40), None, None, None),
    ("verzet de vraag naar 13:30", "set", time(13, 30), None, None, None),
    ("verplaats mijn vraag naar 12 uur", "set", time(12, 0), None, None, None),
    ("voortaan om 16:45", "set", time(16, 45), None, None, None),
    ("kan het om half 5?", "set", time(16, 30), None, None, None),
    ("kan het ook om 7 uur 's ochtends?", "set", time(7, 0), None, None, None),
    ("dagelijkse vraag om 08.00", "set", time(8, 0), None, None, None),
    ("herinnering om 9u", "set", time(9, 0), None, None, None),
    ("herinner me om 's middags om 2", "set", time(14, 0), None, None, None),
    ("zet de vraag op 10:15", "set", time(10, 15), None, None, None),
    ("stuur mij elke ochtend om half 8 een vraag", "set", time(7, 30), None, None, None),
    ("ik wil de vraag voortaan om 11 uur", "set", time(11, 0), None, None, None),
    ("mijn dagelijkse vraag graag om vijf over negen", "set", time(9, 5), None, None, None),
    ("dagelijks om 7:45", "set", time(7, 45), ALL, None, None),
    ("vraag om acht uur", "set", time(8, 0), None, None, None),
    ("kan de vraag om 15u30", "set", time(15, 30), None, None, None),
    # days
    ("dagelijkse vraag op ma, di en do", "set", None, D(0, 1, 3), None, None),
    ("vraag alleen op maandag en woensdag", "set", None, D(0, 2), None, None),
    ("vraag alleen werkdagen", "set", None, W, None, None),
    ("dagelijkse vraag alleen op werkdagen", "set", None, W, None, None),
    ("dagelijkse vraag elke dag behalve zondag", "set", None, ALL - {6}, None, None),
    ("vraag niet op woensdag", "set", None, None, D(2), None),
    ("vrijdags werk ik niet", "set", None, None, D(4), None),
    ("op vrijdag werk ik niet", "set", None, None, D(4), None),
    ("woensdags ben ik vrij", "set", None, None, D(2), None),
    ("ik werk niet op maandag", "set", None, None, D(0), None),
    ("dagelijkse vraag ma t/m do", "set", None, D(0, 1, 2, 3), None, None),
    ("vraag di-vr om 9 uur", "set", time(9, 0), D(1, 2, 3, 4), None, None),
    (
        "dagelijkse vraag maandag tot en met donderdag om half 9",
        "set",
        time(8, 30),
        D(0, 1, 2, 3),
        None,
        None,
    ),
    ("vraag ma, wo en vr om 8:15", "set", time(8, 15), D(0, 2, 4), None, None),
    ("vraag elke dag", "set", None, ALL, None, None),
    ("dagelijks ook in het weekend", "set", None, ALL, None, None),
    ("vraag alleen in het weekend", "set", None, D(5, 6), None, None),
    ("dagelijkse vraag alleen op vrijdag", "set", None, D(4), None, None),
    ("vraag op dinsdag en donderdag om 4 uur 's middags", "set", time(16, 0), D(1, 3), None, None),
    ("vraag elke werkdag behalve woensdag", "set", None, W - {2}, None, None),
    ("vraag niet in het weekend", "set", None, W, None, None),
    ("dagelijkse vraag niet op zaterdag en zondag", "set", None, W, None, None),
    ("vraag maandags en donderdags", "set", None, D(0, 3), None, None),
    ("dagelijks behalve op vrijdag", "set", None, ALL - {4}, None, None),
    ("vraag doordeweeks om 8 uur", "set", time(8, 0), W, None, None),
    ("vraag elke dag behalve za en zo", "set", None, W, None, None),
    ("vraag op di, wo", "set", None, D(1, 2), None, None),
    ("dagelijkse vraag alleen op dinsdag om 10:00", "set", time(10, 0), D(1), None, None),
    ("vraag niet meer op donderdag", "set", None, None, D(3), None),
    ("vraag op zaterdag ook", "set", None, D(5), None, None),
    # pause
    ("zet hem stil tot 6 januari", "pause", None, None, None, date(2027, 1, 6)),
    ("pauze tot 6 januari", "pause", None, None, None, date(2027, 1, 6)),
    ("pauzeer de vraag tot na de zomer, 1 september", "pause", None, None, None, date(2026, 9, 1)),
    ("pauze twee weken", "pause", None, None, None, date(2026, 3, 11)),
    ("pauzeer de vraag 2 weken", "pause", None, None, None, date(2026, 3, 11)),
    ("pauze tot maandag", "pause", None, None, None, date(2026, 3, 2)),
    ("zet de vraag stil tot maandag", "pause", None, None, None, date(2026, 3, 2)),
    ("pauzeer tot en met vrijdag", "pause", None, None, None, date(2026, 2, 28)),
    ("pauze tot volgende week", "pause", None, None, None, date(2026, 3, 2)),
    ("vraag even niet tot 10 maart", "pause", None, None, None, date(2026, 3, 10)),
    ("pauze een week", "pause", None, None, None, date(2026, 3, 4)),
    ("pauze drie dagen", "pause", None, None, None, date(2026, 2, 28)),
    ("dagelijkse vraag pauzeren tot 1-4", "pause", None, None, None, date(2026, 4, 1)),
    ("pauzeer de vraag tot 15 mei", "pause", None, None, None, date(2026, 5, 15)),
    ("stilzetten tot 2 maart", "pause", None, None, None, date(2026, 3, 2)),
    ("zet de vraag uit tot 5 maart", "pause", None, None, None, date(2026, 3, 5)),
    ("vraag tijdelijk stil tot morgen", "pause", None, None, None, date(2026, 2, 26)),
    ("pauze tot overmorgen", "pause", None, None, None, date(2026, 2, 27)),
    ("pauze tot 3 maart", "pause", None, None, None, date(2026, 3, 3)),
    ("pauze tot 3 maart 2027", "unclear", None, None, None, None),  # more than a year
    ("pauze tot 2 februari 2027", "pause", None, None, None, date(2027, 2, 2)),
    ("dagelijkse vraag om 7 uur 's ochtends op werkdagen", "set", time(7, 0), W, None, None),
    ("vraag om 12:30 op maandag", "set", time(12, 30), D(0), None, None),
    ("pauzeer tot dinsdag", "pause", None, None, None, date(2026, 3, 3)),
    ("pauze tot na de vakantie, 20 april", "pause", None, None, None, date(2026, 4, 20)),
    ("pauze 10 dagen", "pause", None, None, None, date(2026, 3, 7)),
    ("pauze", "pause", None, None, None, None),
    ("pauzeer de dagelijkse vraag", "pause", None, None, None, None),
    # resume / stop / show
    ("hervat de dagelijkse vraag", "resume", None, None, None, None),
    ("zet de vraag weer aan", "resume", None, None, None, None),
    ("dagelijkse vraag weer aan", "resume", None, None, None, None),
    ("start de vragen weer", "resume", None, None, None, None),
    ("stop de dagelijkse vraag", "stop", None, None, None, None),
    ("geen vragen meer", "stop", None, None, None, None),
    ("zet de vraag uit", "stop", None, None, None, None),
    ("ik wil geen dagelijkse vraag meer", "stop", None, None, None, None),
    ("dagelijkse vraag uitzetten", "stop", None, None, None, None),
    ("zet hem uit", "stop", None, None, None, None),
    ("wat staat er ingesteld?", "show", None, None, None, None),
    ("wat heb ik nu ingesteld?", "show", None, None, None, None),
    ("wat zijn mijn instellingen", "show", None, None, None, None),
    ("hoe laat komt mijn vraag?", "show", None, None, None, None),
    ("wanneer krijg ik de dagelijkse vraag", "show", None, None, None, None),
    ("/dagelijks", "show", None, None, None, None),
    ("laat mijn schema zien", "show", None, None, None, None),
    ("hoe staat mijn dagelijkse vraag ingesteld", "show", None, None, None, None),
    # asks back
    ("dagelijkse vraag na de lunch", "unclear", None, None, None, None),
    ("zet hem stil tot na de kerstvakantie", "unclear", None, None, None, None),
    ("pauzeer tot na de zomer", "unclear", None, None, None, None),
    ("dagelijkse vraag elke ochtend", "unclear", None, None, None, None),
]

# Not about the schedule: the reader must leave them to the rest of the bot.
NOT_SCHEDULE = [
    "hoe voer ik een goede intake?",
    "wat is de rol van gezondheid?",
    "om 8 uur heb ik een intake met een nieuwe statushouder",
    "wat staat er in de handreiking over matching?",
    "ik heb een vraag over de begeleiding na plaatsing",
    "wanneer begin ik met activering?",
    "hoe laat ik een klant zijn kwaliteiten zien?",
    "tot zo",
    "dank je wel",
    "hallo",
    "stop",
    "wat is de logica van de arbeidsmarkt?",
    "hoe ga ik om met vakantie van een deelnemer?",
    "maandag heb ik een gesprek met een werkgever",
    "wat weet je van mij?",
    "toon meer",
    "zie je een patroon in wat ik schrijf?",
    "hoe bereid ik een gesprek voor op dinsdag?",
    "welke vragen staan op de gesprekskaart?",
    "geef me een vraag over de intake",
    "wat moet ik doen als een klant niet komt?",
    "half 9 is de teamvergadering",
    "kwart over acht",  # a bare time only in the schedule dialogue itself
    "de klant werkt vrijdags niet",
    "hoe motiveer ik statushouders?",
    "help",
    "wat is de rol van de werkgever bij nazorg?",
    "wanneer is een taaltraject zinvol?",
    "vertel over de vier logica's",
    "/export",
    "/onboarding pauze",
    "elke dag leer ik iets nieuws",
    "ik ben vandaag moe",
    "wat zijn werknemersvaardigheden?",
    "goedemorgen",
    "ik heb een afspraak om 10 uur",
    "hoe plan ik de dag van een statushouder?",
    "wat doe je met mijn gegevens?",
    "kun je het korter zeggen?",
    "de cursus duurt twee weken",
    "pas de intake aan op de klant",
    "welke instanties zijn betrokken bij de inburgering?",
    "is de handreiking van 2021?",
    "ik werk bij de gemeente",
    "wat vind je van mijn reflectie?",
    "nee",
    "ja graag",
    "wat is de intake?",
    "hoe laat begint de les?",
    "wanneer is de volgende bijeenkomst?",
    "zet de klant centraal",
    "ik stop met dit traject",
    "wat staat er over taal in de handreiking?",
    "hoe leg ik uit wat een werkdag is?",
]


@pytest.mark.parametrize(
    ("text", "action", "at", "days", "without", "until"), SCHEDULE, ids=[c[0] for c in SCHEDULE]
)
def test_schedule_phrasing(
    text: str,
    action: str,
    at: time | None,
    days: frozenset[int] | None,
    without: frozenset[int] | None,
    until: date | None,
) -> None:
    request = read_request(text)
    assert request is not None, "the reader must see this is about the daily question"
    assert request.intent == "daily_prompt_settings"
    result = parse_schedule(text, TODAY)
    assert result.action == action, result
    if action == "set":
        assert (result.time, result.days, result.without) == (at, days, without)
    if action == "pause":
        assert result.until == until
    if action == "unclear":
        assert result.problem
        assert "bijvoorbeeld" in result.problem or "Stuur dan" in result.problem


@pytest.mark.parametrize("text", NOT_SCHEDULE)
def test_not_about_the_schedule(text: str) -> None:
    assert read_request(text) is None


def test_table_is_big_enough() -> None:
    assert len(SCHEDULE) + len(NOT_SCHEDULE) >= 150
