"""issue 16: "geen tijd" / "later" as the answer to a daily question: keep it open, or skip."""

from __future__ import annotations

import re
from typing import Literal

LATER_REPLY = (
    "Prima, de vraag blijft vandaag open. Antwoord wanneer het je uitkomt, "
    "of typ ‘sla over’ om hem over te slaan. Er is niets opgeslagen."
)
_LATER = re.compile(
    r"^(?:(?:sorry|nee|oei|hmm)\W*)?(?:ik\s+)?(?:heb\s+)?(?:nu\s+|nu\s+even\s+|even\s+)?"
    r"(?:geen\s+tijd|later|straks|nu\s+niet|niet\s+nu|vanavond|vanmiddag|later\s+vandaag|"
    r"kom\s+ik\s+later\s+op\s+terug|doe\s+ik\s+later|antwoord\s+ik\s+later)"
    r"(?:\s+(?:nu|even|vandaag|hoor|meer|graag))*\W*$"
)
_SKIP = re.compile(r"\b(?:sla\s+(?:\w+\s+)?over|overslaan|vandaag\s+niet|skip)\b")


def read_later(text: str) -> Literal["later", "skip"] | None:
    t = re.sub(r"[!.,?]+", " ", text.lower()).strip()
    t = re.sub(r"\s+", " ", t)
    if len(t) > 80:
        return None
    if _SKIP.search(t) and re.search(r"\b(?:geen\s+tijd|later|nu\s+niet|druk)\b", t):
        return "skip"
    if _LATER.match(t):
        return "later"
    return None
