"""Person names: word lists with context rules, and optionally deduce.

A capitalised word is a name when it is on a name list (Dutch names from deduce, names
from countries of origin, the project's own list) and not an ordinary Dutch word, or
when context says so: a title or role before it ("mevr.", "dhr.", "klant", "mijn
cliënt"), initials ("A.M. Hashimi"), a name beside it, a verb of speech or action after
it ("Samira zei"). A listed name that is also a Dutch word ("Roos", "Mark", "Bakker")
needs such context. A capitalised word on no list and no Dutch word, in the middle of a
sentence, after a person cue or before a verb, is taken as a name too (surnames from
anywhere). Lower-case names count after a title or cue word ("met ali").
Organisations, languages, countries, nationalities, employers, months and weekdays are
never names; a Dutch place after "uit/in/te/naar" is a place.
"""

from __future__ import annotations

import bisect
import gc
import logging
import re
import threading
from typing import Any

from bot.privacy.lists import WordLists, word_lists
from bot.privacy.normalise import fold
from bot.privacy.tokens import (
    CANDIDATE,
    DUTCH,
    LISTED,
    NEVER,
    PARTICLE,
    PLACE,
    PREFIXED,
    TITLE,
    TITLES,
    WORD_RE,
    Span,
    Tokens,
)

log = logging.getLogger(__name__)

_WEAK_CUES = frozenset(
    "met sprak spreek zag zie belde bel heb had vroeg hielp help gaf geef ik en van voor "
    "aan over volgens tegen laat liet leerde vond gezegd uitgelegd".split()
)
_VERBS_AFTER = frozenset(
    "zei zegt vertelde vertelt vroeg vraagt belde belt kwam komt heeft had is was wil "
    "wilde werkt werkte begint begon vindt vond gaat ging kan kon moet mag spreekt sprak "
    "zoekt zocht mist miste heeft haar zijn en wordt woont kreeg krijgt maakt huilde lacht "
    "twijfelt durft schaamt voelt".split()
)
_DETERMINERS = frozenset(
    "de het een die deze dit dat bij op in naar uit te the onze ons mijn je jouw".split()
)
_PLACE_PREPOSITIONS = frozenset("uit in te naar rond nabij bij woont".split())
_SENTENCE_END = ".!?:;\n\r"
# Initials: "J.", "A.M. " before a capitalised word, after no letter, digit or dot. (The
# look-behind comes after the first capital, so a search skips to capitals quickly.)
_INITIALS_RE = re.compile(r"[A-Z](?<![\w.][A-Z])\.[ ]?(?:[A-Z]\.[ ]?){0,2}(?=[ ]?[A-Z][a-z])")


def _at_sentence_start(t: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and t[i] in " \t\"'‘“(-":
        i -= 1
    return i < 0 or t[i] in _SENTENCE_END


def _is_dutch(lists: WordLists, folded: str) -> bool:
    if folded in lists.dutch_words:
        return True
    if "-" in folded:
        return any(p in lists.dutch_words for p in folded.split("-") if len(p) > 3)
    return False


def _joined(t: str, a_end: int, b_start: int, titles: bool = False) -> bool:
    """True when nothing but one space, a hyphen or up to two blanks lies between words."""
    if b_start - a_end == 1:
        c = t[a_end]
        if c == " " or c == "-":
            return True
    gap = t[a_end:b_start]
    if titles:
        gap = gap.replace(".", "", 1).replace(":", "", 1)
    return gap == " " or gap == "-" or (len(gap) <= 2 and gap.strip() == "")


def find_names(t: str, lists: WordLists | None = None, tokens: Tokens | None = None) -> list[Span]:
    """NAAM spans in normalised text ``t`` (``tokens``: its words, when already split)."""
    lists = lists or word_lists()
    toks = tokens if tokens is not None else Tokens(t, lists)
    words, starts, ends, folded, classes = (
        toks.words,
        toks.starts,
        toks.ends,
        toks.folded,
        toks.classes,
    )
    n = len(words)
    is_name = [False] * n
    initials = list(_INITIALS_RE.finditer(t)) if "." in t else []
    initial_before = {m.end() for m in initials} | {m.end() + 1 for m in initials}
    initial_ends = [m.end() for m in initials]

    def prev(i: int) -> str:
        return folded[i - 1] if i > 0 and _joined(t, ends[i - 1], starts[i]) else ""

    def nxt(i: int) -> str:
        return folded[i + 1] if i + 1 < n and _joined(t, ends[i], starts[i + 1]) else ""

    def title_before(i: int) -> bool:
        j = i - 1
        while j >= 0 and classes[j] & PARTICLE and j > i - 4:
            j -= 1
        return j >= 0 and bool(classes[j] & TITLE) and _joined(t, ends[j], starts[i], titles=True)

    def cue(i: int) -> bool:
        return (
            title_before(i)
            or starts[i] in initial_before
            or (i > 0 and ends[i - 1] in initial_before)
        )

    def strong_listed(i: int) -> bool:
        c = classes[i]
        return words[i][0].isupper() and c & (LISTED | DUTCH | NEVER) == LISTED

    for i in [i for i, c in enumerate(classes) if c & CANDIDATE]:
        c = classes[i]
        w = words[i]
        listed = bool(c & LISTED)
        dutch = bool(c & DUTCH)
        if not (w[0].isupper() or c & PREFIXED):
            # lower case: a listed name that is no Dutch word, after a cue ("met ali")
            if (
                listed
                and not dutch
                and len(w) >= 3
                and not (w.isupper() and len(w) <= 4)
                and (cue(i) or prev(i) in ("met", "sprak", "zag"))
            ):
                is_name[i] = True
            continue
        if w.isupper() and len(w) <= 4:
            continue  # acronyms: COA, UWV, HBO
        p = prev(i)
        if c & PLACE and p in _PLACE_PREPOSITIONS:
            continue
        if cue(i) or (listed and not dutch):
            is_name[i] = True
        elif listed and dutch:
            start = _at_sentence_start(t, starts[i])
            beside = (i > 0 and strong_listed(i - 1) and p != "") or (
                i + 1 < n and strong_listed(i + 1) and nxt(i) != ""
            )
            after = nxt(i) in _VERBS_AFTER
            if (
                beside
                or (start and after)
                or (not start and p not in _DETERMINERS and (after or p in _WEAK_CUES))
            ):
                is_name[i] = True
        elif (
            not dutch
            and len(w) >= 3
            and not c & PLACE
            and p not in _DETERMINERS
            and (p in _WEAK_CUES or nxt(i) in _VERBS_AFTER)
            and not _at_sentence_start(t, starts[i])
        ):
            is_name[i] = True
    # extend: a name word followed by particles and capitalised words, or a lower-case name
    # right after a lower-case name ("hanna yohannes")
    out: list[Span] = []
    i = 0
    while i < n:
        if not is_name[i]:
            i += 1
            continue
        s, e = starts[i], ends[i]
        j = i + 1
        while j < n and _joined(t, ends[j - 1], starts[j]):
            k = j
            while k < n and classes[k] & PARTICLE and k < j + 3:
                k += 1
            if k >= n or not _joined(t, ends[k - 1], starts[k]):
                break
            wk, ck = words[k], classes[k]
            lower_pair = wk.islower() and words[i].islower() and ck & LISTED
            if (
                is_name[k]
                or lower_pair
                or (
                    (wk[0].isupper() or ck & PREFIXED)
                    and not ck & NEVER
                    and not (ck & PLACE and not ck & LISTED)
                    # after a particle ("bin Laden", "van Dijk") a Dutch word is a name too
                    and (k > j or not (ck & DUTCH and not ck & LISTED))
                )
            ):
                e = ends[k]
                j = k + 1
            else:
                break
        # initials right before the name: "A.M. Hashimi"
        x = bisect.bisect_right(initial_ends, s) - 1
        if x >= 0 and t[initial_ends[x] : s].strip() == "":
            s = min(s, initials[x].start())
        out.append(("NAAM", s, e))
        i = j
    return out


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


def deduce_model() -> Any:
    """The shared Deduce model, built on first use; ``None`` if it cannot be loaded."""
    global _DEDUCE, _DEDUCE_FAILED
    if _DEDUCE is not None or _DEDUCE_FAILED:
        return _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None and not _DEDUCE_FAILED:
            try:
                from deduce import Deduce

                model = Deduce()
                # Deduce's lookup tables are millions of long-lived objects; collect once,
                # then freeze them so later full collections do not walk them all.
                gc.collect()
                gc.freeze()
                _DEDUCE = model
            except Exception:  # pragma: no cover - depends on the installation
                log.exception("privacy: deduce could not be loaded; names from rules only")
                _DEDUCE_FAILED = True
    return _DEDUCE


_CHUNK_RE = re.compile(r"[^.!?\n]*[.!?\n]*")


def _mask_for_deduce(t: str) -> str | None:
    """Blank out sentences without a capital letter (deduce finds no names there)."""
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


def find_names_by_deduce(t: str, lists: WordLists | None = None) -> list[Span]:
    lists = lists or word_lists()
    model = deduce_model()
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
    out: list[Span] = []
    for a in doc.annotations:
        tag = str(a.tag).lower()
        if "persoon" not in tag and "patient" not in tag:
            continue
        s, e = a.start_char, a.end_char
        words = list(WORD_RE.finditer(t, s, e))
        while words and fold(words[0].group()) in TITLES:
            words.pop(0)
            if words:
                s = words[0].start()
        if not words or all(fold(w.group()) in lists.never_names for w in words):
            continue
        if (
            len(words) == 1
            and _is_dutch(lists, fold(words[0].group()))
            and _at_sentence_start(t, words[0].start())
        ):
            continue
        out.append(("NAAM", s, e))
    return out
