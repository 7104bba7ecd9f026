"""The team's curated data for team meetings (knowledge/team.yaml), checked against the guide."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.knowledge import Item, Knowledge, KnowledgeError, Question, _read_yaml

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "team.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Theme(_Strict):
    id: str
    label: str


class Subject(_Strict):
    id: str
    label: str
    words: tuple[str, ...] = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=1)


class TeamFile(_Strict):
    themes: tuple[Theme, ...] = Field(min_length=1)
    subjects: tuple[Subject, ...] = Field(min_length=1)
    norm_words: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Team:
    """The guide plus the team's links, with the look-ups the team feature needs."""

    knowledge: Knowledge
    themes: tuple[Theme, ...]
    subjects: tuple[Subject, ...]
    norm_words: tuple[str, ...]

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.knowledge.questions}

    @cached_property
    def lessons_of(self) -> dict[str, tuple[Item, ...]]:
        """Question id -> the lessons of the guide that list it."""
        links: dict[str, list[Item]] = {}
        for item in self.knowledge.items:
            for qid in item.questions:
                links.setdefault(qid, []).append(item)
        return {k: tuple(v) for k, v in links.items()}

    def theme_label(self, theme_id: str) -> str:
        return next((t.label for t in self.themes if t.id == theme_id), theme_id)


def load_team(knowledge: Knowledge, path: Path = DEFAULT_FILE) -> Team:
    try:
        parsed = TeamFile.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise KnowledgeError(f"{path.name}: {exc}") from exc
    known = {q.id for q in knowledge.questions}
    themes = {c.theme for c in knowledge.cards}
    for subject in parsed.subjects:
        missing = [q for q in subject.questions if q not in known]
        if missing:
            raise KnowledgeError(f"{path.name}: subject {subject.id}: unknown questions {missing}")
    if {t.id for t in parsed.themes} != themes:
        raise KnowledgeError(f"{path.name}: themes must be exactly the cards' themes {themes}")
    return Team(knowledge, parsed.themes, parsed.subjects, parsed.norm_words)
