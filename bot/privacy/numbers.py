"""Detectors for numbers and addresses: BSN, V-nummer, phone numbers of any country,
IBAN, e-mail, postcode + house number, street + house number, dates of birth.

Each finder takes normalised text and returns ``(kind, start, end)`` spans.
"""

from __future__ import annotations

import bisect
import re

import phonenumbers
from stdnum import iban as _iban
from stdnum.nl import bsn as _bsn

from bot.privacy.lists import word_lists
from bot.privacy.normalise import fold
from bot.privacy.tokens import WORD_RE, Span, Tokens, matches_at

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
# "[A-Z](?<![\w][A-Z])(?:[\w'-]*[ ][A-Z])?[\w'-]*" is "(?<![\w])(?:[A-Z][\w'-]*[ ])?[A-Z][\w'-]*"
# (a street name of one or two words), written to start with a capital: a search then
# skips ahead to capitals fast.
_STREET_RE = re.compile(
    r"[A-Z](?<![\w][A-Z])(?:[\w'-]*[ ][A-Z])?(?:[\w'-]*(?:"
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


def _tokens(t: str, tokens: Tokens | None) -> Tokens:
    return tokens if tokens is not None and tokens.text is t else Tokens(t, word_lists())


def _signs(t: str, tokens: Tokens) -> list[int]:
    """Where a pattern that starts with a digit (after no letter or digit), "+" or "(" can
    start, in order."""
    if "+" not in t and "(" not in t:
        return tokens.digits
    return sorted(tokens.digits + [m.start() for m in _SIGN_RE.finditer(t)])


_SIGN_RE = re.compile(r"[+(]")


def find_email(t: str) -> list[tuple[str, int, int]]:
    if "@" not in t:
        return []
    return [("EMAIL", m.start(), m.end()) for m in _EMAIL_RE.finditer(t)]


# two digits after two letters that follow no letter, digit or _: where an IBAN starts,
# two characters before (a search for a digit first skips ahead fast)
_IBAN_HINT_RE = re.compile(r"\d\d(?<=(?<!\w)[A-Za-z]{2}\d\d)")


def find_iban(t: str) -> list[tuple[str, int, int]]:
    out = []
    starts = [m.start() - 2 for m in _IBAN_HINT_RE.finditer(t)]
    for m in matches_at(_IBAN_RE, t, starts):
        # The pattern may run on into following words; take the longest valid prefix.
        chars = [(i, c) for i, c in enumerate(m.group(), m.start()) if c != " "]
        compact = "".join(c for _, c in chars).upper()
        checks = _mod97_prefixes(compact)
        for length in range(min(len(compact), 34), 14, -1):
            # the ISO 7064 check first (cheap), then stdnum's full check
            if checks[length] == 1 and _iban.is_valid(compact[:length]):
                out.append(("IBAN", m.start(), chars[length - 1][0] + 1))
                break
    return out


def _mod97_prefixes(compact: str) -> list[int]:
    """For every length L, the ISO 7064 mod 97 checksum of the IBAN ``compact[:L]`` (its
    first four characters moved to the end, letters as 10-35); a valid IBAN has 1."""

    def digits(s: str) -> str:
        return "".join(str(int(c, 36)) for c in s)

    head = digits(compact[:4])
    factor = pow(10, len(head), 97)
    tail = int(head) % 97 if head else 0
    out = [-1] * (len(compact) + 1)
    r = 0
    for i in range(4, len(compact)):
        v = int(compact[i], 36)
        r = (r * (100 if v > 9 else 10) + v) % 97
        out[i + 1] = (r * factor + tail) % 97
    return out


def find_bsn(t: str, tokens: Tokens | None = None) -> list[tuple[str, int, int]]:
    toks = _tokens(t, tokens)
    out = []
    words = [p for p, _ in toks.find((), folded=True, prefixes=("bsn", "burger", "sofi"))]
    for m in matches_at(_BSN_KEYWORD_RE, t, words):
        out.append(("BSN", m.start("num"), m.end("num")))
    for m in matches_at(_BSN_RE, t, toks.digits):
        digits = re.sub(r"\D", "", m.group())
        if _bsn.is_valid(digits):
            out.append(("BSN", m.start(), m.end()))
    return out


def find_phone(t: str, tokens: Tokens | None = None) -> list[tuple[str, int, int]]:
    out = []
    for m in matches_at(_PHONE_RE, t, _signs(t, _tokens(t, tokens))):
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


def find_dates(
    t: str, current_year: int, tokens: Tokens | None = None
) -> list[tuple[str, int, int]]:
    digits = _tokens(t, tokens).digits
    out = []
    oldest_birth_year = current_year - 14
    for m in matches_at(_DATE_NUM_RE, t, digits):
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
    for m in matches_at(_DATE_TEXT_RE, t, digits):
        if not _valid_date(int(m.group("d")), _MONTHS[m.group("m").rstrip(".").lower()]):
            continue
        if _birth_word_before(t, m.start()):
            out.append(("GEBOORTEDATUM", m.start(), m.end()))
    return out


def find_addresses(t: str, tokens: Tokens | None = None) -> list[tuple[str, int, int]]:
    digits = _tokens(t, tokens).digits
    out = [
        ("POSTCODE_HUISNUMMER", m.start(), m.end()) for m in matches_at(_POSTCODE_NR_RE, t, digits)
    ]
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


# where _VNR_KEYWORD_RE can start: these words, folded, or words that begin so
_VNR_WORDS = frozenset(("v", "nummer"))
_VNR_PREFIXES = ("vnummer", "vnr", "vreemdelingen", "ind")


def find_vnummer(t: str, tokens: Tokens | None = None) -> list[Span]:
    toks = _tokens(t, tokens)
    out: list[Span] = []
    words = [p for p, _ in toks.find(_VNR_WORDS, folded=True, prefixes=_VNR_PREFIXES)]
    keywords = [m.start() for m in matches_at(_VNR_KEYWORD_RE, t, words)]
    if keywords:
        sentences = _Sentences(t)
        bounds = [sentences.bounds(k) for k in keywords]
        # both ends grow with the keyword's position, so the last sentence that starts at
        # or before a number reaches furthest
        firsts = [s for s, _ in bounds]
        for m in matches_at(_VNR_RE, t, toks.digits):
            i = bisect.bisect_right(firsts, m.start()) - 1
            if i >= 0 and m.start() < bounds[i][1]:
                out.append(("VNUMMER", m.start(), m.end()))
    for m in matches_at(_VNR_BARE_RE, t, toks.digits):
        # ten digits in one block that do not start with 0 are no Dutch phone number
        out.append(("VNUMMER", m.start(), m.end()))
    return out


class _Sentences:
    """Where the sentence around a position starts and ends: after the last ". ", "? " or
    newline before it, up to the first one from it (found once, looked up by bisection)."""

    def __init__(self, t: str) -> None:
        self.length = len(t)
        self.marks = {sep: [m.start() for m in re.finditer(re.escape(sep), t)] for sep in _BREAKS}

    def bounds(self, pos: int) -> tuple[int, int]:
        last = -1
        first = self.length
        for sep, marks in self.marks.items():
            # the last mark that ends at or before pos (as str.rfind(sep, 0, pos))
            i = bisect.bisect_right(marks, pos - len(sep)) - 1
            if i >= 0:
                last = max(last, marks[i])
            j = bisect.bisect_left(marks, pos)  # the first at or after pos (str.find)
            if j < len(marks):
                first = min(first, marks[j])
        return (last + 1 if last >= 0 else 0), first


_BREAKS = (". ", "\n", "? ")


# --------------------------------------------------------------------------- other countries

_INTL_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)[ ]?[1-9]\d{0,2}(?:[ .\-]?\(?\d+\)?){2,8}")


def find_foreign_phone(t: str, tokens: Tokens | None = None) -> list[Span]:
    """Phone numbers with a country code (+963, 00251, ...) that ``phonenumbers`` accepts."""
    out: list[Span] = []
    if "+" not in t and "00" not in t:
        return out
    # where "+" or "00" after no letter or digit starts
    starts = [p for p in _signs(t, _tokens(t, tokens)) if t[p] == "+" or t.startswith("00", p)]
    for m in matches_at(_INTL_PHONE_RE, t, starts):
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
