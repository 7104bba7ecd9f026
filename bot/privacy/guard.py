"""Detect client data in a caseworker's text before anything is stored.

The guard combines detectors, each in its own module:

* :mod:`bot.privacy.numbers`: BSN (11-proef), V-nummer, phone numbers of any country
  (``phonenumbers``), IBAN, e-mail, postcode + house number, street + number, dates of birth;
* :mod:`bot.privacy.names`: person names from word lists with context rules (and deduce
  when ``use_deduce``);
* :mod:`bot.privacy.places`: towns, streets and employers;
* :mod:`bot.privacy.combinations`: quasi-identifiers that together point to one person;
* :mod:`bot.privacy.redaction`: the findings and the cleaned text.

Text is normalised before matching (NFKC; format characters removed), but every span
refers to the original text. Nothing here keeps or logs the text. How well it works is
measured, not promised: ``python bench/privacy_detection.py`` (see docs/privacy.md).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from bot.privacy import combinations, names, numbers, places
from bot.privacy.lists import word_lists
from bot.privacy.normalise import Normalised as _Normalised
from bot.privacy.normalise import fold
from bot.privacy.redaction import KINDS, LABEL, PLACEHOLDER, Finding, Findings, Scan
from bot.privacy.tokens import Tokens

log = logging.getLogger(__name__)

__all__ = [
    "KINDS",
    "LABEL",
    "PLACEHOLDER",
    "ClientDataGuard",
    "Finding",
    "Findings",
    "Scan",
    "preload",
    "scan",
]

# When spans of different kinds overlap, the earlier kind wins.
_PRIORITY = {
    k: i
    for i, k in enumerate(
        (
            "IBAN",
            "EMAIL",
            "BSN",
            "VNUMMER",
            "TELEFOON",
            "GEBOORTEDATUM",
            "POSTCODE_HUISNUMMER",
            "NAAM",
            "WERKGEVER",
            "STRAAT",
            "WOONPLAATS",
            "LEEFTIJD",
            "NATIONALITEIT",
            "BEROEP",
            "AANTAL",
            "GEZIN",
        )
    )
}


def preload(use_deduce: bool = False) -> bool:
    """Load the word lists now (about a second), and deduce when asked; True when ready."""
    word_lists()
    return names.deduce_model() is not None if use_deduce else True


class ClientDataGuard:
    """Finds client data in a text. Cheap to create; word lists and deduce are shared."""

    def __init__(
        self,
        names: bool = True,
        *,
        use_deduce: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.names = names
        self.use_deduce = use_deduce
        self._clock = clock or (lambda: datetime.now(UTC))

    def scan(self, text: str) -> Scan:
        """Find client data in ``text``. Never raises; the text is neither kept nor logged."""
        if not isinstance(text, str) or not text:
            return Scan((), len(text) if isinstance(text, str) else -1)
        try:
            norm = _Normalised(text)
            spans, combo = self._detect(norm.text)
            findings = []
            for kind, s, e in spans:
                os_, oe = norm.span(s, e)
                if oe > os_:
                    findings.append(Finding(kind, os_, oe))
            return Scan(
                tuple(findings),
                len(text),
                combination=combo.without_name,
                reason=combo.reason if combo.identifying else "",
            )
        except Exception:  # pragma: no cover - a bug must not lose the user's text
            log.exception("privacy: scan failed; treating text as containing client data")
            return Scan((Finding("NAAM", 0, len(text)),), len(text))

    def findings(self, text: str) -> Findings:
        """The small API for the dialogue: cleaned text, kinds, labels and reason."""
        result = self.scan(text)
        return Findings(
            cleaned=result.redacted(text) if isinstance(text, str) else "",
            kinds=tuple(result.kind_codes()),
            labels=tuple(result.kinds()),
            reason=result.reason,
            spans=result.findings,
        )

    def _detect(self, t: str) -> tuple[list[tuple[str, int, int]], combinations.Combination]:
        lists = word_lists()
        tokens = Tokens(t, lists)
        spans: list[tuple[str, int, int]] = []
        spans += numbers.find_iban(t)
        spans += numbers.find_email(t)
        spans += numbers.find_bsn(t, tokens)
        spans += numbers.find_vnummer(t, tokens)
        spans += numbers.find_phone(t, tokens)
        spans += numbers.find_foreign_phone(t, tokens)
        spans += numbers.find_dates(t, self._clock().year, tokens)
        spans += numbers.find_addresses(t, tokens)
        name_spans: list[tuple[str, int, int]] = []
        if self.names:
            name_spans = names.find_names(t, lists, tokens)
            if self.use_deduce:
                name_spans += names.find_names_by_deduce(t, lists)
        # places and employers win over a name reading of the same word ("bij de Jumbo")
        place_spans = (
            places.find_employers(t, lists, tokens)
            + places.find_towns(t, lists, tokens)
            + places.find_streets(t, lists)
        )
        name_spans = _without_overlap(name_spans, place_spans)
        core = _propagate(t, _resolve(spans + name_spans), tokens)
        facts = combinations.find_facts(t, lists, tokens) + _without_overlap(place_spans, core)
        named = any(k == "NAAM" for k, _, _ in core)
        combo = combinations.combine(facts, named)
        if combo.identifying:
            core = _resolve(core + combinations.generalise(t, facts))
        return core, combo


def _without_overlap(
    spans: list[tuple[str, int, int]], others: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """The spans that overlap none of ``others``."""
    if not others:
        return spans
    ordered = sorted((o[1], o[2]) for o in others)
    starts = [s for s, _ in ordered]
    max_end = []  # running maximum of ends, for "does any earlier span reach past s?"
    reach = -1
    for _, e in ordered:
        reach = max(reach, e)
        max_end.append(reach)
    out = []
    for span in spans:
        i = bisect.bisect_left(starts, span[2])  # others starting before this span ends
        if i == 0 or max_end[i - 1] <= span[1]:
            out.append(span)
    return out


_DEFAULT = ClientDataGuard()


def scan(text: str) -> Findings:
    """Scan with the default guard (rules and word lists, no deduce)."""
    return _DEFAULT.findings(text)


def _resolve(spans: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Merge overlapping spans of one kind; between kinds the higher-priority one wins."""
    merged: dict[str, list[list[int]]] = {}
    for kind, s, e in sorted(spans):
        if e <= s:
            continue
        lst = merged.get(kind)
        if lst is None:
            lst = merged[kind] = []
        if lst and s < lst[-1][1]:
            lst[-1][1] = max(lst[-1][1], e)
        else:
            lst.append([s, e])
    # Kind by kind in order of priority, keep the spans that overlap nothing kept so far:
    # one walk along the kept spans (in order of position) per kind.
    taken: list[tuple[str, int, int]] = []
    for kind in sorted(merged, key=_PRIORITY.__getitem__):
        fresh = []
        j = 0
        n = len(taken)
        for s, e in merged[kind]:
            while j < n and taken[j][2] <= s:
                j += 1
            # taken[j] is the first kept span that ends after s: it overlaps if it starts
            # before e (every later one starts later still)
            if j < n and taken[j][1] < e:
                continue
            fresh.append((kind, s, e))
        if fresh:
            taken = sorted(taken + fresh, key=_start) if taken else fresh
    return taken


def _start(span: tuple[str, int, int]) -> int:
    return span[1]


def _boundary_ok(t: str, s: int, e: int) -> bool:
    return (s == 0 or not t[s - 1].isalnum()) and (e == len(t) or not t[e].isalnum())


_LETTERS_RE = re.compile(r"[^\W\d_]+")
_RUN_RE = re.compile(r"[^\W_]+")  # letters and digits: exactly str.isalnum
_DIGIT_RUN_RE = re.compile(r"(?<![^\W_])\d[^\W_]*")


def _propagate(
    t: str, spans: list[tuple[str, int, int]], tokens: Tokens
) -> list[tuple[str, int, int]]:
    """Also mark other whole-word occurrences of every value that was found.

    Names are compared in lower case, other values as written. A whole-word occurrence of
    a value that starts with letters starts a word of ``tokens`` (or a part of one after a
    hyphen or apostrophe) with the same first letters; one that starts with a digit starts
    a run of digits and letters equal to the value's first run. So the words and digit
    runs of the text are looked up among the values once, instead of searching the text
    for every value. The few values that start otherwise ("+31 6 ...") are searched.
    """
    if not spans:
        return spans
    lowered = t.lower()
    same_length = len(lowered) == len(t)
    values: dict[tuple[str, bool], str] = {}
    for kind, s, e in spans:
        value = t[s:e]
        if kind == "NAAM" and same_length:
            values.setdefault((value.lower(), True), kind)
        else:
            values.setdefault((value, False), kind)
    by_letters: dict[str, list[tuple[str, bool, str]]] = {}
    by_digits: dict[str, list[tuple[str, bool, str]]] = {}
    extra = []
    for (value, folded), kind in values.items():
        if (first := _LETTERS_RE.match(value)) is not None:
            by_letters.setdefault(fold(first.group()), []).append((value, folded, kind))
        elif not folded and value[0].isdigit() and (run := _RUN_RE.match(value)) is not None:
            by_digits.setdefault(run.group(), []).append((value, folded, kind))
        else:
            hay = lowered if folded else t
            pos = hay.find(value)
            while pos != -1:
                end = pos + len(value)
                if _boundary_ok(t, pos, end):
                    extra.append((kind, pos, end))
                pos = hay.find(value, pos + 1)
    hits = tokens.find(by_letters, folded=True) if by_letters else []
    for pos, key in hits:
        for value, folded, kind in by_letters[key]:
            end = pos + len(value)
            if (lowered if folded else t).startswith(value, pos) and _boundary_ok(t, pos, end):
                extra.append((kind, pos, end))
    if by_digits:
        for m in _DIGIT_RUN_RE.finditer(t):
            for value, folded, kind in by_digits.get(m.group(), ()):
                pos = m.start()
                end = pos + len(value)
                if (lowered if folded else t).startswith(value, pos) and _boundary_ok(t, pos, end):
                    extra.append((kind, pos, end))
    if extra:
        known = set(spans)
        extra = [x for x in extra if x not in known]
    if not extra:
        return spans
    return _resolve(spans + extra)
