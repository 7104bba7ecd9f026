"""Team insight with k-anonymity: which parts of the guide an organisation's users asked about
in the last 30 days, as counts only (from lesson views, never reflection texts, never who)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.knowledge import Knowledge
from bot.storage.models import LessonView, OrgInsight, User
from bot.team import texts

K_ANONYMITY = 5
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Insight:
    users: int
    counts: tuple[tuple[str, int], ...]  # (section title, questions asked), most first


async def set_enabled(session: AsyncSession, organisation: str, on: bool, now: datetime) -> None:
    await session.execute(delete(OrgInsight).where(OrgInsight.organisation == organisation))
    if on:
        session.add(OrgInsight(organisation=organisation, enabled_at=now))
    await session.flush()


async def enabled(session: AsyncSession, organisation: str | None) -> bool:
    if not organisation:
        return False
    return await session.get(OrgInsight, organisation) is not None


async def insight(
    session: AsyncSession, knowledge: Knowledge, organisation: str, now: datetime
) -> Insight | None:
    """None when fewer than K_ANONYMITY distinct users contributed in the window."""
    since = now - timedelta(days=WINDOW_DAYS)
    joined = (
        select(LessonView.lesson_id, LessonView.user_id)
        .join(User, User.id == LessonView.user_id)
        .where(User.organisation == organisation, LessonView.viewed_at >= since)
    ).subquery()
    users = await session.scalar(select(func.count(func.distinct(joined.c.user_id))))
    if not users or users < K_ANONYMITY:
        return None
    rows = await session.execute(
        select(joined.c.lesson_id, func.count()).group_by(joined.c.lesson_id)
    )
    per_section: dict[str, int] = {}
    for lesson_id, count in rows:
        item = knowledge.items_by_id.get(lesson_id)
        if item is None:
            continue
        section = knowledge.sections_by_id[item.section].title
        per_section[section] = per_section.get(section, 0) + int(count)
    ranked = tuple(sorted(per_section.items(), key=lambda kv: (-kv[1], kv[0])))
    return Insight(int(users), ranked)


def render(found: Insight | None) -> str:
    if found is None:
        return texts.INSIGHT_TOO_FEW.format(k=K_ANONYMITY)
    lines = [texts.INSIGHT_HEADER.format(users=found.users)]
    lines += [f"• {title}: {n}" for title, n in found.counts]
    return "\n".join(lines)
