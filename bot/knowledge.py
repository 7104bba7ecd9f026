"""The guide as validated data: sections, titled items, gesprekskaart questions and framing.

The YAML files in ``knowledge/`` are the single source of the content. They are read and
validated once at start-up; any error names the file and the entry, so an editor can fix
the content without reading Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

GUIDE_TITLE = "Nieuw op de arbeidsmarkt – handreiking arbeidstoeleiding statushouders"
GUIDE_SHORT = "Nieuw op de arbeidsmarkt (2021)"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"

Audience = Literal["professional", "manager"]
ItemKind = Literal["lesson", "logica"]
_ID = r"^[a-z][a-z0-9_]*$"


class KnowledgeError(Exception):
    """Content that does not satisfy the schema; the message names file and entry."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Section(_Strict):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3)
    order: int
    intro: str = ""


class Item(_Strict):
    """A titled item of the guide: one of the 30 lessons or one of the 4 logica's."""

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3, description="The guide's bold title, without the colon.")
    kind: ItemKind = "lesson"
    section: str = Field(pattern=_ID)
    text: str = Field(min_length=20, description="The guide's text after the title, verbatim.")
    summary: str = Field(min_length=20, max_length=320)
    questions: tuple[str, ...] = Field(min_length=1)
    keywords: tuple[str, ...] = ()

    @field_validator("title")
    @classmethod
    def _no_colon(cls, value: str) -> str:
        if value.endswith(":"):
            raise ValueError("title must not end with a colon")
        return value


class QuestionIn(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*-\d+$")
    text: str = Field(min_length=10)


class Card(_Strict):
    id: str = Field(pattern=_ID)
    theme: str = Field(pattern=_ID, description="Section id the card belongs to.")
    title: str = Field(min_length=3)
    audience: Audience
    addressed_to: Audience
    questions: tuple[QuestionIn, ...] = Field(min_length=1)


class Topic(_Strict):
    """Framing of the guide: why it exists, how to use it, the colofon."""

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3)
    summary: str = Field(min_length=20, max_length=400)
    text: str = Field(min_length=20)


class OnboardingDay(_Strict):
    day: int = Field(ge=1, le=10)
    title: str = Field(min_length=3)
    intro: str = Field(min_length=10, max_length=300)
    items: tuple[str, ...] = Field(min_length=1)
    featured: str
    question: str
    question_manager: str


class Relation(_Strict):
    """issue 12: the team's curated link from one lesson to others (knowledge/relations.yaml)."""

    lesson: str = Field(pattern=_ID)
    related: tuple[str, ...] = Field(min_length=1, max_length=3)
    why: str = Field(min_length=10, description="For reviewers; never shown to users.")


@dataclass(frozen=True, slots=True)
class Question:
    """One gesprekskaart question, flattened with its card's facts."""

    id: str
    text: str
    audience: Audience
    addressed_to: Audience
    card: str
    card_title: str
    theme: str


@dataclass(frozen=True)
class Knowledge:
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    cards: tuple[Card, ...]
    topics: tuple[Topic, ...]
    onboarding: tuple[OnboardingDay, ...] = ()
    relations: tuple[Relation, ...] = ()  # issue 12: the team's, not the guide's

    def related(self, item_id: str) -> tuple[Item, ...]:
        """The lessons the team relates to this one, in their order (issue 12)."""
        for relation in self.relations:
            if relation.lesson == item_id:
                return tuple(self.items_by_id[r] for r in relation.related)
        return ()

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @cached_property
    def topics_by_id(self) -> dict[str, Topic]:
        return {topic.id: topic for topic in self.topics}

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(
            Question(
                q.id, q.text, card.audience, card.addressed_to, card.id, card.title, card.theme
            )
            for card in self.cards
            for q in card.questions
        )

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def item(self, item_id: str) -> Item:
        return self.items_by_id[item_id]

    def section_title(self, section_id: str) -> str:
        return self.sections_by_id[section_id].title

    def questions_for(self, role: Audience) -> tuple[Question, ...]:
        """Questions a user of this role reflects on.

        Professionals answer the cards addressed to them (including the card that policy
        makers put to professionals); managers get the cards of leidinggevenden – beleidsmakers.
        """
        if role == "manager":
            return tuple(q for q in self.questions if q.audience == "manager")
        return tuple(q for q in self.questions if q.addressed_to == "professional")

    def questions_for_item(self, item_id: str, role: Audience) -> tuple[Question, ...]:
        allowed = {q.id for q in self.questions_for(role)}
        return tuple(
            self.questions_by_id[qid] for qid in self.item(item_id).questions if qid in allowed
        )

    def to_json(self) -> dict[str, Any]:
        """The `coach knowledge --json` contract."""
        return {
            "items": [
                {
                    "id": item.id,
                    "title": item.title,
                    "kind": item.kind,
                    "section": self.section_title(item.section),
                    "section_id": item.section,
                    "summary": item.summary,
                    "questions": list(item.questions),
                }
                for item in self.items
            ],
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "audience": q.audience,
                    "addressed_to": q.addressed_to,
                    "card": q.card_title,
                    "card_id": q.card,
                    "theme": q.theme,
                }
                for q in self.questions
            ],
            "topics": [{"id": t.id, "title": t.title, "summary": t.summary} for t in self.topics],
        }


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc


M = TypeVar("M", bound=BaseModel)


def _entries(path: Path, key: str, model: type[M]) -> list[M]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeError(f"{path}: expected a top-level list under '{key}'")
    parsed: list[M] = []
    for index, raw in enumerate(data[key]):
        name = (raw.get("id") or raw.get("lesson")) if isinstance(raw, dict) else None
        name = name or f"#{index + 1}"
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise KnowledgeError(f"{path}: entry '{name}': {problems}") from exc
    return parsed


def _relations(path: Path, item_ids: set[str]) -> tuple[Relation, ...]:
    """The team's relations between lessons; the file is optional, and marked as the team's."""
    if not path.exists():
        return ()
    data = _read_yaml(path)
    if not isinstance(data, dict) or data.get("curated_by") != "team":
        raise KnowledgeError(f"{path}: must say 'curated_by: team' (it is not the guide's text)")
    relations = _entries(path, "relations", Relation)
    for relation in relations:
        name = relation.lesson
        unknown = [i for i in (relation.lesson, *relation.related) if i not in item_ids]
        if unknown:
            raise KnowledgeError(f"{path}: entry '{name}': unknown lesson ids {unknown}")
        if name in relation.related or len(set(relation.related)) != len(relation.related):
            raise KnowledgeError(f"{path}: entry '{name}': relates to itself or twice")
    duplicate = _duplicates(r.lesson for r in relations)
    if duplicate:
        raise KnowledgeError(f"{path}: duplicate lesson entries: {sorted(duplicate)}")
    return tuple(relations)


def _duplicates(ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    dup: set[str] = set()
    for value in ids:
        (dup if value in seen else seen).add(value)
    return dup


def load_knowledge(directory: Path = DEFAULT_DIR) -> Knowledge:
    """Read and validate the knowledge files; raise KnowledgeError naming file and entry."""
    sections = _entries(directory / "sections.yaml", "sections", Section)
    items = _entries(directory / "items.yaml", "items", Item)
    cards = _entries(directory / "questions.yaml", "cards", Card)
    topics = _entries(directory / "framing.yaml", "topics", Topic)
    days = _entries(directory / "onboarding.yaml", "days", OnboardingDay)
    knowledge = Knowledge(
        tuple(sections),
        tuple(items),
        tuple(cards),
        tuple(topics),
        tuple(days),
        _relations(directory / "relations.yaml", {i.id for i in items}),  # issue 12
    )

    checks = [
        ("sections.yaml", "section id", _duplicates(s.id for s in sections)),
        ("items.yaml", "item id", _duplicates(i.id for i in items)),
        ("items.yaml", "title", _duplicates(i.title for i in items)),
        ("questions.yaml", "card id", _duplicates(c.id for c in cards)),
        ("questions.yaml", "question id", _duplicates(q.id for q in knowledge.questions)),
        ("framing.yaml", "topic id", _duplicates(t.id for t in topics)),
    ]
    for filename, what, found in checks:
        if found:
            raise KnowledgeError(f"{directory / filename}: duplicate {what}: {sorted(found)}")
    section_ids = {s.id for s in sections}
    for item in items:
        if item.section not in section_ids:
            raise KnowledgeError(
                f"{directory / 'items.yaml'}: entry '{item.id}': unknown section '{item.section}'"
            )
        unknown = [q for q in item.questions if q not in knowledge.questions_by_id]
        if unknown:
            raise KnowledgeError(
                f"{directory / 'items.yaml'}: entry '{item.id}': unknown question ids {unknown}"
            )
    for card in cards:
        if card.theme not in section_ids:
            raise KnowledgeError(
                f"{directory / 'questions.yaml'}: entry '{card.id}': unknown theme '{card.theme}'"
            )
    onboarding_file = directory / "onboarding.yaml"
    if [d.day for d in days] != list(range(1, len(days) + 1)):
        raise KnowledgeError(f"{onboarding_file}: days must be numbered 1, 2, 3, … in order")
    for d in days:
        refs = [*d.items, d.featured]
        unknown = [r for r in refs if r not in knowledge.items_by_id]
        unknown += [
            q for q in (d.question, d.question_manager) if q not in knowledge.questions_by_id
        ]
        if unknown or d.featured not in d.items:
            raise KnowledgeError(
                f"{onboarding_file}: entry 'day {d.day}': unknown or misplaced "
                f"ids {unknown or [d.featured]}"
            )
    return knowledge
