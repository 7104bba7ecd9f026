"""Text clean-up shared by training, prediction and the client-data guard."""

from __future__ import annotations

import re
import unicodedata

MAX_NLU_CHARS = 1000
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


def clean(text: str) -> str:
    """NFKC, drop control and invisible format characters (zero-width, bidi), fold spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co") else " "
        for ch in text
    )
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase without accents: 'oriëntatie' and 'orientatie' become one."""
    if text.isascii():  # nothing to decompose: the same result, many times faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_letters(text: str) -> bool:
    return bool(_WORD.search(text))


def latin_share(text: str) -> float:
    """Share of letters that are Latin; Arabic or Ge'ez script gives a low share."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters)
