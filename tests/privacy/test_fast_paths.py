"""The guard's fast paths find exactly what the plain searches find.

To be fast, the guard tries most patterns only where they can start (``matches_at`` with
positions from the word pass), looks listed employers up by their first word, and finds
other occurrences of a found value word by word. Here every scan is repeated with those
shortcuts replaced by the plain way (``pattern.finditer`` over the whole text, one regular
expression of all employers, ``str.find`` for every value), on both corpora and on
generated texts full of hyphens, apostrophes, digits and odd spacing; the findings must be
identical.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.privacy import combinations, guard, numbers, places
from bot.privacy.guard import ClientDataGuard
from bot.privacy.lists import WordLists, word_lists
from bot.privacy.tokens import WORD_RE, Span, Tokens

ROOT = Path(__file__).resolve().parents[2]
TRICKY = [
    "Jan-Ali",
    "Ahmed's",
    "McDonald's",
    "x-weduwe",
    "tweelingen",
    "V-nummer",
    "vnummers",
    "vreemdelingennummer",
    "ind-nummer",
    "BSN:",
    "bsnnummer",
    "3Lidl",
    "Lidl2",
    "_Jumbo",
    "Albert Heijn",
    "werkte bij de Action",
    "uit Zwolle",
    "woont in Almere",
    "4 kinderen",
    "vader van 3",
    "getrouwd,",
    "(34)",
    "34-jarige",
    "+963 944 123 456",
    "0031 6 12345678",
    "(020) 1234567",
    "06-12345678",
    "628194821",
    "252.760.189",
    "2345678901",
    "NL91ABNA0417164300",
    "ab-NL91ABNA0417164300",
    "1234 AB 12",
    "Kerkstraat 12",
    "aan de Dorpsweg",
    "geb. 12-03-1985",
    "14 februari 1987",
    "A.M. Hashimi",
    "mevr. K. Yilmaz",
    "Turkse",
    "imam",
    "é",
    "\u200b",
    "ＡＢ１２",
]
SEPARATORS = [" ", " ", " ", "-", "'", "’", ". ", ", ", "\n", "", "  ", "_", "+", "(", ")", "/"]


def _texts() -> list[str]:
    rows = [
        json.loads(line)["text"]
        for corpus in ("bench/data/privacy_eval.jsonl", "tests/data/privacy_corpus.jsonl")
        for line in (ROOT / corpus).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    words = [w for r in rows for w in r.split()]
    rng = random.Random(14)
    generated = []
    for _ in range(1500):
        parts = []
        for _ in range(rng.randint(1, 30)):
            w = rng.choice(words) if rng.random() < 0.6 else rng.choice(TRICKY)
            w = w.lower() if rng.random() < 0.1 else w.upper() if rng.random() < 0.05 else w
            parts += [w, rng.choice(SEPARATORS)]
        generated.append("".join(parts))
    return rows + generated


def _everywhere(pattern: re.Pattern[str], text: str, starts: object) -> list[re.Match[str]]:
    return list(pattern.finditer(text))


def _all_employers(t: str, lists: WordLists, tokens: Tokens) -> list[Span]:
    pattern = r"(?<![\w])(?:" + "|".join(re.escape(e) for e in lists.employers) + r")(?![\w])"
    return [("WERKGEVER", m.start(), m.end()) for m in re.finditer(pattern, t)]


def _propagate_by_find(t: str, spans: list[Span], tokens: Tokens) -> list[Span]:
    lowered = t.lower()
    same_length = len(lowered) == len(t)
    values: dict[tuple[str, bool], str] = {}  # a value found as two kinds counts as the first
    for kind, s, e in spans:
        folded = kind == "NAAM" and same_length
        values.setdefault(((lowered if folded else t)[s:e], folded), kind)
    extra = []
    for (value, folded), kind in values.items():
        hay = lowered if folded else t
        pos = hay.find(value)
        while pos != -1:
            if guard._boundary_ok(t, pos, pos + len(value)):
                extra.append((kind, pos, pos + len(value)))
            pos = hay.find(value, pos + 1)
    return guard._resolve(spans + extra) if extra else spans


def _findings(g: ClientDataGuard, texts: list[str]) -> list[tuple[tuple[Span, ...], str]]:
    out = []
    for t in texts:
        scan = g.scan(t)
        out.append((tuple((f.kind, f.start, f.end) for f in scan.findings), scan.reason))
    return out


def test_the_fast_paths_find_what_the_plain_searches_find(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = ClientDataGuard(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
    texts = _texts()
    fast = _findings(g, texts)
    for module in (numbers, combinations, places):
        monkeypatch.setattr(module, "matches_at", _everywhere)
    monkeypatch.setattr(places, "listed_employers", _all_employers)
    monkeypatch.setattr(guard, "_propagate", _propagate_by_find)
    plain = _findings(g, texts)
    differ = [(t, f, p) for t, f, p in zip(texts, fast, plain, strict=True) if f != p]
    assert not differ, differ[:3]
    assert sum(bool(f[0]) for f in fast) > 1000  # the texts hold plenty to find


def test_the_word_pass_has_the_positions_of_the_word_pattern() -> None:
    lists = word_lists()
    for t in _texts()[::7]:
        tokens = Tokens(t, lists)
        assert tokens.starts == [m.start() for m in WORD_RE.finditer(t)]
        assert tokens.words == [m.group() for m in WORD_RE.finditer(t)]
        assert tokens.digits == [m.start() for m in re.finditer(r"(?<!\w)\d", t)]
