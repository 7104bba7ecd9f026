"""The gesprekskaart questions for a team meeting: by theme and by subject, each with its
lessons and a label saying for whom it is (`addressed_to` in knowledge/questions.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Question
from bot.team import texts
from bot.team.data import Team

MAX_BY_SUBJECT = 6


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


def subjects_in(team: Team, text: str) -> list[str]:
    low = text.lower()
    return [s.id for s in team.subjects if any(w in low for w in s.words)]


def by_subjects(team: Team, subject_ids: list[str]) -> list[Shown]:
    """At most six questions across the cards, taking turns between the subjects."""
    lists = [s.questions for s in team.subjects if s.id in subject_ids]
    chosen: list[str] = []
    for rank in range(max((len(x) for x in lists), default=0)):
        for ids in lists:
            if rank < len(ids) and ids[rank] not in chosen:
                chosen.append(ids[rank])
    return [shown(team, team.questions_by_id[q]) for q in chosen[:MAX_BY_SUBJECT]]


def render(items: list[Shown], header: str) -> str:
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
    lines += ["", *(texts.SOURCE.format(card=c) for c in cards), "", texts.NEXT]
    return "\n".join(lines)
