"""Where to go with a question the guide does not answer (knowledge/referrals.yaml, issue 12).

The file is the team's own text, not the guide's. Each kind of out-of-scope question (income,
legal steps, IND/DUO procedures, local addresses, …) has a short Dutch reply that names what
sort of question it is and where to go, and may offer lessons of the guide that fit. The NLU
learns the kinds from `nlu_data/` (intent metadata `kind:`); training checks that every kind
it learns is in this file, and this loader checks the lessons against the guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.knowledge import Item, Knowledge, KnowledgeError, _read_yaml

FILE_NAME = "referrals.yaml"
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "knowledge" / FILE_NAME
MAX_REPLY = 400  # characters: a referral is a few short sentences, not a lecture


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Kind(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]{1,30}$")
    label: str = Field(min_length=3)
    reply: str = Field(min_length=20, max_length=MAX_REPLY)
    lessons: tuple[str, ...] = ()


class ReferralFile(_Strict):
    source: Literal["team"]  # these texts are the team's, never to be quoted as the guide
    kinds: tuple[Kind, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Referral:
    kind: str
    label: str
    reply: str
    lessons: tuple[Item, ...]


@dataclass(frozen=True)
class Referrals:
    by_kind: dict[str, Referral]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.by_kind)

    def get(self, kind: str | None) -> Referral | None:
        return self.by_kind.get(kind) if kind else None


def read_kinds(path: Path = DEFAULT_FILE) -> frozenset[str]:
    """The kind ids alone (what NLU training checks its labels against)."""
    return frozenset(k.id for k in _parse(path).kinds)


def _parse(path: Path) -> ReferralFile:
    try:
        return ReferralFile.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise KnowledgeError(f"{path.name}: {exc}") from exc


def load_referrals(knowledge: Knowledge, path: Path = DEFAULT_FILE) -> Referrals:
    parsed = _parse(path)
    by_kind: dict[str, Referral] = {}
    for kind in parsed.kinds:
        if kind.id in by_kind:
            raise KnowledgeError(f"{path.name}: kind {kind.id} appears twice")
        missing = [i for i in kind.lessons if i not in knowledge.items_by_id]
        if missing:
            raise KnowledgeError(f"{path.name}: kind {kind.id}: unknown lessons {missing}")
        lessons = tuple(knowledge.items_by_id[i] for i in kind.lessons)
        by_kind[kind.id] = Referral(kind.id, kind.label, kind.reply, lessons)
    return Referrals(by_kind)


_cache: dict[tuple[int, Path], Referrals] = {}


def referrals_for(knowledge: Knowledge, directory: Path | None = None) -> Referrals:
    """The referrals beside this knowledge, loaded and checked once per process."""
    path = (directory / FILE_NAME) if directory is not None else DEFAULT_FILE
    key = (id(knowledge), path)
    if key not in _cache:
        _cache[key] = load_referrals(knowledge, path)
    return _cache[key]
