"""Understand a caseworker's words about their daily prompt, and describe the setting back.

Pure functions: no I/O and no clock; `today` is passed in.

Decisions (see also the tests in tests/core/test_schedule_text.py):

* A bare hour without a part of the day follows how people talk about a work day:
  1-6 is the afternoon ("om 5" -> 17:00, "half 5" -> 16:30), 7-11 is the morning,
  12 is noon, 0 and 13-23 are taken literally. The rule looks at the hour that was
  *said*: "half 7" speaks of 7, so it is 06:30; "half 1" speaks of 1, so it is 12:30.
  A leading zero ("05:30", "0530u") means the 24-hour clock and is taken literally.
* A part of the day ("'s ochtends", "'s middags", "'s avonds", "'s nachts") decides
  am/pm. A part of the day without a time ("elke ochtend") is unclear: we ask for a time.
* Plain digits count as a time only with "u"/"uur", ":" or "." ("8u", "8:30", "08.30",
  "0830 uur"; four digits for the run-together form, so "100 uur" is not 01:00), after
  "om"/"rond"/"tegen"/"vanaf", or when the whole message is a number.
  "om 0830" is therefore unclear, with an example.
* Two different times in one message are unclear.
* "pauze tot X" resumes on X (`until` is exclusive); "pauze tot en met X" resumes the day
  after X. A weekday after "tot" is the first one strictly after today; "volgende week"
  is next Monday. A day and month without a year that lies before today is next year.
  A date that is today or earlier, or more than 366 days ahead, is unclear (the
  scheduler only looks 400 days ahead; "stop" is the way to switch off for longer).
* "stop"/"zet uit" with "tot <datum>" is a pause until that date; a message that starts
  with "tot <datum>" (the answer to "tot wanneer?") is a pause too, but not "tot zo".
  "zo" after "pauze tot" is Sunday (the brief asks for the abbreviations).
* Precedence: pause > stop > set (a time or days) > resume > show > unclear.
  An empty message or "/dagelijks" alone is "show".
* "alleen in het weekend" cannot be stored (only workdays or every day): unclear.
* Cheap typo tolerance: words of 5+ letters close to a known word (pauze, hervat,
  ochtend, werkdagen, maandag, februari, negen ...) are corrected before parsing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from bot.core.requests import Request

Action = Literal["set", "pause", "resume", "stop", "show", "unclear"]


@dataclass(frozen=True)
class ScheduleRequest:
    action: Action
    time: time | None = None  # for "set" (None if only the days changed)
    weekdays_only: bool | None = None  # True = werkdagen, False = elke dag, None = not said
    until: date | None = None  # for "pause": resume on this date (exclusive)
    problem: str | None = None  # for "unclear": what was not understood, with an example
    # issue 16: any set of weekdays (0 = Monday). `days` replaces the set; `without` takes
    # days out of the user's current set ("niet op woensdag", "vrijdags werk ik niet").
    days: frozenset[int] | None = None
    without: frozenset[int] | None = None


# ---------------------------------------------------------------- texts (Dutch, B1)

EXAMPLE = "Schrijf bijvoorbeeld: elke werkdag om 8:30, pauze tot maandag of zet uit."
P_GENERIC = "Dat begreep ik niet. " + EXAMPLE
P_NO_TIME = "Hoe laat precies? Noem een tijd, bijvoorbeeld: elke ochtend om 8:30."
P_TWO_TIMES = "Ik zie meer dan één tijd. Noem één tijd, bijvoorbeeld: om 8:30."
P_BAD_HOUR = "Die tijd bestaat niet: {raw}. Uren gaan van 0 tot 23. Schrijf bijvoorbeeld: om 17:00."
P_BAD_MINUTES = (
    "Die tijd bestaat niet: {raw}. Minuten gaan van 00 tot 59. Schrijf bijvoorbeeld: om 8:30."
)
P_BAD_FORMAT = "Die tijd begrijp ik niet: {raw}. Schrijf de tijd bijvoorbeeld als 8:30 of 17:00."
P_DAYPART = (
    "De tijd {raw} past niet bij {part}. Schrijf bijvoorbeeld: om 8:30 's ochtends of om 17:00."
)
P_TWO_DAYPARTS = "Bedoel je 's ochtends of 's middags? Schrijf bijvoorbeeld: om 16:30."
P_WEEKEND_ONLY = "Op welke dagen? Schrijf bijvoorbeeld: ma, di en do, of: elke dag behalve zondag."
P_WHICH_TIME = "Hoe laat is dat voor jou? Noem een tijd, bijvoorbeeld: om 13:15."
P_HOLIDAY = (
    "Vakanties verschillen per regio. Tot welke datum wil je pauzeren? "
    "Schrijf bijvoorbeeld: pauze tot 4 januari."
)
P_UNTIL = (
    "Tot wanneer wil je pauzeren? Noem een dag of datum, "
    "bijvoorbeeld: pauze tot maandag of pauze tot 3 maart."
)
P_DATE_INVALID = "Die datum bestaat niet: {raw}. Schrijf bijvoorbeeld: pauze tot 3 maart."
P_DATE_PAST = (
    "Die datum is vandaag of al voorbij. Noem een latere datum, bijvoorbeeld: pauze tot {ex}."
)
P_DATE_FAR = (
    "Je kunt hoogstens een jaar pauzeren. Wil je helemaal geen vragen meer? Stuur dan: zet uit."
)

MAX_PAUSE_DAYS = 366

# ---------------------------------------------------------------- vocabulary

NUMBER_WORDS = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13,
    "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18,
    "negentien": 19, "twintig": 20,
}  # fmt: skip

WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4,
    "zaterdag": 5, "zondag": 6,
}  # fmt: skip
WEEKDAY_ABBR = {
    "ma": 0, "maa": 0, "di": 1, "din": 1, "wo": 2, "woe": 2, "do": 3, "don": 3,
    "vr": 4, "vrij": 4, "za": 5, "zat": 5, "zo": 6, "zon": 6,
}  # fmt: skip
DAY_NAMES = list(WEEKDAYS)

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
MONTH_NAMES = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
    "september", "oktober", "november", "december",
]  # fmt: skip

# Words that typos are corrected towards (only for words of 5+ letters).
_FUZZY_TARGETS = [
    "pauze", "pauzeer", "pauzeren", "hervat", "hervatten", "stoppen", "uitzetten",
    "aanzetten", "ochtend", "ochtends", "morgens", "middag", "middags", "avond",
    "avonds", "nachts", "werkdag", "werkdagen", "doordeweeks", "weekend",
    "dagelijks", "instelling", "instellingen", "vakantie", "volgende",
    "zeven", "negen", "twaalf", "kwart",
    *WEEKDAYS, *MONTH_NAMES,
]  # fmt: skip
# Real words that look like a target but must stay as they are.
_KEEP = {
    "tegen", "vragen", "vraag", "vandaag", "morgen", "dagen", "weken", "maand",
    "maanden", "zeven", "omdat", "graag", "avondje", "midden", "alsjeblieft", "even",
    "elke", "iedere", "stuur", "tweede", "hallo", "dagelijkse", "vrijdagen",
    "maandagen", "pauzes", "werkt", "vanavond", "vanmiddag", "vanochtend",
    "vanmorgen", "namiddag", "voormiddag", "middagen", "avonden", "ochtenden",
    "waarom", "welke", "wanneer", "alleen", "zonder", "behalve", "inclusief",
    "minuten", "minuut", "ergens", "terug", "vanaf", "omstreeks", "starten",
    "beginnen", "verder",
}  # fmt: skip
_FUZZY_CACHE: dict[str, str] = {}


def _fix_word(word: str) -> str:
    if len(word) < 5 or word in _KEEP or not word.isalpha():
        return word
    if word in _FUZZY_CACHE:
        return _FUZZY_CACHE[word]
    close = difflib.get_close_matches(word, _FUZZY_TARGETS, n=1, cutoff=0.84)
    fixed = close[0] if close else word
    if len(_FUZZY_CACHE) < 2000:
        _FUZZY_CACHE[word] = fixed
    return fixed


def _normalise(text: str) -> str:
    t = text.lower()
    t = t.replace("’", "'").replace("‘", "'").replace("`", "'").replace("´", "'")
    for accented, plain in (("é", "e"), ("ë", "e"), ("è", "e"), ("ï", "i"), ("ó", "o")):
        t = t.replace(accented, plain)
    # drop the command itself: "/dagelijks", "/dagelijks@SomeBot"
    t = re.sub(r"^\s*/dagelijks(?:@\w+)?", " ", t)
    # "'s middags", "s'middags", "smiddags" -> "middags"
    t = re.sub(r"(?:'s|s'|\bs)[\s-]*(ochtends|morgens|middags|avonds|nachts)\b", r" \1", t)
    t = re.sub(r"[a-z]+", lambda m: _fix_word(m.group(0)), t)
    t = re.sub(r"[!?,;()\"]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


# ---------------------------------------------------------------- days of the week

_WEEKEND_ONLY = [r"\balleen\s+(?:in\s+|op\s+)?(?:het\s+)?weekend", r"\balleen\s+op\s+za"]
_WORKDAYS = [
    r"\bwerkdag(?:en)?\b",
    r"\bdoordeweeks?\b",
    r"\bdoor\s+de\s+week\b",
    r"\bma(?:a|andag)?\s*(?:-|t/m|tm|tot\s+en\s+met|tot)\s*vr(?:ij|ijdag)?\b",
    r"\bniet\s+(?:in\s+|op\s+)?(?:het\s+|'t\s+)?weekend\b",
    r"\b(?:geen|zonder|behalve|buiten)\s+(?:in\s+)?(?:het\s+)?weekend\b",
    r"\bniet\s+op\s+za(?:terdag)?\s+(?:en|of)\s+zo(?:ndag)?\b",
    r"\b(?:5|vijf)\s+dagen\b",
]
_EVERY_DAY = [
    r"\b(?:elke|iedere|alle)\s+dag(?:en)?\b",
    r"\bdagelijks\b",
    r"\b(?:7|zeven)\s+dagen\b",
    r"\book\s+(?:in\s+|op\s+)?(?:het\s+|'t\s+)?weekend\b",
    r"\bweekend\s+ook\b",
    r"\book\s+op\s+za(?:terdag)?\b",
    r"\b(?:met|inclusief|incl)\s+(?:het\s+)?weekend\b",
]


WORKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
_DAY_FULL = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)(?:s|en)?"
_DAY_ABBR = r"(?:ma|di|wo|do|vr|vrij|za|zo)\.?"
_DAY_TOKEN = rf"(?:{_DAY_FULL}|{_DAY_ABBR})"


def _day_index(word: str) -> int:
    word = word.rstrip(".")
    for name, i in WEEKDAYS.items():
        if word.startswith(name):
            return i
    return WEEKDAY_ABBR[word]


def _named_days(t: str) -> list[tuple[int, int, int]]:
    """(weekday, start, end) of each named day; abbreviations only when they cannot be
    ordinary words ("zo", "do"): two or more day words, or after op/behalve/niet/alleen."""
    full = [
        (_day_index(m.group(0)), m.start(), m.end()) for m in re.finditer(rf"\b{_DAY_FULL}\b", t)
    ]
    abbr = [
        (_day_index(m.group(0)), m.start(), m.end())
        for m in re.finditer(rf"\b{_DAY_ABBR}(?=\s|,|$|-)", t)
        if not any(s <= m.start() < e for _, s, e in full)
    ]
    if abbr and len(full) + len(abbr) < 2:
        abbr = [a for a in abbr if re.search(r"\b(?:op|behalve|niet|alleen|en|ook)\s*$", t[: a[1]])]
    return sorted(full + abbr, key=lambda d: d[1])


def _day_range(t: str) -> frozenset[int] | None:
    """ "ma t/m do", "maandag tot en met donderdag", "di-vr" """
    m = re.search(
        rf"\b(?P<a>{_DAY_TOKEN})\s*(?:-|t/m|tm|tot\s+en\s+met|tot)\s*(?P<b>{_DAY_TOKEN})(?=\s|$)", t
    )
    if m is None:
        return None
    a, b = _day_index(m.group("a")), _day_index(m.group("b"))
    return frozenset((a + i) % 7 for i in range((b - a) % 7 + 1))


_EXCEPT = r"\b(?:behalve|zonder|niet\s+(?:op|de|meer\s+op)|geen|maar\s+niet|uitgezonderd)\b"
_OFF_DAY = (
    rf"\b(?P<d>{_DAY_FULL})\s+(?:werk|ben)\s+ik\s+(?:niet|vrij)\b"
    rf"|\bop\s+(?P<e>{_DAY_FULL})\s+(?:werk|ben)\s+ik\s+(?:niet|vrij)\b"
    rf"|\bik\s+werk\s+(?:niet\s+op|nooit\s+op)\s+(?P<f>{_DAY_FULL})\b"
    rf"|\bben\s+ik\s+(?:op\s+)?(?P<g>{_DAY_FULL})\s+vrij\b"
)


def _weekdays(t: str) -> tuple[frozenset[int] | None, frozenset[int] | None] | str:
    """(days, without): the set of days said, or the days taken out; or a problem text."""
    if _has(r"\balleen\s+(?:in\s+|op\s+)?(?:het\s+|'t\s+)?weekend", t):
        return frozenset({5, 6}), None
    # "vrijdags werk ik niet", "op woensdag ben ik vrij"
    off = [m for m in re.finditer(_OFF_DAY, t)]
    if off:
        days = {_day_index(next(g for g in m.groups() if g)) for m in off}
        return None, frozenset(days)
    named = _named_days(t)
    ex = re.search(_EXCEPT, t)
    if ex and named and any(start > ex.start() for _, start, _ in named):
        taken = frozenset(d for d, start, _ in named if start > ex.start())
        if any(_has(p, t) for p in _WORKDAYS if "weekend" not in p and "za" not in p):
            base: frozenset[int] = WORKDAYS
        elif any(_has(p, t) for p in _EVERY_DAY):
            base = EVERY_DAY
        elif taken == frozenset({5, 6}):
            base = EVERY_DAY  # "niet op zaterdag en zondag" is the workdays
        else:
            return None, taken
        return base - taken, None
    if any(_has(p, t) for p in _WORKDAYS):
        return WORKDAYS, None  # "elke dag behalve in het weekend" -> workdays
    if any(_has(p, t) for p in _EVERY_DAY):
        return EVERY_DAY, None
    rng = _day_range(t)
    if rng is not None:
        return rng, None
    if named:
        return frozenset(d for d, _, _ in named), None
    return None, None


# ---------------------------------------------------------------- times

_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_N = rf"(?:\d{{1,2}}|{_NUMW})"
_N_NO_EEN = rf"(?:\d+|{'|'.join(w for w in NUMBER_WORDS if w != 'een')})"

_AM = r"\b(?:ochtends?|morgens|voormiddag|vanochtend|vanmorgen)\b"
_PM = r"\b(?:middags?|namiddag|vanmiddag)\b"
_EVENING = r"\b(?:avonds?|vanavond)\b"
_NIGHT = r"\b(?:nachts?|vannacht)\b"


def _num(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _short(raw: str) -> str:
    return raw if len(raw) <= 20 else raw[:19] + "…"


def _long(word: str) -> bool:
    """Three or more digits: not an hour ("0830" needs "uur" or a colon)."""
    return word.isdigit() and len(word) > 2


def _hour(word: str) -> int:
    return 99 if word.isdigit() and len(word) > 2 else _num(word)


@dataclass(frozen=True)
class _Found:
    spoken: int  # the hour as said
    offset: int  # minutes relative to the spoken hour (may be negative: "half 9")
    raw: str
    literal: bool = False  # 24-hour clock for sure (leading zero)
    error: str | None = None


def _daypart(t: str) -> str | Literal["conflict"] | None:
    parts = {
        name
        for name, pattern in (("am", _AM), ("pm", _PM), ("evening", _EVENING), ("night", _NIGHT))
        if _has(pattern, t)
    }
    if not parts:
        return None
    if len(parts) > 1:
        return "conflict"
    return parts.pop()


_PART_WORDS = {
    "am": "'s ochtends",
    "pm": "'s middags",
    "evening": "'s avonds",
    "night": "'s nachts",
}


def _resolve(found: _Found, part: str | None) -> time | str:
    """A clock time, or a problem text."""
    h = found.spoken
    if found.error:
        return found.error
    if h > 24:
        return P_BAD_HOUR.format(raw=_short(found.raw))
    if part is None:
        if not found.literal and 1 <= h <= 6:
            h += 12  # documented: a bare 1-6 is the afternoon
    elif part == "am":
        if h > 12:
            return P_DAYPART.format(raw=_short(found.raw), part=_PART_WORDS[part])
    elif part in ("pm", "evening"):
        if 1 <= h <= 11:
            h += 12
        elif h == 0 or (h == 12 and part == "evening"):
            h = 24  # "12 uur 's avonds" is midnight
    elif part == "night":
        if h == 12:
            h = 24
        elif 7 <= h <= 11:
            h += 12  # "11 uur 's nachts" is 23:00
    total = h * 60 + found.offset
    if total == 24 * 60 and part in ("evening", "night"):
        total = 0
    if not 0 <= total < 24 * 60:
        return P_BAD_HOUR.format(raw=_short(found.raw))
    return time(total // 60, total % 60)


def _whole_hour(m: re.Match[str]) -> _Found:
    """A match with a group "h": a whole hour ("8 uur", "om 8"); 3+ digits are not understood."""
    h, raw = m.group("h"), m.group(0).strip()
    return _Found(
        _hour(h),
        0,
        raw,
        literal=h.startswith("0") and len(h) == 2,
        error=P_BAD_FORMAT.format(raw=_short(raw)) if _long(h) else None,
    )


def _scan_times(t: str) -> list[_Found]:
    found: list[_Found] = []
    text = t

    def take(pattern: str, make: Callable[[re.Match[str]], _Found]) -> None:
        nonlocal text
        for m in list(re.finditer(pattern, text)):
            found.append(make(m))
        text = re.sub(pattern, lambda m: " " * len(m.group(0)), text)

    def minutes(m: re.Match[str]) -> int:
        return _num(m.group("m")) * (1 if m.group("dir") == "over" else -1)

    # "tien over half 9", "vijf voor half negen", "half 9"
    take(
        rf"\b(?:(?P<m>{_N})\s+(?:minuten?\s+)?(?P<dir>over|voor)\s+)?half\s+(?P<h>{_N})\b(?:\s*uur\b)?",
        lambda m: _Found(
            _num(m.group("h")), -30 + (minutes(m) if m.group("m") else 0), m.group(0).strip()
        ),
    )
    # "kwart over 8", "kwart voor 9"
    take(
        rf"\bkwart\s+(?P<dir>over|voor)\s+(?P<h>{_N})\b(?:\s*uur\b)?",
        lambda m: _Found(
            _num(m.group("h")), 15 if m.group("dir") == "over" else -15, m.group(0).strip()
        ),
    )
    # "tien over 8", "5 voor 9"
    take(
        rf"\b(?P<m>{_N})\s+(?:minuten?\s+)?(?P<dir>over|voor)\s+(?P<h>{_N})\b(?:\s*uur\b)?",
        lambda m: _Found(
            _num(m.group("h")),
            minutes(m),
            m.group(0).strip(),
            error=None if 1 <= _num(m.group("m")) <= 29 else P_BAD_FORMAT.format(raw=m.group(0)),
        ),
    )

    def clock(m: re.Match[str]) -> _Found:
        hh, mm = m.group("h"), m.group("mm")
        raw = m.group(0).strip()
        if len(mm) != 2:
            return _Found(0, 0, raw, error=P_BAD_FORMAT.format(raw=_short(raw)))
        if int(mm) > 59:
            return _Found(0, 0, raw, error=P_BAD_MINUTES.format(raw=_short(raw)))
        return _Found(int(hh), int(mm), raw, literal=hh.startswith("0") and len(hh) == 2)

    # "8:30", "08.30", "8:30 uur"
    take(
        r"(?<![\d:])(?P<h>\d{1,3})\s*[:.]\s*(?P<mm>\d{1,3})(?!\d|[.:]\d)(?:\s*(?:uur|u)\b)?", clock
    )
    # "17u30", "8 uur 30"
    take(
        r"\b(?P<h>\d{1,2})\s*(?:uur|u)\s*(?P<mm>\d{1,3})\b(?!\s*(?:dagen|dag|weken|week|[-/]))",
        clock,
    )

    # "0830 uur", "1730u"
    def hhmm(m: re.Match[str]) -> _Found:
        digits = m.group("d")
        raw = m.group(0).strip()
        mm = digits[-2:]
        hh = digits[:-2]
        if int(mm) > 59:
            return _Found(0, 0, raw, error=P_BAD_MINUTES.format(raw=_short(raw)))
        return _Found(int(hh), int(mm), raw, literal=len(hh) == 2 and hh.startswith("0"))

    take(r"\b(?P<d>\d{4})\s*(?:uur|u)\b", hhmm)
    # "8 uur", "8u", "acht uur", "25 uur"
    take(
        rf"\b(?P<h>\d+|{_NUMW})\s*(?:uur|u)\b",
        _whole_hour,
    )
    # "om 8", "rond negen", "om 0830"
    take(
        rf"\b(?:om|rond|tegen|vanaf|omstreeks)\s+(?P<h>{_N_NO_EEN})\b"
        rf"(?!\s*(?:dagen|dag|weken|week|minuten|[-/]|(?:{_MONTH_ALL})\b))",
        _whole_hour,
    )
    # the whole message is a number: "9"
    take(
        r"^\s*(?P<h>\d+)\s*$",
        _whole_hour,
    )
    return found


def _time(t: str) -> time | str | None:
    """The one time in the text, None if there is none, or a problem text."""
    found = _scan_times(t)
    if not found:
        return None
    part = _daypart(t)
    if part == "conflict":
        return P_TWO_DAYPARTS
    results: list[time] = []
    for f in found:
        r = _resolve(f, part)
        if isinstance(r, str):
            return r
        results.append(r)
    if len(set(results)) > 1:
        return P_TWO_TIMES
    return results[0]


# ---------------------------------------------------------------- dates for "pause"

_WD_ALL = "|".join(sorted([*WEEKDAYS, *WEEKDAY_ABBR], key=len, reverse=True))
_MONTH_ALL = "|".join(sorted(MONTHS, key=len, reverse=True))


def _next_weekday(today: date, weekday: int, strictly_after: bool = True) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return today + timedelta(days=ahead)


def _make_date(day: int, month: int, year: int | None, today: date, raw: str) -> date | str:
    explicit = year is not None
    if year is not None and year < 100:
        year += 2000
    try:
        d = date(year if year is not None else today.year, month, day)
    except ValueError:
        # 29 februari without a year: maybe next year is a leap year - keep it simple
        return P_DATE_INVALID.format(raw=_short(raw))
    if not explicit and d < today:
        try:
            d = date(today.year + 1, month, day)
        except ValueError:
            return P_DATE_INVALID.format(raw=_short(raw))
    return d


def _until(t: str, today: date) -> date | str | None:
    """The resume date for a pause, None if no end was given, or a problem text."""
    m = re.search(r"\b(?P<incl>tot\s+en\s+met|t/m|tm|tot)\b\s*(?P<rest>.*)$", t)
    if m is None:
        return _duration(t, today)
    inclusive = m.group("incl") != "tot"
    rest = re.sub(r"^(?:aan|op|de|en\s+met)\s+", "", m.group("rest").strip())
    day = _parse_day(rest, today, strictly_after=not inclusive)
    if day is None and rest.startswith("na "):
        # "tot na de zomer 1 september": the date said after the season words
        dated = re.search(rf"\d{{1,2}}e?\s*(?:{_MONTH_ALL})\b.*|\d{{1,2}}[-/]\d{{1,2}}.*", rest)
        if dated is not None:
            day = _parse_day(dated.group(0), today, strictly_after=not inclusive)
        elif _has(r"vakantie|zomer|kerst|feestdagen|herfst|voorjaar|mei", rest):
            return P_HOLIDAY
    if day is None:
        return _duration(t, today) or P_UNTIL
    if isinstance(day, str):
        return day
    if inclusive:
        day += timedelta(days=1)
    if day <= today:
        later = today + timedelta(days=7)
        return P_DATE_PAST.format(ex=f"{later.day} {MONTH_NAMES[later.month - 1]}")
    if (day - today).days > MAX_PAUSE_DAYS:
        return P_DATE_FAR
    return day


def _parse_day(rest: str, today: date, strictly_after: bool) -> date | str | None:
    # "3 maart", "3 mrt 2027", "maandag 2 maart"
    m = re.match(
        rf"(?:(?:{_WD_ALL})\.?\s+)?(?P<d>\d{{1,2}})e?\s*(?P<mon>{_MONTH_ALL})\b\.?(?:\s+(?P<y>\d{{4}}))?",
        rest,
    )
    if m:
        y = int(m.group("y")) if m.group("y") else None
        return _make_date(int(m.group("d")), MONTHS[m.group("mon")], y, today, m.group(0))
    # "3-3", "03-03-2027", "3/3/27"
    m = re.match(
        rf"(?:(?:{_WD_ALL})\.?\s+)?(?P<d>\d{{1,2}})[-/](?P<m>\d{{1,2}})"
        r"(?:[-/](?P<y>\d{4}|\d{2}))?(?![\d/-])",
        rest,
    )
    if m:
        y = int(m.group("y")) if m.group("y") else None
        month = int(m.group("m"))
        if not 1 <= month <= 12:
            return P_DATE_INVALID.format(raw=_short(m.group(0)))
        return _make_date(int(m.group("d")), month, y, today, m.group(0))
    if re.match(r"vandaag\b", rest):
        return today
    if re.match(r"overmorgen\b", rest):
        return today + timedelta(days=2)
    if re.match(r"morgen\b", rest):
        return today + timedelta(days=1)
    # "volgende week", "volgende week woensdag"
    m = re.match(rf"volgende\s+week\b(?:\s+(?P<wd>{_WD_ALL})\b)?", rest)
    if m:
        monday = _next_weekday(today, 0)
        if m.group("wd"):
            return monday + timedelta(days=_weekday_index(m.group("wd")))
        return monday
    # "maandag", "aanstaande vrijdag", "di"
    m = re.match(rf"(?:aanstaande|komende|volgende|a\.s\.)?\s*(?P<wd>{_WD_ALL})\b\.?", rest)
    if m:
        return _next_weekday(today, _weekday_index(m.group("wd")), strictly_after)
    return None


def _weekday_index(word: str) -> int:
    return WEEKDAYS[word] if word in WEEKDAYS else WEEKDAY_ABBR[word]


def _duration(t: str, today: date) -> date | str | None:
    """ "pauze voor 2 weken", "een week pauze" -> today + that."""
    m = re.search(r"\b(?P<n>\d{1,3}|" + _NUMW + r")\s+(?P<unit>dag|dagen|week|weken)\b", t)
    if m is None:
        return None
    n = _num(m.group("n"))
    days = n * (7 if m.group("unit").startswith("we") else 1)
    if days <= 0:
        return P_UNTIL
    if days > MAX_PAUSE_DAYS:
        return P_DATE_FAR
    return today + timedelta(days=days)


# ---------------------------------------------------------------- actions

_PAUSE = [
    r"\bpau[sz]\w*",
    r"^(?:tot|t/m|tm)\s+(?!zo\b|straks|later|ziens)",  # the answer to "tot wanneer?"
    r"\beven\s+(?:niet|geen|stoppen|stop|uit)\b",
    r"\btijdelijk\b",
    r"\bvakantie\b",
    r"\been\s+(?:tijdje|paar\s+dagen|week|weekje)\s+(?:niet|geen)\b",
    r"\bstil\s*(?:zetten|leggen|gezet)?\b",  # issue 16: "zet hem stil tot ..."
    rf"^(?:\d{1, 3}|{_NUMW})\s+(?:dagen|dag|weken|week)$",  # the answer to "tot wanneer?"
    rf"\b(?:\d{1, 3}|{_NUMW})\s+(?:dagen|weken|week)\s+(?:niet|geen|overslaan)\b",
]
_STOP = [
    r"\bstop(?:pen|t)?\b",
    r"^(?:helemaal\s+)?uit\W*$",
    r"\b(?:zet|doe|schakel)\b.*\buit\b",
    r"\buit(?:zetten|schakelen)\b",
    r"\bgeen\s+(?:\w+\s+)?vragen\s+meer\b",
    r"\b(?:wil|hoef)\s+(?:\w+\s+)?(?:geen|niet)\b.*\bmeer\b",
    r"\bniet\s+meer\s+(?:sturen|ontvangen|krijgen)\b",
    r"\bafmelden\b",
]
_RESUME = [
    r"\bherva\w*",
    r"\bherstart\w*",
    r"\bweer\s+(?:aan|starten|beginnen|verder|door)\b",
    r"\b(?:start|begin|ga)\s+(?:\w+\s+){0,2}weer\b",
    r"\b(?:zet|doe|schakel)\b.*\baan\b",
    r"\baan(?:zetten|schakelen)\b",
    r"^aan\W*$",
    r"\bga\s+(?:maar\s+)?(?:door|verder)\b",
    r"\bweer\s+vragen\b",
    r"^(?:start|begin)\W*$",
    r"\bopnieuw\s+(?:starten|beginnen)\b",
]
_SHOW = [
    r"^\W*$",
    r"\binstelling",
    r"\bstatus\b",
    r"\bwanneer\b",
    r"\bhoe\s+laat\b",
    r"\blaat\s+(?:\w+\s+){0,2}zien\b",
    r"\btoon\b",
    r"\bbekijk",
    r"\bwelke\s+tijd\b",
    r"\bwat\s+(?:is|staat|heb)\b",
    r"\bhoe\s+staat\b",
]


def parse_schedule(text: str, today: date) -> ScheduleRequest:
    """Turn a caseworker's words (with or without /dagelijks) into a schedule request."""
    t = _normalise(text[:500])

    is_pause = any(_has(p, t) for p in _PAUSE)
    is_stop = any(_has(p, t) for p in _STOP)
    if is_stop and not is_pause and _has(r"\b(?:tot|t/m|tm)\b", t):
        is_pause = True  # "zet uit tot maandag" is a pause
    if is_pause:
        until = _until(t, today)
        if isinstance(until, str):
            return ScheduleRequest("unclear", problem=until)
        return ScheduleRequest("pause", until=until)
    if is_stop:
        return ScheduleRequest("stop")

    # the days first, so a date-like "7 dagen" is not read as a time
    read_days = _weekdays(t)
    if isinstance(read_days, str):
        return ScheduleRequest("unclear", problem=read_days)
    days, without = read_days
    if _has(
        r"\b(?:na|voor|bij|rond|tijdens)\s+(?:de\s+|het\s+|mijn\s+)?(?:lunch|lunchpauze|middageten|ontbijt|koffie|werk|avondeten)\b",
        t,
    ) and not _scan_times(t):
        return ScheduleRequest("unclear", problem=P_WHICH_TIME)
    at = _time(t)
    if isinstance(at, str):
        return ScheduleRequest("unclear", problem=at)
    if at is None and _daypart(t) is not None:
        return ScheduleRequest("unclear", problem=P_NO_TIME)
    if at is not None or days is not None or without is not None:
        only = (
            None
            if days is None
            else (True if days == WORKDAYS else False if days == EVERY_DAY else None)
        )
        return ScheduleRequest("set", time=at, weekdays_only=only, days=days, without=without)

    if any(_has(p, t) for p in _RESUME):
        return ScheduleRequest("resume")
    if any(_has(p, t) for p in _SHOW):
        return ScheduleRequest("show")
    return ScheduleRequest("unclear", problem=P_GENERIC)


# ---------------------------------------------------------------- describe


def _long_date(d: date) -> str:
    return f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]}"


def _hhmm(local_time: str) -> str:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", local_time)
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else local_time


def describe(local_time: str, weekdays_only: bool, active: bool, paused_until: date | None) -> str:
    """The setting in one or two short Dutch sentences.

    `paused_until` is the day the questions start again (exclusive), as in
    `bot.core.schedule.next_due`; the text names the last paused day ("tot en met").
    """
    if not active:
        return "Je dagelijkse vraag staat uit."
    when = f"{'elke werkdag' if weekdays_only else 'elke dag'} om {_hhmm(local_time)}"
    if paused_until is not None:
        last = paused_until - timedelta(days=1)
        return (
            f"Je dagelijkse vraag staat op pauze tot en met {_long_date(last)}. "
            f"Daarna krijg je weer {when} een vraag."
        )
    return f"Je krijgt {when} een vraag."


# ---------------------------------------------------------------- issue 16: request reader

# Words that make a message about the daily question; without one, a time or a day in a
# message ("om 8 uur heb ik een intake") is not read as a schedule request.
_ANCHORS = [
    r"\bdagelijks\w*",
    # "hervat", "hervatten maar" alone (the word in a longer message may be about work)
    r"^(?:graag\s+)?(?:herva\w*|herstart\w*)(?:\s+(?:maar|graag|aub|alsjeblieft|ajb))?$",
    r"^\s*/dagelijks",
    r"\bvra(?:a)?g(?:en|je)?\b",
    r"\bherinner\w*",
    r"\bmelding\w*",
    r"\bingesteld\b",
    r"\binstelling\w*",
    r"\bingepland\b",
    r"\bschema\b",
    r"\bpau[sz]\w*",
    r"\bstil\s*(?:zetten|leggen|gezet)?\b",
    r"\b(?:zet|doe)\s+(?:hem|het|die|ze|alles)\b",
    r"\bvoortaan\b",
    r"\bliever\s+(?:om|op|elke|alleen|niet)\b",
    r"\b(?:verzet|verschuif|verplaats)\w*",
    r"\bkan\s+(?:het|dat|die|hij)\s+(?:ook\s+)?(?:om|op|elke|alleen|voortaan|later|eerder)\b",
    r"\b(?:werk|ben)\s+ik\s+(?:niet|vrij)\b",
    r"\bik\s+werk\s+(?:niet|nooit)\s+op\b",
    r"\bwerk\s+ik\s+niet\b",
]
_NOT_SCHEDULE = [
    r"\bvraag\s+(?:over|van|bij|aan|hoe|wat|of)\b",  # "een vraag over de intake"
    r"\b(?:klant|cli[eë]nt|statushouder|deelnemer|kandidaat|werkgever)\w*",
]


def read_request(text: str) -> Request | None:
    """The daily question's settings asked for in words anywhere in the conversation.

    Returns Request("daily_prompt_settings", {"text": text, "action": ...}) or None when the
    message is not about the schedule. The action reads the text again with the user's
    today (this reader has no clock)."""
    if len(text) > 300 or re.match(r"\s*/(?!dagelijks)", text) or "onboarding" in text.lower():
        return None
    t = _normalise(text)
    slash = re.match(r"\s*/dagelijks\b", text.lower()) is not None
    if not slash and (not t or not any(_has(p, t) for p in _ANCHORS)):
        return None
    if any(_has(p, t) for p in _NOT_SCHEDULE) and not _has(r"\bdagelijks|^/dagelijks", t):
        return None
    result = parse_schedule(text, date(2026, 1, 5))  # only the kind is used here
    if slash:
        return Request("daily_prompt_settings", {"text": text, "action": result.action})
    if result.action == "unclear" and not _has(
        r"\bdagelijks|\bpau[sz]|\bstil\b|\bvoortaan\b|\bherinner|\bwerk\s+ik\b", t
    ):
        return None
    if result.action == "show" and not _has(
        r"\b(?:ingesteld|instelling\w*|ingepland|schema|dagelijks\w*)\b|\bwanneer\b.*\bvraag|\bhoe\s+laat\b.*\bvraag",
        t,
    ):
        return None
    return Request("daily_prompt_settings", {"text": text, "action": result.action})
