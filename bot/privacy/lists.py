"""The guard's word lists: data files next to this module, validated once at load.

Own files (``bot/privacy/data/``), one entry per line, ``#`` starts a comment:

* ``first_names_origin.txt``, ``surnames_origin.txt``: names from countries of origin
  of statushouders, derived from names-dataset (MIT; see the file headers and
  ``scripts/build_name_lists.py``);
* ``first_names_extra.txt``: the project's own list (Eritrea, Somalia, Ukraine, ...);
* ``organisations.txt``, ``not_names.txt``: capitalised words that are never names;
* ``employers.txt``, ``nationalities.txt``, ``rare_jobs.txt``: quasi-identifiers.

Read from installed packages at load (not copied into this repository):

* deduce (LGPL-3.0, already a dependency): Dutch first names, surnames, residences,
  municipalities, regions and provinces from ``deduce/data/lookup/src``;
* spacy-lookups-data (MIT): the Dutch lemma tables, as the vocabulary of ordinary Dutch
  words - a listed name that is also a Dutch word ("Roos", "Mark", "Bakker") needs context.

A missing or malformed own file raises :class:`WordListError` naming the file and line.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.privacy.normalise import fold_word

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")
_ENTRY_RE = re.compile(r"^[^\W\d_](?:[\w'’&.+-]| (?=\S))*$")


class WordListError(ValueError):
    """A word list file is missing or has a malformed line."""


def read_list(path: Path) -> list[str]:
    """The entries of one list file, validated: letters first, no digits-only lines."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise WordListError(f"{path}: cannot read word list ({exc.strerror})") from exc
    out = []
    for no, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if not _ENTRY_RE.match(entry):
            raise WordListError(f"{path}:{no}: not a word list entry: {entry!r}")
        out.append(entry)
    if not out:
        raise WordListError(f"{path}: word list is empty")
    return out


def _folded(entries: list[str]) -> frozenset[str]:
    return frozenset(fold_word(e) for e in entries)


def _deduce_src() -> Path | None:
    try:
        import deduce
    except ImportError:  # pragma: no cover - deduce is a dependency
        return None
    src = Path(deduce.__file__).parent / "data" / "lookup" / "src"
    return src if src.is_dir() else None


def _deduce_list(rel: str) -> list[str]:
    src = _deduce_src()
    if src is None:
        log.warning("privacy: deduce lookup data not found; %s not used", rel)
        return []
    path = src / rel / "items.txt"
    try:
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError:
        log.warning("privacy: %s missing in deduce; not used", rel)
        return []


def _dutch_vocabulary() -> frozenset[str]:
    try:
        import spacy_lookups_data
    except ImportError:  # pragma: no cover - a dependency
        return frozenset()
    base = Path(spacy_lookups_data.__file__).parent / "data"
    words: set[str] = set()
    with gzip.open(base / "nl_lemma_lookup.json.gz", "rt", encoding="utf-8") as f:
        lookup = json.load(f)
    words.update(lookup)
    words.update(lookup.values())
    with gzip.open(base / "nl_lemma_index.json.gz", "rt", encoding="utf-8") as f:
        for forms in json.load(f).values():
            words.update(forms)
    return frozenset(fold_word(w) for w in words if w.isalpha())


# A set of words, kept as a dict with no values. The garbage collector walks every element
# of a set in each full collection (about 40 ms for these 470,000 words: a pause for the
# whole bot, not only the guard), but stops tracking a dict of strings after one pass.
WordSet = Mapping[str, None]


def _word_set(words: Iterable[str]) -> WordSet:
    return dict.fromkeys(words)


@dataclass(frozen=True)
class WordLists:
    """Every list the detectors use, folded (lower case, no accents)."""

    given_names: WordSet
    surnames: WordSet
    never_names: WordSet  # organisations, languages, countries, calendar, ...
    dutch_words: WordSet  # ordinary Dutch words
    places: WordSet  # Dutch towns, municipalities, regions, provinces
    employers: tuple[str, ...]  # as written, longest first
    nationalities: WordSet
    rare_jobs: WordSet
    # per-word classes for bot.privacy.tokens, filled as words are seen
    cache: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False, repr=False)

    def is_name(self, folded: str) -> bool:
        return folded in self.given_names or folded in self.surnames


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    """Load and validate all lists once per process (about a second)."""
    own = {
        n: read_list(DATA / n)
        for n in (
            "first_names_origin.txt",
            "surnames_origin.txt",
            "first_names_extra.txt",
            "organisations.txt",
            "not_names.txt",
            "employers.txt",
            "nationalities.txt",
            "rare_jobs.txt",
        )
    }
    employers = tuple(sorted(own["employers.txt"], key=len, reverse=True))
    nationalities = _folded(own["nationalities.txt"])
    places = _folded(
        _deduce_list("locations/lst_placename/lst_residence")
        + _deduce_list("locations/lst_placename/lst_municipality")
        + _deduce_list("locations/lst_placename/lst_region")
        + _deduce_list("locations/lst_placename/lst_province")
    )
    never = (
        _folded(own["organisations.txt"] + own["not_names.txt"])
        | nationalities
        | frozenset(fold_word(w) for e in employers for w in e.split())
    )
    given = _folded(
        own["first_names_origin.txt"]
        + own["first_names_extra.txt"]
        + _deduce_list("names/lst_first_name")
    )
    surnames = _folded(own["surnames_origin.txt"] + _deduce_list("names/lst_surname"))
    dutch = _dutch_vocabulary() | _folded(_deduce_list("whitelist/lst_common_word"))
    return WordLists(
        given_names=_word_set(given - never),
        surnames=_word_set(surnames - never),
        never_names=_word_set(never),
        dutch_words=_word_set(dutch),
        places=_word_set(places),
        employers=employers,
        nationalities=_word_set(nationalities),
        rare_jobs=_word_set(_folded(own["rare_jobs.txt"])),
    )
