"""One pass over the words of a text, shared by the detectors of one scan.

Every detector used to run its own word regex and fold every word again; a scan now
splits the text into words once (:class:`Tokens`) and looks each distinct word up once
in the word lists (:func:`word_class`, a bitmask cached per word). A 100,000-character
text has about 16,000 words but only a few thousand distinct ones.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from typing import cast

from bot.privacy.lists import WordLists
from bot.privacy.normalise import fold

Span = tuple[str, int, int]  # (kind, start, end)

# Words: letters, with single apostrophes and hyphens inside.
WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
WORD_RE = re.compile(WORD)

__all__ = [
    "CANDIDATE",
    "DUTCH",
    "JOINED",
    "LISTED",
    "NATIONALITY",
    "NEVER",
    "PARTICLE",
    "PARTICLES",
    "PLACE",
    "PREFIXED",
    "RARE_JOB",
    "TITLE",
    "TITLES",
    "WORD_RE",
    "Span",
    "Tokens",
    "matches_at",
    "word_class",
]

# Bits of word_class(); "folded" is the word without a possessive 's, folded.
NEVER = 1  # never a name: organisation, language, country, nationality, employer, ...
TITLE = 2  # a title or role before a name: mevr., dhr., klant, ...
PARTICLE = 4  # a name particle: van, de, el, bin, ...
LISTED = 8  # on a list of given names or surnames
DUTCH = 16  # an ordinary Dutch word
PLACE = 32  # a Dutch town, municipality, region or province
NATIONALITY = 64  # the word itself (possessive kept) is a nationality
RARE_JOB = 128  # the word, or its last hyphenated part, is a rare profession
JOINED = 256  # the word has an apostrophe or hyphen inside ("El-Amin", "Ahmed's")
# Worth a look by the name rules: capitalised, or a listed name in lower case that is no
# Dutch word ("met ali"); never a title, particle or never-name.
CANDIDATE = 512
# A name with a particle joined in front: "al-Hashimi", "el-Amin", "bin-Salem"; counts as
# capitalised.
PREFIXED = 1024
_PREFIXED_RE = re.compile(r"(?:al|el|ul|bin|ben|ibn|abu|abd|ould)[-'’][A-Z]", re.IGNORECASE)

# Words before a name that make it a name ("mevr. Bakker", "klant Roos").
TITLES = frozenset(
    "meneer mevrouw mevr mw mvr dhr hr heer juf juffrouw klant klante cliënt client "
    "cliente cliënte deelnemer deelneemster kandidaat statushouder zoon dochter broer zus "
    "vader moeder echtgenoot echtgenote partner buurman buurvrouw oom tante neef nicht "
    "collega mr dr".split()
)
# Particles inside a name: "van der", "el", "bin", "ould".
PARTICLES = frozenset(
    "al el van de der den ter ten te von bin ben ibn abu abd ould ag da di du la le".split()
)

_LETTERS_RE = re.compile(r"[^\W\d_]+")
_DIGIT_START_RE = re.compile(r"\d(?<!\w\d)")  # starts with \d, so the search skips fast
_MAX_CACHE = 200_000  # distinct words kept per word-list set; cleared when full


def _strip_possessive(word: str) -> str:
    if len(word) > 2 and word[-2] in "'’" and word[-1] == "s":
        return word[:-2]
    return word


class Tokens:
    """The words of a text (letters, with apostrophes and hyphens inside) and their
    positions, folded forms and word-list classes, in parallel lists."""

    __slots__ = ("_digits", "_joined", "classes", "ends", "folded", "starts", "text", "words")

    def __init__(self, text: str, lists: WordLists) -> None:
        # findall and find: a little faster than finditer and its match objects
        words: list[str] = WORD_RE.findall(text)
        starts: list[int] = []
        append = starts.append
        find = text.find
        pos = 0
        for w in words:
            # the first occurrence from the end of the last word is this word: no letter
            # lies between two words, and every word starts with a letter
            pos = find(w, pos)
            append(pos)
            pos += len(w)
        cache = lists.cache
        if len(cache) > _MAX_CACHE:
            cache.clear()
        get = cache.get
        seen = [get(w) for w in words]
        entries = (
            [e if e is not None else word_class(w, lists) for w, e in zip(words, seen, strict=True)]
            if None in seen
            else cast("list[tuple[str, int]]", seen)
        )
        self.words = words
        self.starts = starts
        self.ends = [s + len(w) for s, w in zip(starts, words, strict=True)]
        self.folded = [e[0] for e in entries]
        self.classes = [e[1] for e in entries]
        self._joined: list[int] | None = None
        self._digits: list[int] | None = None
        self.text = text

    def __len__(self) -> int:
        return len(self.words)

    @property
    def digits(self) -> list[int]:
        """Where a digit follows no letter, digit or underscore: where ``\\b\\d`` matches."""
        if self._digits is None:
            self._digits = [m.start() for m in _DIGIT_START_RE.finditer(self.text)]
        return self._digits

    def find(
        self, keys: Container[str], folded: bool = False, prefixes: tuple[str, ...] = ()
    ) -> list[tuple[int, str]]:
        """``(start, part)`` of every word in ``keys`` (or starting with one of ``prefixes``),
        and of every such part of a word after a hyphen or apostrophe ("Jan-Ali",
        "McDonald's"), in order of position.

        ``folded`` compares folded words (see :func:`word_class`) and folded parts. Words
        and parts start at every place where a letter follows no letter or digit, so a
        pattern that starts with letters at such a place starts at one of these.
        """
        src = self.folded if folded else self.words
        starts = self.starts
        if prefixes:
            hits = [
                (starts[i], w) for i, w in enumerate(src) if w in keys or w.startswith(prefixes)
            ]
        else:
            hits = [(starts[i], w) for i, w in enumerate(src) if w in keys]
        if self._joined is None:
            self._joined = [i for i, c in enumerate(self.classes) if c & JOINED]
        if self._joined:
            for i in self._joined:
                for m in _LETTERS_RE.finditer(self.words[i]):
                    part = fold(m.group()) if folded else m.group()
                    if m.start() == 0 and part == src[i]:
                        continue  # the word itself, seen above
                    if part in keys or (prefixes and part.startswith(prefixes)):
                        hits.append((starts[i] + m.start(), part))
            hits.sort()
        return hits


def word_class(word: str, lists: WordLists) -> tuple[str, int]:
    """``(folded, bits)`` of one word, cached per word-list set."""
    entry = lists.cache.get(word)
    if entry is None:
        entry = lists.cache[word] = _classify(word, lists)
    return entry


def _classify(word: str, lists: WordLists) -> tuple[str, int]:
    f = fold(_strip_possessive(word))
    bits = 0
    if f in lists.never_names:
        bits |= NEVER
    if f in TITLES:
        bits |= TITLE
    if f in PARTICLES:
        bits |= PARTICLE
    if f in lists.given_names or f in lists.surnames:
        bits |= LISTED
    if f in lists.dutch_words or (
        "-" in f and any(p in lists.dutch_words for p in f.split("-") if len(p) > 3)
    ):
        bits |= DUTCH
    if f in lists.places:
        bits |= PLACE
    raw = fold(word)
    if raw in lists.nationalities:
        bits |= NATIONALITY
    if raw in lists.rare_jobs or raw.split("-")[-1] in lists.rare_jobs:
        bits |= RARE_JOB
    if "-" in word or "'" in word or "’" in word:
        bits |= JOINED
        prefixed = _PREFIXED_RE.match(word)
        if prefixed is not None and word[prefixed.end() - 1].isupper():
            bits |= PREFIXED
    if not bits & (NEVER | TITLE | PARTICLE) and (
        word[0].isupper()
        or bits & PREFIXED
        or (
            bits & LISTED
            and not bits & DUTCH
            and len(word) >= 3
            and not (word.isupper() and len(word) <= 4)
        )
    ):
        bits |= CANDIDATE
    return f, bits


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern that can only start at one of
    ``starts`` (sorted): each is tried with ``match`` instead of trying every position."""
    out = []
    reach = 0
    for pos in starts:
        if pos < reach:
            continue
        m = pattern.match(text, pos)
        if m is not None:
            out.append(m)
            reach = m.end()
    return out
