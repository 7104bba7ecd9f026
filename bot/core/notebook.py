"""issue 16: the notebook in words — reading what a user asks of their reflections and notes.

Pure functions, no storage and no clock: `read_notebook(text)` turns a message into an `Ask`
(list, more, open, search, add, replace, delete, note) or None; `read_request` wraps it as a
request reader for `bot.core.requests.READERS`. `resolve_when` turns "gisteren", "vorige week"
or "12 november" into a range of local dates; `matches` picks the entries a reference means.
The actions live in `actions/notebook.py`, the queries in `bot/storage/repo.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.dialogue import State
from bot.core.schedule_text import MONTHS, WEEKDAY_ABBR, WEEKDAYS
from bot.nlu.text import fold

if TYPE_CHECKING:
    from bot.core.requests import Request

NOTEBOOK = "notebook"  # intent of every notebook request -> action_notebook
ABOUT_ME = "about_me"  # "wat weet je van mij?" -> action_about_me
PATTERNS = "patterns"  # "zie je een patroon in wat ik schrijf?" -> action_patterns

PAGE = 5  # entries per page of the list
MAX_BARE_WORDS = 5  # "die over de werkdruk op de afdeling was zwaar" is an answer, not a request
CHOICE = 5  # at most this many entries in a "which one?" choice

# dialogue states of the notebook (their rules: bot.core.conversation.TABLE); a note with
# client data waits in the policy's own confirm_redaction state, as a reflection does
CHOOSING = State.NB_CHOOSE  # several entries matched: which one?
CONFIRM_DELETE = State.NB_CONFIRM_DELETE  # delete this one entry?
STATES = frozenset({CHOOSING, CONFIRM_DELETE})
# what the notebook keeps in the dialogue state's data while a choice waits (the text of an
# addition waiting for a choice is the policy's encrypted pending_text)
PENDING = ("nb_pending", "nb_choice", "pending_text")
WRITES = frozenset({"note", "add", "replace"})  # asks that store a text the user typed

ORDINALS = {
    "eerste": 1,
    "tweede": 2,
    "derde": 3,
    "vierde": 4,
    "vijfde": 5,
    "zesde": 6,
    "zevende": 7,
    "achtste": 8,
    "negende": 9,
    "tiende": 10,
    "laatste": 1,  # the newest, as the list starts with it
}
STOPWORDS = frozenset(
    "de het een en of van over bij met in op aan voor mijn m'n die dat deze dit waar waarin "
    "ik je jij we wat reflectie reflecties notitie notities iets alles".split()
)


@dataclass(frozen=True)
class Ref:
    """Which entry a user means: by number, the one just opened, a date, or words."""

    number: int | None = None
    this: bool = False
    when: str | None = None  # "gisteren", "12 november", "vorige week" (resolved later)
    words: tuple[str, ...] = ()

    def empty(self) -> bool:
        return self.number is None and not self.this and self.when is None and not self.words


@dataclass(frozen=True)
class Ask:
    op: str  # list | more | open | search | add | replace | delete | note
    ref: Ref = field(default_factory=Ref)
    text: str = ""  # the note, the addition or the replacement (as typed); search words


def _clean(text: str) -> str:
    t = fold(text).strip()
    t = re.sub(r"\s+", " ", t)
    return t.rstrip("!.? ")


def _body(original: str, head_len: int) -> str:
    """What follows the request's own words (after a colon when there is one), as typed."""
    rest = original.strip()
    colon = rest.find(":")
    if colon != -1 and colon <= head_len + 2:
        return rest[colon + 1 :].strip()
    return rest[head_len:].strip(" :")


_WHEN = (
    r"(?:eer)?gisteren|vandaag|vorige week|deze week|afgelopen week|vorige maand|deze maand"
    r"|(?:vorige week )?(?:" + "|".join(WEEKDAYS) + r")"
    r"|\d{1,2}(?:e|ste|de)? (?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
    r"\.?(?: \d{4})?|\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?"
)
_KIND = r"(?:de |mijn |m'n )?(?:reflectie|notitie|aantekening|antwoord)"


def read_ref(segment: str) -> Ref | None:
    """The entry a (folded) phrase points at, or None when it names none."""
    r = segment.strip(" :,")
    if re.fullmatch(rf"(?:deze|dit|die|dat|hem|het|{_KIND})(?: (?:reflectie|notitie))?", r):
        return Ref(this=True)
    m = re.fullmatch(rf"(?:{_KIND} )?(?:nummer|nr\.?|#)?\s*(\d{{1,3}})(?:e|de|ste)?", r)
    if m:
        return Ref(number=int(m.group(1)))
    m = re.fullmatch(rf"(?:{_KIND} |de )?({'|'.join(ORDINALS)})(?: (?:reflectie|notitie))?", r)
    if m:
        return Ref(number=ORDINALS[m.group(1)])
    m = re.fullmatch(rf"(?:die|dat|{_KIND}|iets)? ?(?:van|op|uit) ({_WHEN})", r)
    if m:
        return Ref(when=m.group(1))
    m = re.fullmatch(rf"(?:die|dat|{_KIND}|iets)? ?(?:over|bij|met|waarin|rond) (.+)", r)
    if m:
        words = content_words(m.group(1))
        return Ref(words=words) if words else None
    return None


def content_words(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", fold(text))
    return tuple(w for w in words if w not in STOPWORDS and (len(w) >= 3 or w.isdigit()))


_PLEASE = r"^(?:(?:kun|kan|wil) (?:je|jij) (?:me |mij )?|graag |ik wil (?:graag )?)?"
_NOTE = re.compile(
    _PLEASE + r"(?:(?:bewaar|sla|zet|schrijf|noteer)(?: dit| dat| het| even| deze tekst)*"
    r"(?: op| neer)? (?:als|in) (?:een |mijn |m'n )?(?:notitie|aantekening)(?: op)?"
    r"|onthoud(?: even)?|noteer(?: even)?|nieuwe notitie|maak (?:een )?notitie|notitie)"
    r"(?=\s*:|\s|$)"
)
_MORE = re.compile(
    r"^(?:(?:toon|laat|geef)(?: me| mij)? (?:er )?(?:nog )?meer(?: zien)?|(?:nog )?meer"
    r"(?: (?:reflecties|notities|laten zien|tonen))?|volgende (?:pagina|vijf))$"
)
_LIST = re.compile(
    _PLEASE + r"(?:(?:toon|open|bekijk|laat (?:me |mij )?zien)(?: mijn| m'n)? )?"
    r"(?:mijn |m'n )?(?:notitieboek(?:je)?|schrift|logboek)(?: zien| openen| bekijken)?$"
)
_SEARCH = re.compile(
    r"^(?:zoek(?:en)?|doorzoek)(?: in)?(?: mijn| m'n)?"
    r"(?: (?:notities|reflecties|notitieboek|schrift))? (?:naar|op) (?P<q>.+)$"
    r"|^zoek (?P<s>\S+(?: \S+)?)$"
    r"|^(?:waar|wanneer) (?:schreef|had) ik (?:het )?(?:iets )?over (?P<w>.+)$"
    r"|^wat (?:schreef|heb) ik (?:eerder )?(?:geschreven |opgeschreven )?over (?P<v>.+)$"
    r"|^heb ik (?:al )?(?:eens )?(?:iets )?(?:geschreven|opgeschreven) over (?P<u>.+)$"
)
_OPEN = re.compile(
    r"^(?:open|toon|lees|bekijk|geef|laat)(?: me| mij)?(?: nog eens)? (?P<ref>.+?)"
    r"(?: zien| terug)?$"
)
_BARE_REF = re.compile(rf"^(?:die|dat|{_KIND}|nummer|nr\.?) ")
_ADD = re.compile(
    r"^(?:voeg|vul)(?: (?:iets|dit|wat|nog iets))?(?: (?:toe aan|aan))?(?P<ref>[^:]*?)"
    r"(?: (?:toe|aan))?\s*:"
)
_REPLACE = re.compile(
    r"^(?:verbeter|wijzig|corrigeer|vervang|herschrijf|pas)(?P<ref>[^:]*?)(?: aan| in| door)?\s*:"
)
_DELETE = re.compile(r"^(?:verwijder|wis|gooi)(?: (?P<ref>.+?))?(?: weg| maar)?(?: uit mijn \w+)?$")


def read_notebook(text: str) -> Ask | None:
    """What a user asks of their notebook, or None when the message is not about it."""
    if len(text) > 4000 or text.lstrip().startswith("/"):
        return None
    t = _clean(text)
    if not t:
        return None
    if m := _NOTE.match(t):
        return Ask("note", text=_body(text, m.end()))
    short = len(t) <= 120
    if short and _MORE.match(t):
        return Ask("more")
    if short and _LIST.match(t):
        return Ask("list")
    if m := _ADD.match(t):
        ref = read_ref(m.group("ref")) if m.group("ref").strip() else Ref(this=True)
        if ref is not None:
            return Ask("add", ref, _body(text, m.end() - 1))
    if m := _REPLACE.match(t):
        ref = read_ref(m.group("ref")) if m.group("ref").strip() else Ref(this=True)
        if ref is not None:
            return Ask("replace", ref, _body(text, m.end() - 1))
    if not short:
        return None
    if m := _DELETE.match(t):
        ref = read_ref(m.group("ref") or "")
        return Ask("delete", ref) if ref is not None else None
    if m := _SEARCH.match(t):
        query = next(g for g in m.groups() if g)
        words = content_words(query)
        return Ask("search", text=" ".join(words)) if words else None
    if m := _OPEN.match(t):
        ref = read_ref(m.group("ref"))
        return Ask("open", ref) if ref is not None else None
    # "die over de intake": a bare reference, short (an answer may begin the same way)
    bare = _BARE_REF.match(t) and len(t.split()) <= MAX_BARE_WORDS
    if bare and (ref := read_ref(t)) is not None and not ref.this:
        return Ask("open", ref)
    return None


_ABOUT_ME = re.compile(
    r"^(?:(?:en )?wat (?:weet|heb|hou|houd) (?:je|jij) (?:allemaal )?(?:van|over) mij"
    r"(?: bewaard| opgeslagen)?|welke gegevens (?:heb|bewaar) (?:je|jij) (?:van|over) mij"
    r"|wat (?:heb|hebben) (?:je|jullie) (?:allemaal )?(?:van|over) mij (?:bewaard|opgeslagen)"
    r"|wat is er van mij (?:bewaard|opgeslagen))$"
)
_PATTERNS = re.compile(
    r"(?:zie|herken|merk|vind) (?:je|jij) (?:een |enig |geen )?(?:patro?o?n\w*|rode draad|lijn)"
    r"|^(?:welke|wat zijn (?:de|mijn)) (?:patronen|thema's|themas)"
    r"|^(?:waar|waarover) schrijf ik (?:het )?(?:vaakst|meest|veel) over"
    r"|^(?:mijn )?patro?nen$|^patroon$"
)


def _request(intent: str, args: dict[str, Any] | None = None) -> Request:
    from bot.core.requests import Request  # requests.READERS imports this module

    return Request(intent, args or {})


def read_about_me(text: str) -> Request | None:
    return _request(ABOUT_ME) if len(text) <= 120 and _ABOUT_ME.match(_clean(text)) else None


def read_patterns(text: str) -> Request | None:
    t = _clean(text)
    return _request(PATTERNS) if len(t) <= 120 and _PATTERNS.search(t) else None


def read_request(text: str) -> Request | None:
    """The request reader (bot.core.requests.READERS) of the notebook."""
    ask = read_notebook(text)
    return None if ask is None else _request(NOTEBOOK, {"op": ask.op})


# -- answers typed in a notebook state ---------------------------------------------------------
_YES_DELETE = re.compile(r"^(?:ja|jawel|jazeker|ok|oke|prima|zeker)\b.*\b(?:verwijder|wis|weg)\w*")


_PICK = (
    r"(?:(?:open|kies|toon|lees) )?(?:nummer |nr\.? |de )?(\d{1,2}|"
    + "|".join(ORDINALS)
    + r")(?:e|de)?"
)


def in_state(state: str, text: str) -> dict[str, Any] | None:
    """A message typed in a notebook state that answers it, as the action's message;
    None: not an answer (the state is left and the message read afresh)."""
    t = _clean(text)
    if state == CONFIRM_DELETE:
        if _YES_DELETE.match(t) or t in ("ja", "ja graag", "verwijder", "verwijder maar", "wis"):
            return {"text": text, "nb": "del-yes"}
        if t in ("nee", "nee bewaar", "nee, bewaar", "bewaar", "niet verwijderen", "laat staan"):
            return {"text": text, "nb": "del-no"}
        return None
    if state == CHOOSING:
        m = re.fullmatch(_PICK, t)
        if m:
            n = m.group(1)
            return {"text": text, "nb": f"pick:{int(n) if n.isdigit() else ORDINALS[n]}"}
        return None
    return None


def drop_pending(data: dict[str, Any]) -> None:
    for key in PENDING:
        data.pop(key, None)


# -- dates and matching ----------------------------------------------------------------------
def resolve_when(when: str, today: date) -> tuple[date, date] | None:
    """The local dates (first, last) a date in words covers; None if it is no date."""
    w = when.strip()
    if w == "vandaag":
        return today, today
    if w == "gisteren":
        return today - timedelta(days=1), today - timedelta(days=1)
    if w == "eergisteren":
        return today - timedelta(days=2), today - timedelta(days=2)
    monday = today - timedelta(days=today.weekday())
    if w in ("deze week", "afgelopen week"):
        return (monday, today) if w == "deze week" else (today - timedelta(days=6), today)
    if w == "vorige week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    first = today.replace(day=1)
    if w == "deze maand":
        return first, today
    if w == "vorige maand":
        last = first - timedelta(days=1)
        return last.replace(day=1), last
    m = re.fullmatch(r"(vorige week )?(\w+)", w)
    if m and m.group(2) in WEEKDAYS:
        wd = WEEKDAYS[m.group(2)]
        if m.group(1):
            d = monday - timedelta(days=7) + timedelta(days=wd)
        else:
            d = today - timedelta(days=(today.weekday() - wd) % 7)
        return d, d
    m = re.fullmatch(r"(\d{1,2})(?:e|ste|de)? (\w+)\.?(?: (\d{4}))?", w)
    if m and m.group(2) in MONTHS:
        return _day(int(m.group(1)), MONTHS[m.group(2)], m.group(3), today)
    m = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})(?:[-/](\d{2,4}))?", w)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), m.group(3), today)
    if w in WEEKDAY_ABBR:
        return resolve_when(list(WEEKDAYS)[WEEKDAY_ABBR[w]], today)
    return None


def _day(day: int, month: int, year: str | None, today: date) -> tuple[date, date] | None:
    y = int(year) if year else today.year
    if year and y < 100:
        y += 2000
    try:
        d = date(y, month, day)
    except ValueError:
        return None
    if not year and d > today:  # "12 november" in January: last year's
        try:
            d = date(y - 1, month, day)
        except ValueError:
            return None
    return d, d


@dataclass(frozen=True)
class Entry:
    """One reflection or note, decrypted, as the notebook shows it."""

    key: str  # "r12" (reflection 12) or "n3" (note 3)
    kind: str  # "reflection" | "note"
    created_at: datetime
    text: str
    prompt: str = ""
    lesson_id: str | None = None
    theme: str | None = None
    parent_id: int | None = None
    titles: str = ""  # the lesson's and the guide part's titles, for matching and showing

    @property
    def first_line(self) -> str:
        line = next((s.strip() for s in self.text.splitlines() if s.strip()), "")
        return line if len(line) <= 80 else line[:77].rstrip() + "…"


def _has_all(words: Sequence[str], haystack: str) -> bool:
    return all(w in haystack for w in words)


def matches(
    entries: Sequence[Entry], ref: Ref, today: date, tz: Any, opened: str | None = None
) -> list[Entry]:
    """The entries (newest first, as listed) a reference points at."""
    if ref.number is not None:
        return [entries[ref.number - 1]] if 1 <= ref.number <= len(entries) else []
    if ref.this:
        return [e for e in entries if e.key == opened] if opened else []
    if ref.when is not None:
        span = resolve_when(ref.when, today)
        if span is None:
            return []
        return [e for e in entries if span[0] <= e.created_at.astimezone(tz).date() <= span[1]]
    if ref.words:
        # theme or lesson words first ("die over de intake"), then the text itself
        by_title = [e for e in entries if _has_all(ref.words, fold(f"{e.titles} {e.prompt}"))]
        return by_title or search(entries, ref.words)
    return []


def search(entries: Sequence[Entry], words: Sequence[str]) -> list[Entry]:
    """Entries whose text, question or titles hold every word (folded, as part of a word:
    'werkdruk' finds 'werkdrukte')."""
    return [e for e in entries if _has_all(words, fold(f"{e.text} {e.prompt} {e.titles}"))]
