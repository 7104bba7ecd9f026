"""The team-meeting steps as plain functions (session, team, typed args) -> what to say.

Actions (actions/team.py) and a future policy call these; nothing here knows rasa-sdk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Button, Document
from bot.knowledge import Knowledge
from bot.storage.models import User
from bot.team import agenda, cards, insight, notes, texts
from bot.team.data import Team, load_team
from bot.team.norms import norm_answer

DEFAULT_THEMES = ("stappen", "inrichting", "organisatie")
_teams: dict[int, Team] = {}


@dataclass
class Said:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    document: Document | None = None
    caption: str = ""  # a document with its own short caption, after the text
    slots: dict[str, Any] = field(default_factory=dict)


def team_for(knowledge: Knowledge) -> Team:
    team = _teams.get(id(knowledge))
    if team is None or team.knowledge is not knowledge:
        team = _teams[id(knowledge)] = load_team(knowledge)
    return team


def choose_theme(team: Team) -> Said:
    return Said(texts.CHOOSE_THEME, [[Button(t.label, f"team:{t.id}")] for t in team.themes])


def theme_questions(
    team: Team, theme: str, with_professional: bool = False, next_line: str = texts.NEXT
) -> Said:
    if theme not in {t.id for t in team.themes}:
        return choose_theme(team)
    shown = cards.by_theme(team, theme, with_professional)
    buttons = (
        []
        if with_professional
        else [[Button("Ook vragen over hoe het team werkt", f"teampro:{theme}")]]
    )
    return Said(
        cards.render(shown, team.theme_label(theme), next_line),
        buttons,
        slots={"team_questions": [s.question.id for s in shown]},
    )


def named_questions(team: Team, text: str, next_line: str = texts.NEXT) -> Said | None:
    """The questions for what a message is about: the subjects of knowledge/team.yaml it
    names ('over de caseload', 'trauma'), else a theme of the cards ('over de inrichting');
    None when it names neither."""
    subjects = cards.subjects_in(team, text)
    shown = cards.by_subjects(team, subjects)
    if shown:
        labels = " en ".join(s.label for s in team.subjects if s.id in subjects)
        header = texts.SUBJECT_HEADER.format(subjects=labels)
        return Said(
            cards.render(shown, header, next_line),
            slots={"team_questions": [s.question.id for s in shown]},
        )
    themes = cards.themes_in(team, text)
    return theme_questions(team, themes[0], next_line=next_line) if themes else None


def team_cards(team: Team, text: str) -> Said:
    """'teamoverleg over gezondheid': that subject's questions; no subject: the themes."""
    return named_questions(team, text) or choose_theme(team)


def subject_questions(team: Team, text: str) -> Said:
    """'vooral over werkdruk en taal': at most six questions across the cards."""
    return named_questions(team, text) or choose_theme(team)


def _agenda_questions(team: Team, ids: list[str] | None) -> list[cards.Shown]:
    if ids:
        return [
            cards.shown(team, team.questions_by_id[q]) for q in ids if q in team.questions_by_id
        ]
    chosen: list[cards.Shown] = []
    for theme in DEFAULT_THEMES:
        chosen += cards.by_theme(team, theme)[:2]
    return chosen


def agenda_document(made: agenda.Agenda, now: datetime) -> Document:
    name = f"agenda-teamoverleg-{now:%Y-%m-%d}.md"
    return Document(name, agenda.as_markdown(made).encode(), "text/markdown")


def make_agenda(
    team: Team, minutes: int | None, ids: list[str] | None, now: datetime, text: str = ""
) -> Said:
    """An agenda of the questions shown last, or of the subject the request names ('agenda
    voor het team over trauma'); with a subject and no length, its questions and the ask."""
    named = named_questions(team, text, texts.AGENDA_HOW_LONG) if text else None
    if named is not None:
        ids = list(named.slots["team_questions"])
        if minutes is None:
            return named
    if minutes is None or not agenda.MIN_MINUTES <= minutes <= agenda.MAX_MINUTES:
        return Said(texts.AGENDA_RANGE, slots={"team_questions": ids} if named else {})
    questions = _agenda_questions(team, ids)
    made = agenda.build(minutes, questions, {t.id: t.label for t in team.themes})
    return Said(
        agenda.as_text(made),
        document=agenda_document(made, now),
        caption=texts.AGENDA_FILE,
        slots={
            "team_agenda": {"minutes": minutes, "questions": [s.question.id for s in questions]}
        },
    )


async def save_agenda(
    session: AsyncSession, team: Team, user_id: int, kept: dict[str, Any] | None, now: datetime
) -> Said:
    if not kept:
        return Said(texts.NO_AGENDA)
    questions = _agenda_questions(team, list(kept.get("questions") or []))
    made = agenda.build(int(kept["minutes"]), questions, {t.id: t.label for t in team.themes})
    store = notes.note_store()
    if store is None:
        return Said(texts.CANNOT_SAVE, document=agenda_document(made, now))
    title = texts.AGENDA_TITLE.format(minutes=made.minutes)
    await store(session, user_id, title, agenda.as_markdown(made, heading=False))
    return Said(texts.SAVED)


async def my_agendas(
    session: AsyncSession, user_id: int, kept: dict[str, Any] | None = None
) -> Said:
    """The titles of the saved agendas; none saved: how to save the one just made, if any."""
    listing = notes.note_list()
    if listing is None:
        return Said(texts.NO_AGENDAS)
    titles = await listing(session, user_id)
    if titles:
        return Said("\n".join(f"• {t}" for t in titles))
    return Said(texts.NONE_SAVED_YET if kept else texts.NONE_SAVED)


def norm(team: Team, text: str) -> Said:
    return Said(norm_answer(team, text))


async def team_insight(
    session: AsyncSession, knowledge: Knowledge, user_id: int, role: str | None, now: datetime
) -> Said:
    if role != "manager":
        return Said(texts.INSIGHT_MANAGER_ONLY)
    user = await session.get(User, user_id)
    organisation = user.organisation if user else None
    if organisation is None or not await insight.enabled(session, organisation):
        return Said(texts.INSIGHT_OFF)
    return Said(insight.render(await insight.insight(session, knowledge, organisation, now)))
