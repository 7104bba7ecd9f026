"""A team-meeting agenda in blocks whose proposed times add up to the length asked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.team import texts
from bot.team.cards import Shown

MIN_MINUTES, MAX_MINUTES = 15, 120
_WORDS = {
    "kwartier": 15,
    "half uur": 30,
    "halfuur": 30,
    "drie kwartier": 45,
    "anderhalf uur": 90,
    "anderhalfuur": 90,
    "twee uur": 120,
    "een uur": 60,
    "één uur": 60,
    "uurtje": 60,
}


def minutes_in(text: str) -> int | None:
    """'een uur' -> 60, '45 minuten' -> 45, '1,5 uur' -> 90; None if no length is named."""
    low = text.lower()
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*(min|minuten|minuut|uur|u\b)", low)
    if match:
        value = float(match.group(1).replace(",", "."))
        return round(value * 60) if match.group(2).startswith("u") else round(value)
    for phrase in sorted(_WORDS, key=len, reverse=True):
        if phrase in low:
            return _WORDS[phrase]
    bare = re.search(r"\b(\d{2,3})\b", low)
    return int(bare.group(1)) if bare else None


@dataclass(frozen=True)
class Block:
    minutes: int
    title: str
    questions: tuple[str, ...] = ()
    background: tuple[str, ...] = ()
    own: bool = False  # the coach's own suggestion, not the guide's


@dataclass(frozen=True)
class Agenda:
    minutes: int
    blocks: tuple[Block, ...]


def build(minutes: int, questions: list[Shown], theme_label: dict[str, str]) -> Agenda:
    """Opening, two or three themes (the chosen questions verbatim), closing with agreements."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be {MIN_MINUTES}..{MAX_MINUTES}")
    groups: dict[str, list[Shown]] = {}
    for s in questions:
        groups.setdefault(s.question.theme, []).append(s)
    themes = list(groups)[: 3 if minutes >= 45 else 2]
    opening = max(2, round(minutes * 0.1))
    closing = max(3, round(minutes * 0.15))
    rest = minutes - opening - closing
    share, extra = divmod(rest, max(1, len(themes)))
    blocks = [Block(opening, texts.OPENING, own=True)]
    for i, theme in enumerate(themes):
        chosen = groups[theme]
        background = tuple(dict.fromkeys(t for s in chosen for t in s.lessons))[:3]
        blocks.append(
            Block(
                share + (1 if i < extra else 0),
                theme_label.get(theme, theme),
                tuple(s.question.text for s in chosen),
                background,
            )
        )
    blocks.append(Block(closing, texts.CLOSING, own=True))
    return Agenda(minutes, tuple(blocks))


def as_text(agenda: Agenda) -> str:
    """Short lines for a phone screen."""
    lines = [texts.AGENDA_TITLE.format(minutes=agenda.minutes), texts.AGENDA_NOTE]
    for b in agenda.blocks:
        lines += ["", f"{b.minutes} min – {b.title}" + (f" {texts.BOT_MARK}" if b.own else "")]
        lines += [f"• {q}" for q in b.questions]
        if b.background:
            lines.append(texts.BACKGROUND.format(titles="; ".join(b.background)))
    lines += ["", texts.AGENDA_SOURCE]
    return "\n".join(lines)


def as_markdown(agenda: Agenda, heading: bool = True) -> str:
    """The document; without `heading` the body under the title (a note has its own title)."""
    title = [f"# {texts.AGENDA_TITLE.format(minutes=agenda.minutes)}", ""] if heading else []
    lines = [*title, f"_{texts.AGENDA_NOTE}_"]
    for b in agenda.blocks:
        mark = f" _{texts.BOT_MARK}_" if b.own else ""
        lines += ["", f"## {b.minutes} min – {b.title}{mark}", ""]
        lines += [f"- {q}" for q in b.questions]
        if b.background:
            lines += ["", texts.BACKGROUND.format(titles="; ".join(b.background))]
    lines += ["", f"_{texts.AGENDA_SOURCE}_", ""]
    return "\n".join(lines)
