"""Places, streets and employers: facts that narrow who a person is.

On their own they are not client data ("de Lidl in Zwolle zoekt mensen"); the guard
reports them only beside a name or as part of a combination (see ``combinations``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.privacy.lists import WordLists, word_lists
from bot.privacy.normalise import fold
from bot.privacy.numbers import WORD_RE, Span

_TOWN_CUE_RE = re.compile(
    r"(?:\b(?:uit|in|te|naar|rond|nabij|woont in|wonend in|woonachtig in|gemeente)[ ]+)"
    r"(?P<p>[A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+)?)"
)
_STREET_SUFFIX = (
    r"straat|laan|weg|plein|gracht|kade|singel|dreef|hof|steeg|pad|dijk|markt|"
    r"plantsoen|boulevard|allee|baan|erf|wal|haven|ring|oord|dam|hoven|akker|zoom|brink|"
    r"straatweg"
)
_STREET_RE = re.compile(r"(?<![\w])[A-Z][a-zà-ÿ'-]*(?:" + _STREET_SUFFIX + r")(?![\w])")
_AT_STREET_RE = re.compile(r"\b(?:aan|op)[ ]+de[ ]+(?P<s>[A-Z][a-zà-ÿ]+)(?![\w])")
_EMPLOYER_CUE_RE = re.compile(
    r"\b(?:werkt|werkte|werken|werkzaam|begint|begon|stage|baan|solliciteert|aangenomen|"
    r"chauffeur|schoonmaker|schoonmaakster|medewerker|monteur|lasser|kok)[ ]+(?:nu[ ]+)?"
    r"(?:bij|in)[ ]+(?:de[ ]+|het[ ]+)?(?P<e>[A-Z][\w'’&-]*(?:\.[a-z]+)?(?:[ ][A-Z][\w'’&-]*){0,3})"
)


@lru_cache(maxsize=4)
def _employer_re(employers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(e) for e in employers) + r")(?![\w])")


def find_towns(t: str, lists: WordLists | None = None) -> list[Span]:
    lists = lists or word_lists()
    out: list[Span] = []
    for m in _TOWN_CUE_RE.finditer(t):
        phrase = m.group("p")
        folded = fold(phrase)
        if folded in lists.places:
            out.append(("WOONPLAATS", m.start("p"), m.end("p")))
            continue
        first = phrase.split(" ")[0]
        if fold(first) in lists.places:
            out.append(("WOONPLAATS", m.start("p"), m.start("p") + len(first)))
    return out


def find_streets(t: str, lists: WordLists | None = None) -> list[Span]:
    lists = lists or word_lists()
    out = [("STRAAT", m.start(), m.end()) for m in _STREET_RE.finditer(t)]
    for m in _AT_STREET_RE.finditer(t):
        if fold(m.group("s")) not in lists.never_names:
            out.append(("STRAAT", m.start("s"), m.end("s")))
    return out


def find_employers(t: str, lists: WordLists | None = None) -> list[Span]:
    lists = lists or word_lists()
    out: list[Span] = []
    for m in _employer_re(lists.employers).finditer(t):
        out.append(("WERKGEVER", m.start(), m.end()))
    for m in _EMPLOYER_CUE_RE.finditer(t):
        words = list(WORD_RE.finditer(t, m.start("e"), m.end("e")))
        if words and fold(words[0].group()) not in lists.places:
            out.append(("WERKGEVER", m.start("e"), m.end("e")))
    return out
