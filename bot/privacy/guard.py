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
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from bot.privacy import combinations, names, numbers, places
from bot.privacy.lists import word_lists
from bot.privacy.normalise import Normalised as _Normalised
from bot.privacy.redaction import KINDS, LABEL, PLACEHOLDER, Finding, Findings, Scan

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
        spans: list[tuple[str, int, int]] = []
        spans += numbers.find_iban(t)
        spans += numbers.find_email(t)
        spans += numbers.find_bsn(t)
        spans += numbers.find_vnummer(t)
        spans += numbers.find_phone(t)
        spans += numbers.find_foreign_phone(t)
        spans += numbers.find_dates(t, self._clock().year)
        spans += numbers.find_addresses(t)
        name_spans: list[tuple[str, int, int]] = []
        if self.names:
            name_spans = names.find_names(t, lists)
            if self.use_deduce:
                name_spans += names.find_names_by_deduce(t, lists)
        # places and employers win over a name reading of the same word ("bij de Jumbo")
        place_spans = (
            places.find_employers(t, lists)
            + places.find_towns(t, lists)
            + places.find_streets(t, lists)
        )
        name_spans = _without_overlap(name_spans, place_spans)
        core = _propagate(t, _resolve(spans + name_spans))
        facts = combinations.find_facts(t, lists) + _without_overlap(place_spans, core)
        named = any(k == "NAAM" for k, _, _ in core)
        combo = combinations.combine(facts, named)
        if combo.identifying:
            parts = [s for s in facts if s[0] in _PRIORITY]
            core = _resolve(core + parts)
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
    for kind, s, e in sorted(spans, key=lambda x: (x[0], x[1], -x[2])):
        if e <= s:
            continue
        lst = merged.setdefault(kind, [])
        if lst and s < lst[-1][1]:
            lst[-1][1] = max(lst[-1][1], e)
        else:
            lst.append([s, e])
    candidates = [(k, s, e) for k, lst in merged.items() for s, e in lst]
    candidates.sort(key=lambda x: (_PRIORITY[x[0]], x[1]))
    taken: list[tuple[str, int, int]] = []
    starts: list[int] = []  # sorted starts of taken spans, for overlap checks
    for kind, s, e in candidates:
        i = bisect.bisect_left(starts, s)
        if i > 0 and taken[i - 1][2] > s:
            continue
        if i < len(starts) and starts[i] < e:
            continue
        starts.insert(i, s)
        taken.insert(i, (kind, s, e))
    return taken


def _boundary_ok(t: str, s: int, e: int) -> bool:
    return (s == 0 or not t[s - 1].isalnum()) and (e == len(t) or not t[e].isalnum())


def _propagate(t: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Also mark other whole-word occurrences of every value that was found."""
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
    extra = []
    for (value, folded), kind in values.items():
        hay = lowered if folded else t
        pos = hay.find(value)
        while pos != -1:
            end = pos + len(value)
            if _boundary_ok(t, pos, end):
                extra.append((kind, pos, end))
            pos = hay.find(value, pos + 1)
    if not extra:
        return spans
    return _resolve(spans + extra)
