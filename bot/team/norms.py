"""Questions for a number, legal norm, amount or deadline: the guide gives none, so say so,
point to what it does say and to the gesprekskaart question that lets the team decide."""

from __future__ import annotations

import re

from bot.team import texts
from bot.team.cards import by_subjects, subjects_in
from bot.team.data import Team


def asks_for_norm(team: Team, text: str) -> bool:
    low = f" {text.lower()} "
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in team.norm_words)


def norm_answer(team: Team, text: str) -> str:
    """No number of our own: only the guide's summary of the fitting lesson and its question."""
    lines = [texts.NORM]
    found = by_subjects(team, subjects_in(team, text)[:1])
    if not found:
        return "\n\n".join([*lines, texts.NORM_NO_SUBJECT])
    first = found[0]
    lessons = team.lessons_of.get(first.question.id, ())
    if lessons:
        item = lessons[0]
        lines.append(texts.NORM_GUIDE.format(title=item.title, summary=item.summary))
    lines.append(f"{texts.NORM_DECIDE}\n• {first.question.text}\n({first.label})")
    return "\n\n".join(lines)
