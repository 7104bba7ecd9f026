"""Detectors for numbers and addresses: BSN, V-nummer, phone numbers of any country,
IBAN, e-mail, postcode + house number, street + house number, dates of birth.

Each finder takes normalised text and returns ``(kind, start, end)`` spans.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban as _iban
from stdnum.nl import bsn as _bsn

from bot.privacy.lists import word_lists
from bot.privacy.normalise import fold

Span = tuple[str, int, int]

# Word tokens: letters, apostrophes and hyphens inside.
WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
WORD_RE = re.compile(WORD)

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
_BIRTHWORD_RE = re.compile(
    r"(?:\bgeboren\b|\bgeb\b\.?|\bgeboortedatum\b|\bgeb\.?[ ]?datum\b|\bgebdat\b|"
    r"\bgeboortedag\b|\bverjaardag\b|\bjarig\b|\bdob\b|\bdate of birth\b|\bbirthday\b|"
    r"\bgeboortejaar\b|\bgeb\.?[ ]?dat\b)",
    re.IGNORECASE,
)
_SENTENCE_BREAK_RE = re.compile(r"[!?\n]|\.[ ]+(?=[A-Z])")
_BIRTH_WINDOW = 60


def find_email(t: str) -> list[tuple[str, int, int]]:
    if "@" not in t:
        return []
    return [("EMAIL", m.start(), m.end()) for m in _EMAIL_RE.finditer(t)]


def find_iban(t: str) -> list[tuple[str, int, int]]:
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


def find_bsn(t: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _BSN_KEYWORD_RE.finditer(t):
        out.append(("BSN", m.start("num"), m.end("num")))
    for m in _BSN_RE.finditer(t):
        digits = re.sub(r"\D", "", m.group())
        if _bsn.is_valid(digits):
            out.append(("BSN", m.start(), m.end()))
    return out


def find_phone(t: str) -> list[tuple[str, int, int]]:
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
    return _BIRTHWORD_RE.search(window) is not None


def find_dates(t: str, current_year: int) -> list[tuple[str, int, int]]:
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


def find_addresses(t: str) -> list[tuple[str, int, int]]:
    out = [("POSTCODE_HUISNUMMER", m.start(), m.end()) for m in _POSTCODE_NR_RE.finditer(t)]
    for m in _STREET_RE.finditer(t):
        s = m.start()
        first = WORD_RE.match(t, s)
        # "Vandaag Kerkstraat 12": drop a leading word that is not part of the street name.
        if first and first.end() < m.end() and fold(first.group()) in word_lists().never_names:
            nxt = WORD_RE.search(t, first.end())
            if nxt:
                s = nxt.start()
        out.append(("POSTCODE_HUISNUMMER", s, m.end()))
    return out


# --------------------------------------------------------------------------- V-nummer

# The IND's vreemdelingennummer: ten digits, written whole or in groups.
_VNR_DIGITS = r"\d(?:[ .\-]?\d){9}"
_VNR_KEYWORD_RE = re.compile(
    r"\b(?:v[ .\-]?(?:nummer|nr\b\.?)|vnummer|vnr\b\.?|vreemdelingen[ \-]?(?:nummer|nr\b\.?)"
    r"|nummer bij de ind|ind[ \-]?nummer)",
    re.IGNORECASE,
)
_VNR_RE = re.compile(r"(?<![\w.,/+-])" + _VNR_DIGITS + r"(?![\w]|[.,/-]\d)")
_VNR_BARE_RE = re.compile(r"(?<![\w.,/+-])[1-9]\d{9}(?![\w]|[.,/-]\d)")


def find_vnummer(t: str) -> list[Span]:
    out: list[Span] = []
    keyword_sentences = [_sentence_bounds(t, m.start()) for m in _VNR_KEYWORD_RE.finditer(t)]
    for m in _VNR_RE.finditer(t):
        if any(s <= m.start() < e for s, e in keyword_sentences):
            out.append(("VNUMMER", m.start(), m.end()))
    for m in _VNR_BARE_RE.finditer(t):
        # ten digits in one block that do not start with 0 are no Dutch phone number
        out.append(("VNUMMER", m.start(), m.end()))
    return out


def _sentence_bounds(t: str, pos: int) -> tuple[int, int]:
    s = max(t.rfind(". ", 0, pos), t.rfind("\n", 0, pos), t.rfind("? ", 0, pos))
    ends = [i for i in (t.find(". ", pos), t.find("\n", pos), t.find("? ", pos)) if i != -1]
    return (s + 1 if s >= 0 else 0), (min(ends) if ends else len(t))


# --------------------------------------------------------------------------- other countries

_INTL_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)[ ]?[1-9]\d{0,2}(?:[ .\-]?\(?\d+\)?){2,8}")


def find_foreign_phone(t: str) -> list[Span]:
    """Phone numbers with a country code (+963, 00251, ...) that ``phonenumbers`` accepts."""
    out: list[Span] = []
    if "+" not in t and "00" not in t:
        return out
    for m in _INTL_PHONE_RE.finditer(t):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("00"):
            digits = digits[2:]
        if not 8 <= len(digits) <= 15:
            continue
        try:
            num = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num) or phonenumbers.is_possible_number(num):
            out.append(("TELEFOON", m.start(), m.end()))
    return out
