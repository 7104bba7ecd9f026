"""Detect client data in a caseworker's text before anything is stored.

Caseworkers write reflections about their clients (statushouders). Before such a
text is stored, :class:`ClientDataGuard` looks for data that identifies a client,
so the bot can ask the user to rephrase or to store a redacted version instead.

What is detected (``Finding.kind``):

``BSN``
    Nine digits (``123456782``, ``123.456.782``, ``123 456 782``, ``1234.56.782``)
    that pass the 11-proef (``stdnum.nl.bsn``). Nine-digit numbers that fail it are
    *not* flagged, unless the text itself calls them a BSN ("bsn 123456789",
    "burgerservicenummer: ..."): then eight or nine digits are flagged regardless.
``TELEFOON``
    Dutch numbers: ``06-12345678``, ``06 1234 5678``, ``020-1234567``, ``(020) 123 4567``,
    ``+31 6 1234 5678``, ``+31 (0)6 ...``, ``0031 6 ...``. The national form must have
    ten digits. Service numbers (0800, 0900, 0906, 0909) belong to organisations and
    are not flagged.
``EMAIL``
    An e-mail address.
``IBAN``
    Any IBAN that passes ``stdnum.iban.is_valid``, with or without spaces.
``POSTCODE_HUISNUMMER``
    A Dutch postcode with a house number ("1234 AB 12", "1234AB, nr. 5"), or a street
    with a house number ("Kerkstraat 12", "Kerkstraat 12, 1234AB Utrecht"). A postcode
    on its own (no house number) is not flagged: it points to some twenty addresses.
``GEBOORTEDATUM``
    (a) any date - also "12 maart" or "12-03-85" - within the same sentence after a
    birth word (geboren, geb., geboortedatum, geb.datum, verjaardag, jarig, ...); or
    (b) a full numeric date (dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy, yyyy-mm-dd) whose year
    lies between 1900 and the current year minus 14: too old to be a planned meeting,
    and the age from which statushouders are in a caseworker's caseload. Dates written
    with a month name ("op 12 maart", "3 september 2010") are only flagged after a
    birth word, so meeting and arrival dates stay untouched.
``NAAM``
    Person names, from three sources: deduce (a Dutch de-identification library;
    its person annotations only), a rule for a title or role word followed by a
    capitalised word ("mevrouw Haile", "dhr. Tesfay", "mijn klant Yonas"), and a list
    of common first names from the countries statushouders come from
    (``names.txt``, next to this module), which deduce mostly does not know.
    Organisations (COA, UWV, ...), languages, countries, nationalities, months and
    weekdays are never names. A name found once is also redacted wherever it recurs
    as a whole word in the same text.

Text is normalised before matching (NFKC; zero-width, bidi and other format
characters removed), but every span refers to the original text, so
``Scan.redacted(text)`` replaces exactly what was found. Neither a ``Finding`` nor a
``Scan`` keeps any part of the text; nothing here logs the text.

Deduce needs its lookup tables: they ship with the package (no network), but the
first use after install builds a cache inside the package directory (about 80 s);
after that loading takes several seconds. The model is built lazily, once per
process, on the first scan that needs names; call :func:`preload` at start-up to pay
that cost before the first user waits for it.
"""

from __future__ import annotations

import bisect
import gc
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from stdnum import iban as _iban
from stdnum.nl import bsn as _bsn

log = logging.getLogger(__name__)

__all__ = ["KINDS", "ClientDataGuard", "Finding", "Scan", "preload"]

KINDS: tuple[str, ...] = (
    "BSN",
    "TELEFOON",
    "EMAIL",
    "IBAN",
    "POSTCODE_HUISNUMMER",
    "GEBOORTEDATUM",
    "NAAM",
)

PLACEHOLDER: dict[str, str] = {
    "BSN": "[BSN]",
    "TELEFOON": "[TELEFOON]",
    "EMAIL": "[E-MAIL]",
    "IBAN": "[IBAN]",
    "POSTCODE_HUISNUMMER": "[ADRES]",
    "GEBOORTEDATUM": "[GEBOORTEDATUM]",
    "NAAM": "[NAAM]",
}

LABEL: dict[str, str] = {
    "BSN": "een BSN",
    "TELEFOON": "een telefoonnummer",
    "EMAIL": "een e-mailadres",
    "IBAN": "een rekeningnummer (IBAN)",
    "POSTCODE_HUISNUMMER": "een adres",
    "GEBOORTEDATUM": "een geboortedatum",
    "NAAM": "een naam",
}

# When spans of different kinds overlap, the earlier kind wins.
_PRIORITY = {
    k: i
    for i, k in enumerate(
        ("IBAN", "EMAIL", "BSN", "TELEFOON", "GEBOORTEDATUM", "POSTCODE_HUISNUMMER", "NAAM")
    )
}


@dataclass(frozen=True)
class Finding:
    """Where client data was found: a kind and a span of the original text, never the value."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Scan:
    """The findings for one text, in order of position, without overlaps."""

    findings: tuple[Finding, ...]
    length: int = -1  # length of the scanned text, to catch redacting the wrong text

    def __bool__(self) -> bool:
        return bool(self.findings)

    def redacted(self, text: str) -> str:
        """The scanned ``text`` with every finding replaced by its placeholder, e.g. ``[BSN]``."""
        if self.length >= 0 and len(text) != self.length:
            raise ValueError("redacted() needs the same text that was scanned")
        parts: list[str] = []
        pos = 0
        for f in self.findings:
            parts.append(text[pos : f.start])
            parts.append(PLACEHOLDER[f.kind])
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts)

    def kinds(self) -> list[str]:
        """Distinct Dutch labels for telling the user, e.g. ``["een BSN", "een naam"]``."""
        present = {f.kind for f in self.findings}
        return [LABEL[k] for k in KINDS if k in present]

    def kind_codes(self) -> list[str]:
        """Distinct kinds found (``"BSN"``, ``"NAAM"``, ...), in the order of :data:`KINDS`."""
        present = {f.kind for f in self.findings}
        return [k for k in KINDS if k in present]


# --------------------------------------------------------------------------- normalising


def _is_dropped(ch: str) -> bool:
    # Format characters (Cf): zero-width space/joiners, bidi controls, soft hyphen, BOM, ...
    return unicodedata.category(ch) == "Cf"


class _Normalised:
    """NFKC text without format characters, with a map back to the original positions."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, original: str) -> None:
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if original.isascii():
            # ASCII is already NFKC and has no format characters.
            self.text = original
            return
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        n = len(original)
        i = 0
        combining = unicodedata.combining
        while i < n:
            ch = original[i]
            if _is_dropped(ch):
                i += 1
                continue
            j = i + 1
            end = j
            # Keep a base character together with its combining marks, so NFKC can compose
            # them; format characters in between are skipped, trailing ones left out.
            cluster = [ch]
            while j < n and (combining(original[j]) or _is_dropped(original[j])):
                if not _is_dropped(original[j]):
                    cluster.append(original[j])
                    end = j + 1
                j += 1
            piece = "".join(cluster)
            if not piece.isascii():
                piece = unicodedata.normalize("NFKC", piece)
            for c in piece:
                out.append(c)
                starts.append(i)
                ends.append(end)
            i = j
        self.text = "".join(out)
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span of the normalised text to the original text."""
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


# --------------------------------------------------------------------------- word lists

_ORGS = """
COA UWV GGD IND DUO Wmo ZonMw SVB CAK CJIB KNM ROC MBO HBO WO NT2 VWN Vluchtelingenwerk
Gemeente Divosa Participatiewet Inburgering Inburgeringswet Werkplein Werkgever Werkgevers
Jeugdzorg Belastingdienst Toeslagen Sociaal Wijkteam Taalhuis Humanitas Leger Heils
Rode Kruis Randstad Tempo-Team Manpower Albert Heijn Jumbo Lidl Aldi Ikea PostNL NS
Nidos VNG Rijksoverheid Kamer Rabobank ABN AMRO ING SNS ASN Bunq Triodos Knab DigiD
Movisie Pharos Kennisplatform Integratie Samenleving KIS Nuffic SER MKB CBS CWI
Zuyd Fontys Avans Windesheim Inholland Saxion Albeda Zadkine Graafschap
"""
_LANGS_COUNTRIES = """
Nederlands Nederlandse Nederland Nederlander Arabisch Arabische Tigrinya Tigrinia Dari Farsi
Perzisch Pashto Pasjtoe Somalisch Somali Turks Turkse Koerdisch Koerdische Engels Engelse
Frans Franse Duits Duitse Oekraïens Oekraïense Russisch Russische Amhaars Amhaarse
Syrië Syrisch Syrische Syriër Syriërs Eritrea Eritrees Eritrese Eritreeër Eritreeërs
Afghanistan Afghaans Afghaanse Afghaan Afghanen Somalië Somaliër Somaliërs Turkije Turk
Irak Iraaks Iraakse Irakees Iran Iraans Iraanse Iraniër Jemen Jemenitisch Jemenitische
Oekraïne Oekraïner Oekraïners Ethiopië Ethiopisch Soedan Soedanees Libanon Libanees
Jordanië Egypte Marokko Marokkaans Marokkaanse Europa Europees Europese Afrika Azië
Amsterdam Rotterdam Utrecht Den Haag Eindhoven Groningen Tilburg Almere Breda Nijmegen
Arnhem Zwolle Leiden Haarlem Enschede Apeldoorn Amersfoort Maastricht Delft Ter Apel
Islam Islamitisch Islamitische Koran Ramadan Suikerfeest Offerfeest Kerst Kerstmis Pasen
Pinksteren God Allah Christendom Christelijk Moskee Kerk
Aleppo Damascus Homs Idlib Raqqa Daraa Latakia Hama Asmara Massawa Keren Kabul Herat Kandahar
Mazar Jalalabad Mogadishu Hargeisa Kismayo Bagdad Mosul Erbil Basra Teheran Mashhad Shiraz
Sanaa Aden Kyiv Kiev Kharkiv Charkiv Odesa Odessa Lviv Dnipro Khartoum Addis Abeba Istanbul
Ankara Izmir Beiroet Amman Caïro Libië Libisch Tripoli Lampedusa
"""
# Capitalised at the start of a sentence these are ordinary words more often than names;
# deduce's name lists contain them. Elsewhere in a sentence they still count as names.
_AMBIGUOUS_AT_START = frozenset(
    {
        "mark",
        "job",
        "wil",
        "hoop",
        "mei",
        "roos",
        "bas",
        "lies",
        "fleur",
        "storm",
        "zon",
        "sterre",
        "ster",
    }
)
_CALENDAR = """
januari februari maart april mei juni juli augustus september oktober november december
jan feb mrt apr jun jul aug sep sept okt nov dec
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
"""
_WORDS = """
Ik Jij Hij Zij Wij Jullie Het De Een En Maar Want Dus Toen Daarna Vandaag Gisteren Morgen
Mijn Zijn Haar Hun Ons Onze Deze Dit Dat Die Wat Wie Waar Hoe Waarom Wanneer Ook Nog Wel
Meneer Mevrouw Klant Cliënt Client Deelnemer Kandidaat Statushouder Familie Team Werk Taal
Coach Coaching Begeleider Consulent Klantmanager Jobcoach Casemanager Trajectbegeleider
Docent Werkgever Collega Manager Stage Stagiair Vrijwilliger Vrijwilligerswerk Leerwerkplek
NAAM BSN ADRES IBAN TELEFOON GEBOORTEDATUM MAIL E-MAIL Email
"""

_TITLES = (
    r"meneer|mevrouw|mevr|mw|mvr|dhr|hr|heer|juf|juffrouw|klant|klante|cliënt|client|"
    r"cliente|deelnemer|deelneemster|kandidaat|statushouder|familie|zoon|dochter|broer|zus|"
    r"vader|moeder|echtgenoot|echtgenote|partner|buurman|buurvrouw|oom|tante|neef|nicht"
)
_TITLE_SET = frozenset(_TITLES.split("|"))

_PARTICLES = frozenset(
    {
        "al",
        "el",
        "van",
        "de",
        "der",
        "den",
        "ter",
        "ten",
        "te",
        "von",
        "bin",
        "ben",
        "ibn",
        "abu",
        "abd",
        "ould",
        "ag",
        "da",
        "di",
        "du",
        "la",
        "le",
    }
)


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Lower case without accents, to compare words regardless of how they were typed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    words = " ".join((_ORGS, _LANGS_COUNTRIES, _CALENDAR, _WORDS)).split()
    return frozenset(_fold(w) for w in words)


NAMES_FILE = Path(__file__).with_name("names.txt")


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    try:
        lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:  # pragma: no cover - the file ships with the package
        log.warning("privacy: %s missing, first-name list not used", NAMES_FILE.name)
        return frozenset()
    names = (line.split("#", 1)[0].strip() for line in lines)
    return frozenset(_fold(n) for n in names if n)


# --------------------------------------------------------------------------- patterns

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)

# A country code and check digits, then groups of letters/digits with at most one space.
_IBAN_RE = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")

_BSN_RE = re.compile(
    r"(?<![\w.,/+-])(?:\d{9}|\d{3}\.\d{3}\.\d{3}|\d{3} \d{3} \d{3}|\d{4}\.\d{2}\.\d{3}|"
    r"\d{4} \d{2} \d{3}|\d{3}-\d{3}-\d{3})(?![\w]|[.,/-]\d)"
)
_BSN_KEYWORD_RE = re.compile(
    r"\b(?:bsn|burger\s?service\s?nummer|sofi)(?:[\s-]*(?:nummer|nr\.?|no\.?))?"
    r"(?:\s*(?:[:=#]|is|was|van\s+(?:de\s+)?(?:klant|cliënt|client|hem|haar|meneer|mevrouw)))*\s*"
    r"(?P<num>\d(?:[ .-]?\d){7,8})(?![\w]|[.,-]\d)",
    re.IGNORECASE,
)

_SEP = r"[ .\-]?"
_PHONE_RE = re.compile(
    r"(?<![\w+/.,-])(?:"
    r"(?:\+|00)[ ]?31[ ]?(?:\(0\)[ ]?)?[ .\-]?(?P<intl>[1-9](?:" + _SEP + r"\d){8})"
    r"|(?P<area>\(0\d{1,3}\)[ ]?\d(?:" + _SEP + r"\d){4,7})"
    r"|(?P<nat>0[1-9](?:" + _SEP + r"\d){8})"
    r")(?![\w]|[.,\-/]\d)"
)
_DATE_LIKE_RE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)|\d{4}-\d{1,2}-\d{1,2}")
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")

_POSTCODE = r"[1-9]\d{3}[ ]?(?:[A-Z]{2}|[a-z]{2}(?![a-z]))"
_HOUSE_NR = r"\d{1,5}(?:[ ]?-?[ ]?[A-Za-z](?![\w])|[ ]?-[ ]?\d{1,4})?"
_POSTCODE_NR_RE = re.compile(
    r"(?<![\w])"
    + _POSTCODE
    + r"(?:[ ]?,)?[ ]+(?:(?:huis)?n(?:umme)?r\.?[ ]?)?"
    + _HOUSE_NR
    + r"(?![\w]|[.,:/]\d)"
)
_STREET_SUFFIX = (
    r"straat|laan|weg|plein|gracht|kade|singel|dreef|hof|steeg|pad|dijk|park|markt|"
    r"plantsoen|boulevard|allee|baan|erf|veld|wal|haven|ring|oord|burcht|dam|hoven|akker|"
    r"wijk|zoom|brink|kamp|hage|rade|straatweg"
)
_STREET_RE = re.compile(
    r"(?<![\w])(?:[A-Z][\w'-]*[ ])?(?:[A-Z][\w'-]*(?:"
    + _STREET_SUFFIX
    + r"))[ ]+"
    + _HOUSE_NR
    + r"(?:[ ]?,?[ ]?"
    + _POSTCODE
    + r"(?:[ ]+[A-Z][\w'-]+(?:[ ][A-Z][\w'-]+)?)?)?"
    r"(?![\w]|[.,:/]\d)"
)

_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_FULL = "|".join(m for m in _MONTHS if len(m) > 4 or m in ("mei", "juni", "juli"))
_MONTH_ABBR = "|".join(m for m in _MONTHS if len(m) <= 4 and m not in ("mei", "juni", "juli"))
_DATE_NUM_RE = re.compile(
    r"(?<![\w.,/-])(?:(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))(?![\w]|[.,/-]\d)"
)
_DATE_TEXT_RE = re.compile(
    r"(?<![\w])(?P<d>\d{1,2})(?:e|ste|de)?[ ]+"
    r"(?P<m>(?:" + _MONTH_FULL + r")(?![\w])|(?:" + _MONTH_ABBR + r")(?![\w])\.?)"
    r"(?:[ ]+(?:'|’)?(?P<y>\d{4}|\d{2}))?(?![\w])",
    re.IGNORECASE,
)
_BIRTH_WORD_RE = re.compile(
    r"(?:\bgeboren\b|\bgeb\b\.?|\bgeboortedatum\b|\bgeb\.?[ ]?datum\b|\bgebdat\b|"
    r"\bgeboortedag\b|\bverjaardag\b|\bjarig\b|\bdob\b|\bdate of birth\b|\bbirthday\b|"
    r"\bgeboortejaar\b|\bgeb\.?[ ]?dat\b)",
    re.IGNORECASE,
)
_SENTENCE_BREAK_RE = re.compile(r"[!?\n]|\.[ ]+(?=[A-Z])")
_BIRTH_WINDOW = 60

# Word tokens for names: letters, apostrophes and hyphens inside.
_WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
_WORD_RE = re.compile(_WORD)
_TITLE_RE = re.compile(r"(?<![\w])(?:" + _TITLES + r")(?![\w])\.?:?[ ]+", re.IGNORECASE)
_NAME_TOKEN_RE = re.compile(r"(?P<w>" + _WORD + r")")
_SPACE_RE = re.compile(r"[ ]+|[ ]?-[ ]?")


# --------------------------------------------------------------------------- deduce

_DEDUCE_LOCK = threading.Lock()
_DEDUCE: Any = None
_DEDUCE_FAILED = False
_DEDUCE_ENABLED = {
    "names",
    "prefix_with_initial",
    "prefix_with_interfix",
    "prefix_with_name",
    "interfix_with_name",
    "initial_with_name",
    "initial_interfix",
    "first_name_lookup",
    "surname_lookup",
    "eponymous_disease",
    "person_annotation_converter",
    "post_processing",
    "overlap_resolver",
    "merge_adjacent_annotations",
}


def _deduce() -> Any:
    """The shared Deduce model, built on first use; ``None`` if it cannot be loaded."""
    global _DEDUCE, _DEDUCE_FAILED
    if _DEDUCE is not None or _DEDUCE_FAILED:
        return _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None and not _DEDUCE_FAILED:
            try:
                from deduce import Deduce

                model = Deduce()
                # Deduce's lookup tables are millions of long-lived objects; left in the
                # collector's generations, each full collection walks them all (about 3 s,
                # stalling the whole process). Collect once, then freeze what exists now.
                gc.collect()
                gc.freeze()
                _DEDUCE = model
            except Exception:  # pragma: no cover - depends on the installation
                log.exception("privacy: deduce could not be loaded; names from rules only")
                _DEDUCE_FAILED = True
    return _DEDUCE


def preload() -> bool:
    """Build the deduce model now (takes seconds); True when it is available."""
    return _deduce() is not None


# --------------------------------------------------------------------------- the guard


class ClientDataGuard:
    """Finds client data in a text. Cheap to create; the deduce model is shared."""

    def __init__(
        self,
        names: bool = True,
        *,
        use_deduce: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.names = names
        self.use_deduce = use_deduce
        self._clock = clock or (lambda: datetime.now(UTC))

    # -- public

    def scan(self, text: str) -> Scan:
        """Find client data in ``text``. Never raises; the text is neither kept nor logged."""
        if not isinstance(text, str) or not text:
            return Scan((), len(text) if isinstance(text, str) else -1)
        try:
            norm = _Normalised(text)
            spans = self._detect(norm.text)
            findings = []
            for kind, s, e in spans:
                os_, oe = norm.span(s, e)
                if oe > os_:
                    findings.append(Finding(kind, os_, oe))
            return Scan(tuple(findings), len(text))
        except Exception:  # pragma: no cover - a bug must not lose the user's text
            log.exception("privacy: scan failed; treating text as containing client data")
            return Scan((Finding("NAAM", 0, len(text)),), len(text))

    # -- detection on normalised text

    def _detect(self, t: str) -> list[tuple[str, int, int]]:
        spans: list[tuple[str, int, int]] = []
        spans += _find_iban(t)
        spans += _find_email(t)
        spans += _find_bsn(t)
        spans += _find_phone(t)
        spans += _find_dates(t, self._clock().year)
        spans += _find_addresses(t)
        if self.names:
            name_spans = _find_names_by_rules(t)
            if self.use_deduce:
                name_spans += _find_names_by_deduce(t)
            spans += name_spans
        resolved = _resolve(spans)
        resolved = _propagate(t, resolved)
        return resolved


def _find_email(t: str) -> list[tuple[str, int, int]]:
    if "@" not in t:
        return []
    return [("EMAIL", m.start(), m.end()) for m in _EMAIL_RE.finditer(t)]


def _find_iban(t: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _IBAN_RE.finditer(t):
        # The pattern may run on into following words; take the longest valid prefix.
        chars = [(i, c) for i, c in enumerate(m.group(), m.start()) if c != " "]
        compact = "".join(c for _, c in chars).upper()
        for length in range(min(len(compact), 34), 14, -1):
            if _iban.is_valid(compact[:length]):
                out.append(("IBAN", m.start(), chars[length - 1][0] + 1))
                break
    return out


def _find_bsn(t: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _BSN_KEYWORD_RE.finditer(t):
        out.append(("BSN", m.start("num"), m.end("num")))
    for m in _BSN_RE.finditer(t):
        digits = re.sub(r"\D", "", m.group())
        if _bsn.is_valid(digits):
            out.append(("BSN", m.start(), m.end()))
    return out


def _find_phone(t: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _PHONE_RE.finditer(t):
        digits = re.sub(r"\D", "", m.group("intl") or m.group("area") or m.group("nat") or "")
        national = "0" + digits if m.group("intl") else digits
        if len(national) != 10 or national.startswith(_SERVICE_PREFIXES):
            continue
        if m.group("nat") and _DATE_LIKE_RE.match(m.group()):
            continue  # "01-02-2023 12" is a date and a time, not a phone number
        out.append(("TELEFOON", m.start(), m.end()))
    return out


def _valid_date(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _birth_word_before(t: str, start: int) -> bool:
    window = t[max(0, start - _BIRTH_WINDOW) : start]
    breaks = [m.end() for m in _SENTENCE_BREAK_RE.finditer(window)]
    if breaks:
        window = window[breaks[-1] :]
    return _BIRTH_WORD_RE.search(window) is not None


def _find_dates(t: str, current_year: int) -> list[tuple[str, int, int]]:
    out = []
    oldest_birth_year = current_year - 14
    for m in _DATE_NUM_RE.finditer(t):
        if m.group("iy"):
            day, month, ys = int(m.group("id")), int(m.group("im")), m.group("iy")
        else:
            day, month, ys = int(m.group("d")), int(m.group("m")), m.group("y")
        if not _valid_date(day, month):
            continue
        if _birth_word_before(t, m.start()) or (
            len(ys) == 4 and 1900 <= int(ys) <= oldest_birth_year
        ):
            out.append(("GEBOORTEDATUM", m.start(), m.end()))
    for m in _DATE_TEXT_RE.finditer(t):
        if not _valid_date(int(m.group("d")), _MONTHS[m.group("m").rstrip(".").lower()]):
            continue
        if _birth_word_before(t, m.start()):
            out.append(("GEBOORTEDATUM", m.start(), m.end()))
    return out


def _find_addresses(t: str) -> list[tuple[str, int, int]]:
    out = [("POSTCODE_HUISNUMMER", m.start(), m.end()) for m in _POSTCODE_NR_RE.finditer(t)]
    for m in _STREET_RE.finditer(t):
        s = m.start()
        first = _WORD_RE.match(t, s)
        # "Vandaag Kerkstraat 12": drop a leading word that is not part of the street name.
        if first and first.end() < m.end() and _fold(first.group()) in _stop_words():
            nxt = _WORD_RE.search(t, first.end())
            if nxt:
                s = nxt.start()
        out.append(("POSTCODE_HUISNUMMER", s, m.end()))
    return out


def _is_name_word(word: str) -> bool:
    """A capitalised word that could be a name (not an organisation, language, month, ...)."""
    if not word or not word[0].isupper():
        return False
    folded = _fold(word)
    if folded in _stop_words():
        return False
    # acronyms: COA, UWV, HBO
    return not (word.isupper() and len(word) <= 4 and folded not in _first_names())


def _extend_name(t: str, end: int, max_words: int = 2) -> int:
    """Extend a name over following surname words ("Zahra Ahmadi", "Yonas al-Tesfay")."""
    pos = end
    taken = 0
    while taken < max_words:
        sep = _SPACE_RE.match(t, pos)
        if not sep or sep.end() == pos:
            break
        p = sep.end()
        # particles: "van der", "al", "bin"
        q = p
        particles = 0
        while particles < 3:
            w = _WORD_RE.match(t, q)
            if not w or _fold(w.group()) not in _PARTICLES:
                break
            s2 = _SPACE_RE.match(t, w.end())
            if not s2 or s2.end() == w.end():
                break
            q = s2.end()
            particles += 1
        w = _WORD_RE.match(t, q)
        if not w or not _is_name_word(w.group()):
            break
        pos = w.end()
        taken += 1
    return pos


def _find_names_by_rules(t: str) -> list[tuple[str, int, int]]:
    out = []
    # 1. title or role word + capitalised word: "mevrouw Haile", "klant Yonas", "dhr. Al-Hassan"
    for m in _TITLE_RE.finditer(t):
        p = m.end()
        particles = 0
        start = p
        while particles < 3:
            w = _WORD_RE.match(t, p)
            if not w or _fold(w.group()) not in _PARTICLES:
                break
            s2 = _SPACE_RE.match(t, w.end())
            if not s2 or s2.end() == w.end():
                break
            p = s2.end()
            particles += 1
        w = _WORD_RE.match(t, p)
        if w and _is_name_word(w.group()):
            out.append(("NAAM", start, _extend_name(t, w.end())))
    # 2. a capitalised first name from the list of common names
    first_names = _first_names()
    for w in _WORD_RE.finditer(t):
        word = w.group()
        if (
            word[0].isupper()
            and _fold(word) in first_names
            and _boundary_ok(t, w.start(), w.end())
            and (not word.isupper() or len(word) > 2)
        ):
            out.append(("NAAM", w.start(), _extend_name(t, w.end())))
    return out


_CHUNK_RE = re.compile(r"[^.!?\n]*[.!?\n]*")


def _mask_for_deduce(t: str) -> str | None:
    """Blank out sentences without a capital letter: deduce finds no names there, and
    its cost grows with the number of tokens. Offsets stay the same. ``None``: nothing left."""
    if t == t.lower():
        return None
    parts = []
    kept = False
    for m in _CHUNK_RE.finditer(t):
        chunk = m.group()
        if not chunk:
            continue
        if chunk != chunk.lower():
            parts.append(chunk)
            kept = True
        else:
            parts.append(" " * len(chunk))
    return "".join(parts) if kept else None


def _find_names_by_deduce(t: str) -> list[tuple[str, int, int]]:
    model = _deduce()
    if model is None:
        return []
    masked = _mask_for_deduce(t)
    if masked is None:
        return []
    try:
        doc = model.deidentify(masked, enabled=_DEDUCE_ENABLED)
    except Exception:
        log.warning("privacy: deduce failed on a text; names from rules only")
        return []
    out = []
    for a in doc.annotations:
        tag = str(a.tag).lower()
        if "persoon" not in tag and "patient" not in tag:
            continue
        s, e = a.start_char, a.end_char
        # Drop leading title words ("Mevrouw Haile" -> "Haile") and keep only spans that
        # contain a real name word.
        words = list(_WORD_RE.finditer(t, s, e))
        while words and _fold(words[0].group()) in _TITLE_SET:
            words.pop(0)
            if words:
                s = words[0].start()
        if not words:
            continue
        if not any(_is_name_word(w.group()) for w in words):
            continue
        if (
            len(words) == 1
            and _fold(words[0].group()) in _AMBIGUOUS_AT_START
            and _at_sentence_start(t, words[0].start())
        ):
            continue
        out.append(("NAAM", s, e))
    return out


def _at_sentence_start(t: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and t[i] in " \t\"'‘“(":
        i -= 1
    return i < 0 or t[i] in ".!?:;\n\r"


def _resolve(spans: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Merge overlapping spans of one kind; between kinds the higher-priority one wins."""
    merged: dict[str, list[list[int]]] = {}
    for kind, s, e in sorted(spans, key=lambda x: (x[0], x[1], -x[2])):
        if e <= s:
            continue
        lst = merged.setdefault(kind, [])
        if lst and s < lst[-1][1]:
            lst[-1][1] = max(lst[-1][1], e)
        else:
            lst.append([s, e])
    candidates = [(k, s, e) for k, lst in merged.items() for s, e in lst]
    candidates.sort(key=lambda x: (_PRIORITY[x[0]], x[1]))
    taken: list[tuple[str, int, int]] = []
    starts: list[int] = []  # sorted starts of taken spans, for overlap checks
    for kind, s, e in candidates:
        i = bisect.bisect_left(starts, s)
        if i > 0 and taken[i - 1][2] > s:
            continue
        if i < len(starts) and starts[i] < e:
            continue
        starts.insert(i, s)
        taken.insert(i, (kind, s, e))
    return taken


def _boundary_ok(t: str, s: int, e: int) -> bool:
    return (s == 0 or not t[s - 1].isalnum()) and (e == len(t) or not t[e].isalnum())


def _propagate(t: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Also mark other whole-word occurrences of every value that was found."""
    if not spans:
        return spans
    lowered = t.lower()
    same_length = len(lowered) == len(t)
    values: dict[tuple[str, bool], str] = {}
    for kind, s, e in spans:
        value = t[s:e]
        if kind == "NAAM" and same_length:
            values.setdefault((value.lower(), True), kind)
        else:
            values.setdefault((value, False), kind)
    extra = []
    for (value, folded), kind in values.items():
        hay = lowered if folded else t
        pos = hay.find(value)
        while pos != -1:
            end = pos + len(value)
            if _boundary_ok(t, pos, end):
                extra.append((kind, pos, end))
            pos = hay.find(value, pos + 1)
    if not extra:
        return spans
    return _resolve(spans + extra)
