"""Quasi-identifiers: facts that together narrow a text down to one person.

A text is scored by the distinct kinds of fact it holds about a person: town,
nationality or country of origin, family composition, employer, street, exact age,
a rare profession, a full date. Three or more kinds together (or a name with one or
more) make a person recognisable even without a name; the user gets the reason in
one line, e.g. "woonplaats, nationaliteit en werkgever samen maken iemand herkenbaar".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.privacy.lists import WordLists, word_lists
from bot.privacy.tokens import NATIONALITY, RARE_JOB, Span, Tokens, matches_at

THRESHOLD = 3
_FACT_BITS = NATIONALITY | RARE_JOB

LABELS = {
    "NAAM": "naam",
    "WOONPLAATS": "woonplaats",
    "NATIONALITEIT": "nationaliteit",
    "GEZIN": "gezin",
    "WERKGEVER": "werkgever",
    "STRAAT": "straat",
    "LEEFTIJD": "leeftijd",
    "BEROEP": "beroep",
}
_ORDER = tuple(LABELS)

_COUNT = r"(?:\d{1,2}|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)"
_FAMILY_RE = re.compile(
    r"\b(?:" + _COUNT + r"[ ]+(?:jonge[ ]+|kleine[ ]+)?(?:kinderen|kids|zonen|dochters|zoons|"
    r"kleinkinderen|zoon|dochter|kind)\b|(?:vader|moeder)[ ]+van[ ]+" + _COUNT + r"\b|"
    r"weduwe|weduwnaar|alleenstaande[ ]+(?:moeder|vader|man|vrouw)|tweeling|"
    r"(?:vader|moeder)[ ]+van[ ]+een[ ]+baby|zoon[ ]+van[ ]+\d{1,2}|dochter[ ]+van[ ]+\d{1,2}|"
    r"(?:getrouwd|gescheiden),)",
    re.IGNORECASE,
)
# where _FAMILY_RE can start, besides a digit: its first words, folded
_FAMILY_FIRST_WORDS = frozenset(
    "een twee drie vier vijf zes zeven acht negen tien elf twaalf vader moeder "
    "alleenstaande zoon dochter getrouwd gescheiden".split()
)
_FAMILY_PREFIXES = ("weduw", "tweeling")  # "weduwe" and "tweeling" also begin longer words
_AGE_RE = re.compile(
    r"(?<![\w,.])(?:(?P<a>\d{2})[ ]*(?:jaar(?:[ ]+oud)?|jr\.?)(?![\w])|"
    r"(?<=van )(?P<b>\d{2})(?![\w]|[ ]*(?:euro|uur|minuten|procent|%|kilo|km|cm))|"
    r"(?<=, )(?P<c>\d{2})(?=,)|(?P<d>\d{2})-jarige?|(?<=\()(?P<e>\d{2})(?=\)))"
)


@dataclass(frozen=True)
class Combination:
    """What a text combines about a person; ``kinds`` in a fixed order."""

    kinds: tuple[str, ...]
    spans: tuple[Span, ...]  # the facts that identify (WOONPLAATS, WERKGEVER, ...)

    @property
    def identifying(self) -> bool:
        named = "NAAM" in self.kinds
        return len(self.kinds) >= THRESHOLD or (named and len(self.kinds) >= 2)

    @property
    def without_name(self) -> bool:
        """Identifying through the facts alone (reported as ``COMBINATIE``)."""
        return len([k for k in self.kinds if k != "NAAM"]) >= THRESHOLD

    @property
    def reason(self) -> str:
        labels = [LABELS[k] for k in self.kinds]
        if len(labels) < 2:
            return ""
        return f"{', '.join(labels[:-1])} en {labels[-1]} samen maken iemand herkenbaar"


def find_facts(t: str, lists: WordLists | None = None, tokens: Tokens | None = None) -> list[Span]:
    """Nationality, family, age and profession spans (places and employers come from places)."""
    lists = lists or word_lists()
    toks = tokens if tokens is not None else Tokens(t, lists)
    out: list[Span] = []
    words, classes = toks.words, toks.classes
    for i, c in enumerate(classes):
        if not c & _FACT_BITS:
            continue
        if c & NATIONALITY and words[i][0].isupper():
            out.append(("NATIONALITEIT", toks.starts[i], toks.ends[i]))
        elif c & RARE_JOB:
            out.append(("BEROEP", toks.starts[i], toks.ends[i]))
    # Both patterns are tried only where they can start: at a digit after no letter or
    # digit, or at a word they start with (as finditer would, without trying every place).
    family = toks.find(_FAMILY_FIRST_WORDS, folded=True, prefixes=_FAMILY_PREFIXES)
    starts = sorted(set(toks.digits).union(p for p, _ in family))
    out += [("GEZIN", m.start(), m.end()) for m in matches_at(_FAMILY_RE, t, starts)]
    for m in matches_at(_AGE_RE, t, toks.digits):
        g = next(x for x in ("a", "b", "c", "d", "e") if m.group(x))
        if 16 <= int(m.group(g)) <= 99:
            out.append(("LEEFTIJD", m.start(), m.end()))
    return out


_NUMBER_RE = re.compile(
    r"\b(?:\d{1,2}|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)\b", re.IGNORECASE
)


def generalise(t: str, facts: list[Span]) -> list[Span]:
    """The spans redaction replaces in a text whose ``facts`` identify a person together.

    Each fact is generalised rather than removed where that is enough: the number in
    "4 kinderen" or "vader van 3" becomes "[aantal]" (that there are children stays), other
    family facts ("weduwe", "alleenstaande moeder") "[gezin]"; a nationality, town,
    employer, street, exact age or rare profession becomes its placeholder. Outside an
    identifying combination nothing of this is touched ("Ze heeft 4 kinderen." stays).
    """
    out: list[Span] = []
    for kind, s, e in facts:
        if kind == "GEZIN":
            number = _NUMBER_RE.search(t, s, e)
            if number is not None:
                out.append(("AANTAL", number.start(), number.end()))
                continue
            if t[e - 1] == ",":  # "getrouwd," keeps its comma
                e -= 1
            while e < len(t) and t[e].isalpha():  # "tweelingen": the whole word
                e += 1
        out.append((kind, s, e))
    return out


def combine(facts: list[Span], named: bool) -> Combination:
    kinds = {k for k, _, _ in facts}
    if named:
        kinds.add("NAAM")
    return Combination(tuple(k for k in _ORDER if k in kinds), tuple(facts))
