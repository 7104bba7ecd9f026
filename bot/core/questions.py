"""Which gesprekskaart question to ask: fitting the lesson and role, rotating without repeats."""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge import Audience, Knowledge, Question


def current_cycle(pool: Sequence[Question], asked: Sequence[str]) -> set[str]:
    """Ids asked since the last time every question of the pool had been asked."""
    pool_ids = {q.id for q in pool}
    seen: set[str] = set()
    for qid in asked:
        if qid not in pool_ids:
            continue
        seen.add(qid)
        if seen == pool_ids:
            seen = set()
    return seen


def choose_question(
    knowledge: Knowledge,
    role: Audience,
    asked: Sequence[str],
    *,
    lesson_id: str | None = None,
    recent_lessons: Sequence[str] = (),
) -> Question:
    """A question for this role.

    With a lesson: a question of that lesson not asked lately. Without: the next question
    of the rotation (none repeats before all were asked), leaning towards the themes of
    the lessons the user recently asked about.
    """
    pool = knowledge.questions_for(role)
    last_asked = {qid: i for i, qid in enumerate(asked)}
    if lesson_id is not None:
        fitting = knowledge.questions_for_item(lesson_id, role)
        if fitting:
            return min(fitting, key=lambda q: (last_asked.get(q.id, -1), fitting.index(q)))
    done = current_cycle(pool, asked)
    remaining = [q for q in pool if q.id not in done] or list(pool)
    preferred: dict[str, int] = {}
    for rank, lid in enumerate(recent_lessons):
        item = knowledge.items_by_id.get(lid)
        if item is None:
            continue
        for qid in item.questions:
            preferred.setdefault(qid, rank)
        for q in pool:
            if q.theme == item.section:
                preferred.setdefault(q.id, rank + len(recent_lessons))
    return min(
        remaining,
        key=lambda q: (preferred.get(q.id, 10_000), pool.index(q)),
    )
