"""issue 16: patterns in a user's own reflections, from the NLU's reading of the stored texts.

Deterministic and nothing generated: each reflection is read by the NLU like a question; the
guide part of its best reading counts for that part, and every one of the four logica's among
its readings (score at least the NLU's `reject_below`) counts for that logica. What is shown
is counts, the guide's own description of the logica met most and its gesprekskaart question,
as something to think about, never a judgement. Fewer than MIN_REFLECTIONS: it says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import Audience, Knowledge
from bot.nlu import Parse

MIN_REFLECTIONS = 3
WINDOW = 50  # the newest reflections read
TOP_PARTS = 3

TOO_FEW = (
    "Je hebt {n} reflectie{s} bewaard. Vanaf {min} kan ik laten zien welke delen van de "
    "handreiking je teksten het vaakst raken."
)
INTRO = "In je laatste {n} reflecties raak je deze delen van de handreiking het vaakst:"
LOGICA = (
    "Van de vier logica's van begeleiders komt in je teksten {title} het vaakst terug "
    "({count} van {n}). De handreiking zegt: {text}"
)
NO_LOGICA = "Geen van de vier logica's van begeleiders komt duidelijk terug in je teksten."
THINK = "Om over na te denken (geen oordeel, alleen wat in je eigen teksten staat):"
HOW = (
    "Zo tel ik: ik lees elke reflectie zoals een vraag aan de handreiking en tel bij welk "
    "deel hij het best past."
)


@dataclass(frozen=True)
class Found:
    total: int  # reflections read
    parts: tuple[tuple[str, int], ...]  # (section id, count), most first, then guide order
    logicas: tuple[tuple[str, int], ...]  # (item id, count), most first, then guide order


def read(parses: Sequence[Parse], knowledge: Knowledge, reject_below: float) -> Found:
    items = knowledge.items_by_id
    parts: Counter[str] = Counter()
    logicas: Counter[str] = Counter()
    for parse in parses:
        readings = [c for c in parse.alternatives if c.id in items and c.score >= reject_below]
        if not readings:
            continue
        parts[items[readings[0].id].section] += 1
        for c in {c.id for c in readings if items[c.id].kind == "logica"}:
            logicas[c] += 1
    section_order = {s.id: s.order for s in knowledge.sections}
    item_order = {item.id: i for i, item in enumerate(knowledge.items)}
    return Found(
        len(parses),
        tuple(sorted(parts.items(), key=lambda kv: (-kv[1], section_order.get(kv[0], 99)))),
        tuple(sorted(logicas.items(), key=lambda kv: (-kv[1], item_order[kv[0]]))),
    )


def describe(found: Found, knowledge: Knowledge, who: Audience) -> list[str]:
    n = found.total
    if n < MIN_REFLECTIONS:
        return [TOO_FEW.format(n=n, s="" if n == 1 else "s", min=MIN_REFLECTIONS)]
    lines = [INTRO.format(n=n)]
    for section, count in found.parts[:TOP_PARTS]:
        lines.append(f"• {knowledge.section_title(section)} ({count})")
    if not found.logicas:
        lines += ["", NO_LOGICA, HOW]
        return lines
    logica_id, count = found.logicas[0]
    item = knowledge.items_by_id[logica_id]
    lines += ["", LOGICA.format(title=item.title, count=count, n=n, text=item.text)]
    questions = knowledge.questions_for_item(logica_id, who)
    if questions:
        lines += ["", THINK, questions[0].text]
    lines += ["", HOW]
    return lines
