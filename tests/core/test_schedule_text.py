"""Daily-prompt settings in a caseworker's own words: parse_schedule and describe."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.schedule_text import ScheduleRequest, describe, parse_schedule

TODAY = date(2026, 2, 25)  # a Wednesday
MONDAY = date(2026, 3, 2)


def _set(hh: int | None, mm: int = 0, weekdays: bool | None = None) -> ScheduleRequest:
    days = None if weekdays is None else frozenset(range(5) if weekdays else range(7))
    return ScheduleRequest(
        "set", time=None if hh is None else time(hh, mm), weekdays_only=weekdays, days=days
    )


def _pause(until: date | None = None) -> ScheduleRequest:
    return ScheduleRequest("pause", until=until)


CASES: list[tuple[str, ScheduleRequest]] = [
    # --- the issue's own sentence
    ("stuur me elke ochtend om half 9 een vraag", _set(8, 30)),
    ("/dagelijks stuur me elke ochtend om half 9 een vraag", _set(8, 30)),
    # --- clock formats
    ("om 8 uur", _set(8)),
    ("8u", _set(8)),
    ("8:30", _set(8, 30)),
    ("08.30", _set(8, 30)),
    ("0830 uur", _set(8, 30)),
    ("1730u", _set(17, 30)),
    ("om 8.30.", _set(8, 30)),
    ("om 17 uur", _set(17)),
    ("17u30", _set(17, 30)),
    ("om 8 uur 30", _set(8, 30)),
    ("20:15", _set(20, 15)),
    ("/dagelijks 9", _set(9)),
    ("om 0 uur", _set(0)),
    # --- written numbers, half / kwart
    ("half negen", _set(8, 30)),
    ("om acht uur", _set(8)),
    ("om negen", _set(9)),
    ("rond twaalf", _set(12)),
    ("kwart over 8", _set(8, 15)),
    ("kwart voor 9", _set(8, 45)),
    ("elke werkdag om kwart over acht", _set(8, 15, True)),
    ("tien over half 9", _set(8, 40)),
    ("vijf voor half negen", _set(8, 25)),
    ("tien voor negen", _set(8, 50)),
    ("half 1", _set(12, 30)),  # said hour 1 -> afternoon
    ("half 7", _set(6, 30)),  # said hour 7 -> morning
    ("kwart voor 7", _set(6, 45)),
    # --- parts of the day
    ("'s middags om 2 uur", _set(14)),
    ("om 2 uur 's middags", _set(14)),
    ("om 3 uur ‘s middags", _set(15)),
    ("smiddags om 3", _set(15)),
    ("half 5 's middags", _set(16, 30)),
    ("'s avonds om 8", _set(20)),
    ("half 12 's avonds", _set(23, 30)),
    ("om 9 uur 's ochtends", _set(9)),
    ("12 uur 's nachts", _set(0)),
    ("om 11 uur 's avonds", _set(23)),
    ("elke middag om half 3", _set(14, 30)),
    # --- bare hours: 1-6 afternoon, 7-11 morning, 12 noon; leading zero is literal
    ("om 5", _set(17)),
    ("om 7", _set(7)),
    ("om 12", _set(12)),
    ("om 5:30", _set(17, 30)),
    ("om 05:30", _set(5, 30)),
    ("om een uur", _set(13)),
    # --- days
    ("alleen op werkdagen", _set(None, weekdays=True)),
    ("doordeweeks om 9", _set(9, weekdays=True)),
    ("niet in het weekend", _set(None, weekdays=True)),
    ("ma-vr om 9", _set(9, weekdays=True)),
    ("maandag t/m vrijdag om 9 uur", _set(9, weekdays=True)),
    ("Elke Werkdag Om Half Negen", _set(8, 30, True)),
    ("stuur elke ochtend om 8 uur een vraag behalve in het weekend", _set(8, weekdays=True)),
    ("ook in het weekend", _set(None, weekdays=False)),
    ("elke dag", _set(None, weekdays=False)),
    ("dagelijks om 7", _set(7, weekdays=False)),
    ("7 dagen per week", _set(None, weekdays=False)),
    ("om 8 en ook in het weekend", _set(8, weekdays=False)),
    ("elke wekdag om 9", _set(9, weekdays=True)),  # typo
    # --- pause
    ("pauze", _pause()),
    ("pauzeer", _pause()),
    ("even niet", _pause()),
    ("even geen vragen", _pause()),
    ("pauzeer tot maandag", _pause(MONDAY)),
    ("pauzr tot maadag", _pause(MONDAY)),  # typos
    ("pauze tot ma", _pause(MONDAY)),
    ("pauze tot wo", _pause(date(2026, 3, 4))),  # strictly after today (a Wednesday)
    ("pauze tot zo", _pause(date(2026, 3, 1))),  # after "pauze tot", "zo" is Sunday
    ("pauze tot aanstaande vrijdag", _pause(date(2026, 2, 27))),
    ("pauze t/m vrijdag", _pause(date(2026, 2, 28))),  # 'tot en met': resume the day after
    ("pauze tot en met 3 maart", _pause(date(2026, 3, 4))),
    ("pauzeer tot 3 maart", _pause(date(2026, 3, 3))),
    ("PAUZE TOT 3 MRT", _pause(date(2026, 3, 3))),
    ("pauze tot 3-3", _pause(date(2026, 3, 3))),
    ("pauze tot 1-1", _pause(date(2027, 1, 1))),  # before today without a year: next year
    ("pauzeer tot 24 feb", _pause(date(2027, 2, 24))),
    ("pauze tot volgende week", _pause(MONDAY)),
    ("pauzeer tot volgende week woensdag", _pause(date(2026, 3, 4))),
    ("pauzeer tot maandag 2 maart", _pause(MONDAY)),
    ("pauze tot morgen", _pause(date(2026, 2, 26))),
    ("pauze voor 2 weken", _pause(date(2026, 3, 11))),
    ("zet uit tot maandag", _pause(MONDAY)),
    ("tot 3 maart", _pause(date(2026, 3, 3))),  # the answer to "tot wanneer?"
    # --- resume / stop / show
    ("hervat", ScheduleRequest("resume")),
    ("weer aan", ScheduleRequest("resume")),
    ("start weer", ScheduleRequest("resume")),
    ("zet de vraag weer aan", ScheduleRequest("resume")),
    ("hervaten", ScheduleRequest("resume")),
    ("stop", ScheduleRequest("stop")),
    ("Stop.", ScheduleRequest("stop")),
    ("uit", ScheduleRequest("stop")),
    ("geen vragen meer", ScheduleRequest("stop")),
    ("ik wil geen vragen meer", ScheduleRequest("stop")),
    ("zet uit", ScheduleRequest("stop")),
    ("/dagelijks uit", ScheduleRequest("stop")),
    ("", ScheduleRequest("show")),
    ("/dagelijks", ScheduleRequest("show")),
    ("   /dagelijks   ", ScheduleRequest("show")),
    ("wat is mijn instelling", ScheduleRequest("show")),
    ("hoe laat krijg ik de vraag?", ScheduleRequest("show")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_phrasings(text: str, expected: ScheduleRequest) -> None:
    assert parse_schedule(text, TODAY) == expected


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 50


def test_full_date_with_year() -> None:
    assert parse_schedule("pauze tot 03-03-2027", date(2026, 6, 1)) == _pause(date(2027, 3, 3))
    assert parse_schedule("pauze tot 3 maart 2027", date(2026, 6, 1)) == _pause(date(2027, 3, 3))


UNCLEAR: list[tuple[str, str]] = [
    ("om 25 uur", "25 uur"),
    ("om 8:75", "8:75"),
    ("om 24 uur", "24 uur"),
    ("om 0830", "0830"),  # four digits need 'uur', 'u' or a colon
    ("0830", "0830"),
    ("om 100 uur", "100 uur"),
    ("om 8:5", "8:5"),
    ("elke ochtend", "Hoe laat"),
    ("stuur me elke avond een vraag", "Hoe laat"),
    ("'s ochtends om 17 uur", "ochtends"),
    ("om 8 of om 9", "één tijd"),
    ("pauze tot na de vakantie", "Tot welke datum"),  # issue 16: holidays differ per region
    ("pauze tot ik terug ben", "Tot wanneer"),
    ("pauze tot 31 februari", "31 februari"),
    ("pauzeer tot 13-13", "13-13"),
    ("pauze tot vandaag", "voorbij"),
    ("pauze tot 1-1-2020", "voorbij"),
    ("pauze tot 03-03-2099", "jaar"),
    ("hallo", "bijvoorbeeld"),
    ("tot zo", "bijvoorbeeld"),  # a greeting, not a pause until Sunday
    ("banaan", "bijvoorbeeld"),
]


@pytest.mark.parametrize(("text", "in_problem"), UNCLEAR, ids=[u[0] for u in UNCLEAR])
def test_unclear_says_what_and_gives_an_example(text: str, in_problem: str) -> None:
    result = parse_schedule(text, TODAY)
    assert result.action == "unclear"
    assert result.problem is not None
    assert in_problem in result.problem
    assert "bijvoorbeeld" in result.problem.lower() or "stuur dan" in result.problem.lower()
    assert len(result.problem) < 160


def test_long_garbage_is_quoted_short() -> None:
    result = parse_schedule("om " + "9" * 40 + " uur", TODAY)
    assert result.action == "unclear" and result.problem is not None
    assert len(result.problem) < 160


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789 :.-/uU'",
                "om ",
                "half ",
                "kwart ",
                "over ",
                "voor ",
                "tot ",
                "t/m ",
                "pauze ",
                "uur ",
                "maart ",
                "ma ",
                "zo ",
                "s middags ",
                "s avonds ",
                "elke dag ",
                "negen ",
                "een ",
                "stop ",
                "werkdagen ",
                "volgende week ",
            ]
        ),
        max_size=16,
    ).map("".join)
    | st.text(max_size=80),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_never_raises_and_stays_in_range(text: str, today: date) -> None:
    result = parse_schedule(text, today)
    assert result.action in {"set", "pause", "resume", "stop", "show", "unclear"}
    if result.time is not None:
        assert time(0, 0) <= result.time <= time(23, 59)
        assert result.action == "set"
    if result.action == "set":
        assert result.time is not None or result.days is not None or result.without is not None
    if result.action == "unclear":
        assert result.problem
    else:
        assert result.problem is None
    if result.until is not None:
        assert result.action == "pause"
        assert 0 < (result.until - today).days <= 366


# ---------------------------------------------------------------- describe


def test_describe_workdays() -> None:
    assert describe("08:30", True, True, None) == "Je krijgt elke werkdag om 08:30 een vraag."


def test_describe_every_day() -> None:
    assert describe("17:00", False, True, None) == "Je krijgt elke dag om 17:00 een vraag."


def test_describe_pads_the_hour() -> None:
    assert describe("8:30", False, True, None) == "Je krijgt elke dag om 08:30 een vraag."


def test_describe_paused_names_the_last_paused_day() -> None:
    # paused_until is the day the questions start again (as in schedule.next_due)
    text = describe("08:30", True, True, date(2026, 3, 3))
    assert text == (
        "Je dagelijkse vraag staat op pauze tot en met maandag 2 maart. "
        "Daarna krijg je weer elke werkdag om 08:30 een vraag."
    )


def test_describe_off() -> None:
    assert describe("08:30", True, False, None) == "Je dagelijkse vraag staat uit."
    assert describe("08:30", True, False, date(2026, 3, 3)) == "Je dagelijkse vraag staat uit."


def test_pause_round_trip_reads_naturally() -> None:
    until = parse_schedule("pauze tot en met vrijdag", TODAY).until
    assert until is not None
    assert "tot en met vrijdag 27 februari" in describe("09:00", False, True, until)
