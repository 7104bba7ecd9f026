"""Text normalisation for the guard: NFKC without format characters, with a map back."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["Normalised", "fold", "fold_word"]


def _is_dropped(ch: str) -> bool:
    # Format characters (Cf): zero-width space/joiners, bidi controls, soft hyphen, BOM, ...
    return unicodedata.category(ch) == "Cf"


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


class Normalised:
    """NFKC text without format characters, with a map back to the original positions."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, original: str) -> None:
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if original.isascii() or (
            unicodedata.is_normalized("NFKC", original) and not _has_format_char(original)
        ):
            # Already NFKC without format characters: nothing to map.
            self.text = original
            return
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        n = len(original)
        i = 0
        combining = unicodedata.combining
        non_ascii = _NON_ASCII_RE
        while i < n:
            # ASCII up to the character before the next non-ASCII one maps one to one
            m = non_ascii.search(original, i)
            k = (m.start() - 1) if m else n
            if k > i:
                out.append(original[i:k])
                starts.extend(range(i, k))
                ends.extend(range(i + 1, k + 1))
                i = k
                continue
            ch = original[i]
            if _is_dropped(ch):
                i += 1
                continue
            j = i + 1
            end = j
            # Keep a base character together with its combining marks, so NFKC can compose
            # them; format characters in between are skipped, trailing ones left out.
            cluster = [ch]
            while j < n and (combining(original[j]) or _is_dropped(original[j])):
                if not _is_dropped(original[j]):
                    cluster.append(original[j])
                    end = j + 1
                j += 1
            piece = "".join(cluster)
            if not piece.isascii():
                piece = unicodedata.normalize("NFKC", piece)
            for c in piece:
                out.append(c)
                starts.append(i)
                ends.append(end)
            i = j
        self.text = "".join(out)
        assert len(self.text) == len(starts)
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span of the normalised text to the original text."""
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


def fold_word(word: str) -> str:
    """Lower case without accents, to compare words regardless of how they were typed."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The same, cached for the words of texts. Kept small: every entry is an object the garbage
# collector walks in each full collection (the word lists are folded with fold_word).
fold = lru_cache(maxsize=4096)(fold_word)


@lru_cache(maxsize=1)
def _format_candidates() -> re.Pattern[str]:
    """Every format character (category Cf) of the BMP as ranges, and every character
    outside the BMP (checked one by one: a class of single astral characters makes the
    search about 25 times slower)."""
    ranges: list[list[int]] = []
    for c in range(0x10000):
        if unicodedata.category(chr(c)) == "Cf":
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    cls = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile("[" + cls + "\U00010000-\U0010ffff]")


def _has_format_char(text: str) -> bool:
    """True when ``text`` holds a format character (Unicode category Cf)."""
    return any(_is_dropped(m.group()) for m in _format_candidates().finditer(text))
