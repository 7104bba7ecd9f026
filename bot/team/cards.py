"""The gesprekskaart questions for a team meeting: by theme and by subject, each with its
lessons and a label saying for whom it is (`addressed_to` in knowledge/questions.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import Question
from bot.team import texts
from bot.team.data import Team

MAX_BY_SUBJECT = 6
SHORT_WORD = 3  # letters: a word this short counts only as a whole word


@dataclass(frozen=True)
class Shown:
    question: Question
    label: str
    lessons: tuple[str, ...]  # lesson titles


def label_for(question: Question) -> str:
    """For the manager to consider, or to put to the professionals: the card decides."""
    return texts.FOR_MANAGER if question.addressed_to == "manager" else texts.TO_TEAM


def shown(team: Team, question: Question) -> Shown:
    lessons = tuple(item.title for item in team.lessons_of.get(question.id, ()))
    return Shown(question, label_for(question), lessons)


def by_theme(team: Team, theme: str, with_professional: bool = False) -> list[Shown]:
    """The manager cards of a theme (the beleid card asks the professionals); the
    professionals' own card only when the manager wants to ask how the team works."""
    return [
        shown(team, q)
        for q in team.knowledge.questions
        if q.theme == theme and (q.audience == "manager" or with_professional)
    ]


def _normal(text: str) -> str:
    return re.sub(r"['’‘`]", "", text.lower())


def _has(low: str, word: str) -> bool:
    """A word of the team's list in the text: part of a longer word too ('taal' in
    'taalniveau', 'trauma' in 'traumas'), except short ones ('coa', 'ggd', 'fte'), which must
    stand alone ('coa' is no subject in 'coach')."""
    word = _normal(word)
    if len(word) <= SHORT_WORD:
        return re.search(rf"\b{re.escape(word)}\b", low) is not None
    return word in low


def subjects_in(team: Team, text: str) -> list[str]:
    """The subjects of knowledge/team.yaml a message names, in the file's order."""
    low = _normal(text)
    return [s.id for s in team.subjects if any(_has(low, w) for w in s.words)]


def themes_in(team: Team, text: str) -> list[str]:
    """The gesprekskaart themes a message names after 'over', 'rond' or 'thema' ('over de
    inrichting van de begeleiding', 'thema organisatie'): a theme's id or its label."""
    low = _normal(text)
    found = []
    for theme in team.themes:
        names = {_normal(theme.id), _normal(theme.label)}
        if any(re.search(rf"\b(over|rond|thema)\b.*\b{re.escape(n)}", low) for n in names):
            found.append(theme.id)
    return found


def by_subjects(team: Team, subject_ids: list[str]) -> list[Shown]:
    """At most six questions across the cards, taking turns between the subjects."""
    lists = [s.questions for s in team.subjects if s.id in subject_ids]
    chosen: list[str] = []
    for rank in range(max((len(x) for x in lists), default=0)):
        for ids in lists:
            if rank < len(ids) and ids[rank] not in chosen:
                chosen.append(ids[rank])
    return [shown(team, team.questions_by_id[q]) for q in chosen[:MAX_BY_SUBJECT]]


def render(items: list[Shown], header: str, next_line: str = texts.NEXT) -> str:
    """Grouped by label, each question verbatim with its lessons and its card as source."""
    lines = [header]
    for label in (texts.FOR_MANAGER, texts.TO_TEAM):
        group = [s for s in items if s.label == label]
        if not group:
            continue
        lines += ["", f"{label}:"]
        for s in group:
            lines.append(f"• {s.question.text}")
            if s.lessons:
                lines.append("  " + texts.LESSONS.format(titles="; ".join(s.lessons)))
    cards = sorted({s.question.card_title for s in items})
    lines += ["", *(texts.SOURCE.format(card=c) for c in cards), "", next_line]
    return "\n".join(lines)
