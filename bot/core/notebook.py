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
from bot.core.schedule_text import MONTH_NAMES, MONTHS, WEEKDAY_ABBR, WEEKDAYS
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
    r"(?:eer)?gisteren|vandaag|van(?:ochtend|morgen|middag|avond)"
    r"|vorige week|deze week|afgelopen week|vorige maand|deze maand|afgelopen maand"
    r"|dit jaar|vorig jaar"
    r"|(?:vorige week )?(?:" + "|".join(WEEKDAYS) + r")"
    r"|\d{1,2}(?:e|ste|de)? (?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
    r"\.?(?: \d{4})?|\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?"
    r"|(?:" + "|".join(MONTH_NAMES) + r")(?: \d{4})?"  # a whole month: "in maart"
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
    m = re.fullmatch(rf"(?:die|dat|{_KIND}|iets)? ?(?:van|op|uit|in) ({_WHEN})", r)
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
)

# -- "wat heb ik vorige week opgeschreven over taal?" ---------------------------------------
# A question about what the user wrote: a question word (or "heb ik ...?", or "laat zien wat
# ik ..."), the user as the writer ("heb ik", "schreef ik", "wat ik") and a verb of writing
# or keeping in the past, or "mijn notities"; a subject after "over" and a time phrase may
# stand anywhere. Present and future ("wat schrijf ik", "wat moet ik opschrijven") and writing
# somewhere else ("in het dossier", "aan de werkgever") are no questions about the notebook.
WRITTEN = frozenset(
    "schreef schreven geschreven opgeschreven opschreef neergeschreven neerschreef "
    "genoteerd noteerde opgenoteerd bewaard bewaarde opgeslagen opsloeg vastgelegd "
    "gereflecteerd reflecteerde aangetekend getypt typte ingetypt".split()
)
_BOOK = r"(?:notities|notitie|reflecties|reflectie|aantekeningen|notitieboek(?:je)?|antwoorden)"
_RECALL_HEAD = re.compile(
    r"^(?:en |eh |hoi |hey |dus |zeg )?"
    r"(?:(?:kun|kan|wil|zou) (?:je|jij) (?:me |mij )?(?:even |nog eens |eens )?"
    r"(?:laten zien|vertellen|tonen|opzoeken|zoeken|terugzoeken|zeggen|geven) ?"
    r"|ik (?:wil|zou) (?:graag )?(?:even |nog eens )?(?:zien|weten|lezen|terugzien|teruglezen"
    r"|terugvinden|opzoeken)(?: graag)? ?"
    r"|(?:toon|laat)(?: me| mij)?(?: even| nog eens)?(?: zien)? ?"
    r"|(?:weet|zie) (?:je|jij) (?:nog )?|zoek(?: even| eens)? ?)?"
    r"(?P<q>wat|waar|waarover|wanneer|welke|hoe vaak|heb|had|schreef|noteerde|bewaarde)\b"
)
# the user is the writer: "heb ik", "ik heb", "schreef ik", "wat ik"
_I_WROTE = re.compile(
    r"\b(?:(?:heb|had|hebben|schreef|noteerde|bewaarde|typte) ik|ik (?:heb|had|schreef|noteerde"
    r"|bewaarde|typte)|(?:wat|waar|waarover|wanneer|welke \w+) ik)\b"
)
_MY_BOOK = re.compile(rf"\b(?:(?:mijn|m'n) {_BOOK}|heb ik (?:\w+ )?{_BOOK}|welke {_BOOK})\b")
# writing somewhere else, or to someone: not the notebook
_ELSEWHERE = re.compile(
    r"\b(?:in (?:het|de|een|zijn|haar|hun|ons|onze|mijn|m'n) (?:klant)?(?:dossier|rapport"
    r"|verslag|plan|mail|e-mail|brief|systeem|cv|formulier|app|chat|groep|agenda|map|word)\w*"
    r"|(?:aan|naar) (?:de|het|een|die|mijn|m'n|zijn|haar|hun) \w+)"
)
_NOT_PAST = re.compile(r"\b(?:moet|moeten|kan ik|kun ik|zal ik|ga ik|wil ik|mag ik|schrijf ik)\b")
_WHEN_IN = re.compile(rf"(?:\b(?:van|op|in|uit|sinds|vanaf) )?\b(?P<w>{_WHEN})\b")
# the subject: what follows "over" (or "rond", "bij", ...), up to the end of the clause
_SUBJECT = re.compile(r"\b(?:over|rond|omtrent|aangaande|bij|voor|m\.?b\.?t\.?) (?P<s>.+)$")
_FILLER = frozenset(
    "ooit eerder eens al nog allemaal precies ook toen laatst onlangs pas eigenlijk even "
    "heb had hebben ik er staat stond opgeschreven zien laten tonen graag alsjeblieft aub "
    "dingen ding stukje stukjes keer vaak alweer weer nou nu iets wat".split()
)


def _subject(t: str) -> tuple[str, ...]:
    """The content words after "over" (a verb of writing or the question's own words end
    the subject or are left out: "over discriminatie geschreven" is "discriminatie")."""
    m = _SUBJECT.search(t)
    if not m:
        return ()
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", m.group("s"))  # "cv" counts here
    return tuple(
        w
        for w in words
        if w not in STOPWORDS and w not in WRITTEN and w not in _FILLER and len(w) >= 2
    )


def when_in(t: str) -> tuple[str | None, str]:
    """The first time phrase in a (folded) text and the text without it."""
    m = _WHEN_IN.search(t)
    if not m:
        return None, t
    return m.group("w"), (t[: m.start()] + " " + t[m.end() :]).strip()


def read_recall(t: str) -> Ask | None:
    """ "wat heb ik vorige week opgeschreven over taal?" (folded): a search with a subject
    and/or a time, the list with neither; None: no such question."""
    head = _RECALL_HEAD.match(t)
    if not head or _ELSEWHERE.search(t) or _NOT_PAST.search(t):
        return None
    words = set(re.findall(r"[a-z']+", t))
    mine = bool(_MY_BOOK.search(t))
    if not (_I_WROTE.search(t) and words & WRITTEN) and not mine:
        return None
    when, rest = when_in(t)
    subject = _subject(rest)
    # a yes/no question ("heb ik iets over taal geschreven?") only with what it is about:
    # "heb ik het goed opgeschreven?" asks for no entry
    yes_no = head.group("q") in ("heb", "had", "schreef", "noteerde", "bewaarde")
    if yes_no and not (subject or when or mine):
        return None
    if not subject and not when:
        return Ask("list")
    return Ask("search", Ref(when=when), " ".join(subject))


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
        when, query = when_in(next(g for g in m.groups() if g))
        words = content_words(query)
        return Ask("search", Ref(when=when), " ".join(words)) if words or when else None
    if ask := read_recall(t):
        return ask
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
    if w in ("vandaag", "vanochtend", "vanmorgen", "vanmiddag", "vanavond"):
        return today, today
    if w == "afgelopen maand":
        return today - timedelta(days=30), today
    if w in ("dit jaar", "vorig jaar"):
        y = today.year - (w == "vorig jaar")
        return date(y, 1, 1), min(date(y, 12, 31), today)
    m = re.fullmatch(r"(\w+)(?: (\d{4}))?", w)
    if m and m.group(1) in MONTH_NAMES:  # a whole month; without a year the latest one
        month = MONTH_NAMES.index(m.group(1)) + 1
        y = int(m.group(2)) if m.group(2) else today.year
        if not m.group(2) and month > today.month:
            y -= 1
        last = date(y + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return date(y, month, 1), min(last, today)
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


def when_said(when: str) -> str:
    """A time in words as a reply says it: "van gisteren", "in maart", "vanochtend"."""
    w = when.strip()
    if w.startswith("van") and w not in ("vandaag",):  # vanochtend, vanavond
        return w
    if re.fullmatch(r"\w+(?: \d{4})?", w) and w.split()[0] in MONTH_NAMES:
        return f"in {w}"
    if w == "afgelopen maand":
        return "van de afgelopen maand"
    return f"van {w}"


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
    titles: str = ""  # the lesson's and the guide part's titles, for matching
    lesson: str = ""  # the lesson's title; "" when it has none (a /reflectie question)
    part: str = ""  # the guide part: the lesson's, else the question card's theme

    @property
    def first_line(self) -> str:
        return first_line(self.text)


def first_line(text: str, width: int = 80) -> str:
    """The first non-empty line of a text, cut to fit a phone's line."""
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= width else line[: width - 3].rstrip() + "…"


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
