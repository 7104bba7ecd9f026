"""Places, streets and employers: facts that narrow who a person is.

On their own they are not client data ("de Lidl in Zwolle zoekt mensen"); the guard
reports them only beside a name or as part of a combination (see ``combinations``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.privacy.lists import WordLists, word_lists
from bot.privacy.normalise import fold
from bot.privacy.tokens import WORD_RE, Span, Tokens, matches_at

_TOWN_CUE_RE = re.compile(
    r"(?:\b(?:uit|in|te|naar|rond|nabij|woont in|wonend in|woonachtig in|gemeente)[ ]+)"
    r"(?P<p>[A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+)?)"
)
_STREET_SUFFIX = (
    r"straat|laan|weg|plein|gracht|kade|singel|dreef|hof|steeg|pad|dijk|markt|"
    r"plantsoen|boulevard|allee|baan|erf|wal|haven|ring|oord|dam|hoven|akker|zoom|brink|"
    r"straatweg"
)
# Patterns start with a character or literal and check what lies before it afterwards
# ("[A-Z](?<![\w][A-Z])" is "(?<![\w])[A-Z]"): a search then skips ahead to candidates fast.
_STREET_RE = re.compile(r"[A-Z](?<![\w][A-Z])[a-zà-ÿ'-]*(?:" + _STREET_SUFFIX + r")(?![\w])")
_AT_STREET_RE = re.compile(r"(?:aan(?<!\waan)|op(?<!\wop))[ ]+de[ ]+(?P<s>[A-Z][a-zà-ÿ]+)(?![\w])")
_EMPLOYER_CUE_RE = re.compile(
    r"\b(?:werkt|werkte|werken|werkzaam|begint|begon|stage|baan|solliciteert|aangenomen|"
    r"chauffeur|schoonmaker|schoonmaakster|medewerker|monteur|lasser|kok)[ ]+(?:nu[ ]+)?"
    r"(?:bij|in)[ ]+(?:de[ ]+|het[ ]+)?(?P<e>[A-Z][\w'’&-]*(?:\.[a-z]+)?(?:[ ][A-Z][\w'’&-]*){0,3})"
)


_LETTERS_RE = re.compile(r"[^\W\d_]+")
_EMPLOYER_CUES = frozenset(
    "werkt werkte werken werkzaam begint begon stage baan solliciteert aangenomen chauffeur "
    "schoonmaker schoonmaakster medewerker monteur lasser kok".split()
)


@lru_cache(maxsize=4)
def _employer_index(employers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The employers by their first letters ("Albert Heijn" under "Albert"), longest first."""
    index: dict[str, list[str]] = {}
    for e in employers:
        first = _LETTERS_RE.match(e)
        if first is not None:  # every list entry starts with a letter
            index.setdefault(first.group(), []).append(e)
    return {k: tuple(v) for k, v in index.items()}


def _is_word_char(t: str, i: int) -> bool:
    """``t[i]`` matches ``\\w`` (a letter, digit or underscore); False outside ``t``."""
    return 0 <= i < len(t) and (t[i].isalnum() or t[i] == "_")


# the words _TOWN_CUE_RE starts with: it is tried only where one of them stands
_TOWN_CUES = frozenset("uit in te naar rond nabij woont wonend woonachtig gemeente".split())


def find_towns(t: str, lists: WordLists | None = None, tokens: Tokens | None = None) -> list[Span]:
    lists = lists or word_lists()
    toks = tokens if tokens is not None else Tokens(t, lists)
    out: list[Span] = []
    for m in matches_at(_TOWN_CUE_RE, t, [p for p, _ in toks.find(_TOWN_CUES)]):
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


def find_employers(
    t: str, lists: WordLists | None = None, tokens: Tokens | None = None
) -> list[Span]:
    lists = lists or word_lists()
    toks = tokens if tokens is not None else Tokens(t, lists)
    out = listed_employers(t, lists, toks)
    cues = [p for p, _ in toks.find(_EMPLOYER_CUES)]
    for m in matches_at(_EMPLOYER_CUE_RE, t, cues):
        words = list(WORD_RE.finditer(t, m.start("e"), m.end("e")))
        if words and fold(words[0].group()) not in lists.places:
            out.append(("WERKGEVER", m.start("e"), m.end("e")))
    return out


def listed_employers(t: str, lists: WordLists, tokens: Tokens) -> list[Span]:
    """Every listed employer, as written, with no letter, digit or _ on either side; where
    two overlap the first wins, and of those starting at one place the longest (as a search
    for the alternation of all of them, longest first, would find)."""
    out: list[Span] = []
    index = _employer_index(lists.employers)
    reach = 0
    for pos, key in tokens.find(index):
        if pos < reach or _is_word_char(t, pos - 1):
            continue
        for e in index[key]:
            end = pos + len(e)
            if t.startswith(e, pos) and not _is_word_char(t, end):
                out.append(("WERKGEVER", pos, end))
                reach = end
                break
    return out
