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
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import marisa_trie

from bot.memory import return_free_memory
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


def _deduce_path(rel: str) -> Path | None:
    src = _deduce_src()
    return None if src is None else src / rel / "items.txt"


def _deduce_list(rel: str) -> list[str]:
    path = _deduce_path(rel)
    if path is None:
        log.warning("privacy: deduce lookup data not found; %s not used", rel)
        return []
    try:
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError:
        log.warning("privacy: %s missing in deduce; not used", rel)
        return []


# a JSON string, and whether it is a key whose value is a list (the lemma index's word
# classes, "noun", "verb", ..., which are not words of the text)
JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*\[)?')


def _json_strings(path: Path) -> Iterator[str]:
    """The strings of a lemma table (a JSON object of strings, or of lists of strings), one
    at a time: json.load would hold the whole table as Python objects, about 60 MB at the
    bot's start for a moment."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    for m in JSON_STRING.finditer(text):
        if not m.group(2):
            s = m.group(1)
            yield json.loads(f'"{s}"') if "\\" in s else s


def _lemma_tables() -> list[Path]:
    try:
        import spacy_lookups_data
    except ImportError:  # pragma: no cover - a dependency
        return []
    base = Path(spacy_lookups_data.__file__).parent / "data"
    return [base / "nl_lemma_lookup.json.gz", base / "nl_lemma_index.json.gz"]


COMMON_WORDS = "whitelist/lst_common_word"  # deduce's, beside spaCy's tables


def _dutch_word_forms() -> Iterator[str]:
    """Every word form of spaCy's Dutch lemma tables (forms and lemmas) and deduce's common
    words, folded, with repeats; the trie takes them one by one, so no set of them is made."""
    for table in _lemma_tables():
        yield from (fold_word(w) for w in _json_strings(table) if w.isalpha())
    yield from _folded(_deduce_list(COMMON_WORDS))


# Where the Dutch vocabulary's trie is kept between starts: the model folder (see
# keep_vocabulary_in). Unset, it is built in memory at every start.
_vocabulary_dir: Path | None = None
VOCABULARY = "dutch_words-{key}.marisa"


def keep_vocabulary_in(folder: Path | None) -> None:
    """Keep the built vocabulary in `folder` (the model folder): later starts map the file
    (about 1 MB, shared by the processes that read it) instead of reading spaCy's lemma
    tables again, which costs a second and takes the memory 50 MB higher for a moment."""
    global _vocabulary_dir
    _vocabulary_dir = folder


@lru_cache(maxsize=1)
def _vocabulary_key() -> str:
    """Changes when a source of the vocabulary changes (a new spacy-lookups-data or deduce)."""
    digest = hashlib.sha256(b"fold-1")  # and when fold_word changes, this tag
    for path in [*_lemma_tables(), _deduce_path(COMMON_WORDS)]:
        if path is not None and path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _dutch_words() -> marisa_trie.Trie:
    """The trie of ordinary Dutch words: mapped from the model folder when it is there,
    else built (and kept there when the folder can be written)."""
    folder = _vocabulary_dir
    if folder is None:
        return _word_set(_dutch_word_forms())
    path = folder / VOCABULARY.format(key=_vocabulary_key())
    if path.is_file():
        try:
            return marisa_trie.Trie().mmap(str(path))
        except (RuntimeError, OSError, ValueError) as exc:  # damaged: build it again
            log.warning("privacy: %s unreadable (%s); built again", path.name, exc)
    trie = _word_set(_dutch_word_forms())
    save_vocabulary(folder, trie)
    return trie


def save_vocabulary(folder: Path, trie: marisa_trie.Trie | None = None) -> Path | None:
    """Write the vocabulary's trie into `folder` (after `coach train`, so an image carries
    it); older versions of it there are removed. None when the folder cannot be written."""
    path = folder / VOCABULARY.format(key=_vocabulary_key())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        built = trie if trie is not None else _word_set(_dutch_word_forms())
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        built.save(str(tmp))
        os.replace(tmp, path)
        for old in folder.glob(VOCABULARY.format(key="*")):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("privacy: vocabulary not kept in %s (%s)", folder, type(exc).__name__)
        return None
    return path


class WordSet(Protocol):
    """A set of folded words: only membership is asked."""

    def __contains__(self, word: object) -> bool: ...


def _word_set(words: Iterable[str]) -> marisa_trie.Trie:
    """A MARISA trie (marisa-trie): the 400,000 words of the Dutch vocabulary take about
    1 MB in it, against about 110 MB as a Python set or dict, and it is one object, so the
    garbage collector never walks its words (a set of them cost a 40 ms pause in every full
    collection)."""
    return marisa_trie.Trie(words)


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
    lists = WordLists(
        given_names=_word_set(given - never),
        surnames=_word_set(surnames - never),
        never_names=_word_set(never),
        dutch_words=_dutch_words(),
        places=_word_set(places),
        employers=employers,
        nationalities=_word_set(nationalities),
        rare_jobs=_word_set(_folded(own["rare_jobs.txt"])),
    )
    del given, surnames, places, never  # the lists as Python strings, freed
    return_free_memory()
    return lists
