"""issue 12: follow-ups in context — "en verder?", "waarom?" right after a lesson or a reflection.

`read_followup(text)` names the kind of follow-up; the policy answers it about the lesson the
conversation is on (the data key `context_lesson`, set by the actions that show a lesson or keep
a reflection on one, and dropped by the next message that is not a follow-up). The answer comes
from that lesson's full text and from the lessons the team relates to it (knowledge/relations.yaml).
"""

from __future__ import annotations

import re
from typing import Literal

from bot.core import answers
from bot.core.replies import Button, bold
from bot.knowledge import Item, Knowledge
from bot.nlu.text import fold

Kind = Literal["more", "why", "what_else", "otherwise"]
CONTEXT = "context_lesson"

_PATTERNS: dict[Kind, re.Pattern[str]] = {
    "more": re.compile(
        r"^(?:en )?(?:verder|en dan|ga (?:door|verder)|(?:kun je )?(?:vertel|vertellen) "
        r"(?:me |eens |nog )*meer(?: hierover| daarover| over)?|meer (?:hierover|daarover|uitleg|"
        r"info|informatie)|leg (?:dat |het )?(?:eens |nog eens )?(?:beter |verder )?uit|"
        r"kun je dat (?:uitleggen|toelichten)|nog meer|en nu|lees (?:meer|verder)|meer lezen)$"
    ),
    "why": re.compile(
        r"^(?:maar )?(?:waarom|hoezo|hoe komt dat|waarom is dat(?: zo)?|waarom werkt dat|"
        r"waarom zou ik dat doen|waarom eigenlijk|waarom is dat belangrijk)$"
    ),
    "what_else": re.compile(
        r"^(?:en )?(?:wat kan ik (?:nog )?(?:meer|verder|nog) doen|wat (?:nog|nog meer|verder)|"
        r"wat kan ik nog meer|(?:heb je )?(?:nog )?(?:meer|andere) (?:tips|ideeen)|"
        r"welke tips (?:heb je )?nog|wat kan ik nog meer proberen)$"
    ),
    "otherwise": re.compile(
        r"^(?:en )?(?:hoe (?:had|kan|kon) ik (?:het|dat|dit) anders (?:kunnen )?(?:aanpakken|doen)|"
        r"wat (?:had|kan|kon) ik anders (?:kunnen )?doen|hoe pak ik (?:dat|dit|het) (?:dan )?aan|"
        r"hoe doe ik dat dan|hoe dan|hoe kan het anders)$"
    ),
}
RELATED_INTRO = "Hier past ook bij (een keuze van ons team, niet van de handreiking):"
WHAT_ELSE_INTRO = "Naast ‘{title}’ kun je hier ook aan denken:"
WHAT_ELSE_NOTE = "(Deze lessen koos ons team; de teksten komen uit de handreiking.)"
NOTHING_RELATED = "Bij deze les heeft ons team nog geen verwante lessen gekozen."


def read_followup(text: str) -> Kind | None:
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())
    if len(key) > 60:
        return None
    for kind, pattern in _PATTERNS.items():
        if pattern.match(key):
            return kind
    return None


def answer(knowledge: Knowledge, item: Item, kind: Kind) -> tuple[list[str], list[list[Button]]]:
    """The messages and buttons of a follow-up about `item`: its full text for 'more', 'why'
    and 'otherwise' (the guide's own reasoning and approach), the related lessons' summaries
    for 'what else'; related lessons are offered as buttons to read on."""
    related = knowledge.related(item.id)
    buttons = [[Button(f"Lees meer: {r.title}"[:60], f"more:{r.id}")] for r in related]
    if kind == "what_else" and related:
        lines = [WHAT_ELSE_INTRO.format(title=item.title)]
        lines += [f"• {bold(r.title)}: {r.summary}" for r in related]
        lines.append(WHAT_ELSE_NOTE)
        return ["\n".join(lines)], buttons
    messages = [answers.lesson_full(knowledge, item)]
    if related:
        messages.append(RELATED_INTRO + "\n" + "\n".join(f"• {r.title}" for r in related))
    else:
        messages.append(NOTHING_RELATED)
    return messages, buttons
