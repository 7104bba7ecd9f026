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

import gc
import logging
import re
import threading
from typing import Any

from bot.privacy.lists import WordLists, word_lists
from bot.privacy.normalise import fold
from bot.privacy.numbers import WORD_RE, Span

log = logging.getLogger(__name__)

TITLES = frozenset(
    "meneer mevrouw mevr mw mvr dhr hr heer juf juffrouw klant klante cliënt client "
    "cliente cliënte deelnemer deelneemster kandidaat statushouder zoon dochter broer zus "
    "vader moeder echtgenoot echtgenote partner buurman buurvrouw oom tante neef nicht "
    "collega mr dr".split()
)
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
_PARTICLES = frozenset(
    "al el van de der den ter ten te von bin ben ibn abu abd ould ag da di du la le".split()
)
_SENTENCE_END = ".!?:;\n\r"
_INITIALS_RE = re.compile(r"(?<![\w.])(?:[A-Z]\.[ ]?){1,3}(?=[ ]?[A-Z][a-z])")
_POSSESSIVE_RE = re.compile(r"['’]s$")


def _at_sentence_start(t: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and t[i] in " \t\"'‘“(-":
        i -= 1
    return i < 0 or t[i] in _SENTENCE_END


class _Token:
    __slots__ = ("end", "folded", "start", "word")

    def __init__(self, word: str, start: int, end: int) -> None:
        self.word = word
        self.start = start
        self.end = end
        self.folded = fold(_POSSESSIVE_RE.sub("", word))


def _is_dutch(lists: WordLists, folded: str) -> bool:
    if folded in lists.dutch_words:
        return True
    if "-" in folded:
        return any(p in lists.dutch_words for p in folded.split("-") if len(p) > 3)
    return False


def find_names(t: str, lists: WordLists | None = None) -> list[Span]:
    lists = lists or word_lists()
    toks = [_Token(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(t)]
    n = len(toks)
    is_name = [False] * n
    initials = list(_INITIALS_RE.finditer(t))
    initial_before = {m.end() for m in initials} | {m.end() + 1 for m in initials}

    def prev(i: int) -> str:
        return toks[i - 1].folded if i > 0 and not _break_between(t, toks[i - 1], toks[i]) else ""

    def nxt(i: int) -> str:
        return (
            toks[i + 1].folded if i + 1 < n and not _break_between(t, toks[i], toks[i + 1]) else ""
        )

    def title_before(i: int) -> bool:
        j = i - 1
        while j >= 0 and toks[j].folded in _PARTICLES and j > i - 4:
            j -= 1
        return (
            j >= 0
            and toks[j].folded in TITLES
            and not _break_between(t, toks[j], toks[i], titles=True)
        )

    def strong_listed(i: int) -> bool:
        tok = toks[i]
        return (
            tok.word[0].isupper()
            and lists.is_name(tok.folded)
            and not _is_dutch(lists, tok.folded)
            and tok.folded not in lists.never_names
        )

    for i, tok in enumerate(toks):
        w, f = tok.word, tok.folded
        if f in lists.never_names or f in TITLES or f in _PARTICLES:
            continue
        upper = w[0].isupper()
        if w.isupper() and len(w) <= 4:
            continue  # acronyms: COA, UWV, HBO
        p = prev(i)
        if upper and f in lists.places and p in _PLACE_PREPOSITIONS:
            continue
        listed = lists.is_name(f)
        dutch = _is_dutch(lists, f)
        start = _at_sentence_start(t, tok.start)
        cue = (
            title_before(i)
            or tok.start in initial_before
            or (i > 0 and toks[i - 1].end in initial_before)
        )
        if upper:
            if cue or (listed and not dutch):
                is_name[i] = True
            elif listed and dutch:
                beside = (i > 0 and strong_listed(i - 1) and prev(i) != "") or (
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
                and not start
                and len(w) >= 3
                and f not in lists.places
                and p not in _DETERMINERS
                and (p in _WEAK_CUES or nxt(i) in _VERBS_AFTER)
            ):
                is_name[i] = True
        elif listed and not dutch and len(w) >= 3 and (cue or p in ("met", "sprak", "zag")):
            is_name[i] = True
    # extend: a name word followed by particles and capitalised words, or a lower-case name
    # right after a lower-case name ("hanna yohannes")
    out: list[Span] = []
    i = 0
    while i < n:
        if not is_name[i]:
            i += 1
            continue
        s, e = toks[i].start, toks[i].end
        j = i + 1
        while j < n and not _break_between(t, toks[j - 1], toks[j]):
            k = j
            while k < n and toks[k].folded in _PARTICLES and k < j + 3:
                k += 1
            if k >= n or _break_between(t, toks[k - 1], toks[k]):
                break
            tk = toks[k]
            lower_pair = tk.word.islower() and toks[i].word.islower() and lists.is_name(tk.folded)
            if (
                is_name[k]
                or lower_pair
                or (
                    tk.word[0].isupper()
                    and tk.folded not in lists.never_names
                    and not (_is_dutch(lists, tk.folded) and not lists.is_name(tk.folded))
                    and not (tk.folded in lists.places and not lists.is_name(tk.folded))
                )
            ):
                e = tk.end
                j = k + 1
            else:
                break
        # initials before the name: "A.M. Hashimi"
        for m in initials:
            if m.end() <= s and t[m.end() : s].strip() == "":
                s = min(s, m.start())
        out.append(("NAAM", s, e))
        i = j
    return out


def _break_between(t: str, a: _Token, b: _Token, titles: bool = False) -> bool:
    gap = t[a.end : b.start]
    if titles:
        gap = gap.replace(".", "", 1).replace(":", "", 1)
    return not (gap == " " or gap == "-" or (gap.strip() == "" and len(gap) <= 2))


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
