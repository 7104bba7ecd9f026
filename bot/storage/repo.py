"""Queries the core and the actions share; each takes the session it runs in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.crypto import TextCipher
from bot.storage.models import (
    USER_TABLES,
    DialogueState,
    LessonView,
    Onboarding,
    ProcessedUpdate,
    PromptSchedule,
    QuestionAsked,
    Reflection,
    User,
)


async def get_or_create_user(
    session: AsyncSession, channel: str, channel_user_id: str, timezone: str
) -> User:
    user = await session.scalar(
        select(User).where(User.channel == channel, User.channel_user_id == channel_user_id)
    )
    if user is None:
        user = User(channel=channel, channel_user_id=channel_user_id, timezone=timezone)
        session.add(user)
        await session.flush()
    return user


async def load_user_and_state(
    session: AsyncSession, channel: str, channel_user_id: str, timezone: str
) -> tuple[User, DialogueState]:
    """The user (created on first contact) and their dialogue state, in one query."""
    found = (
        await session.execute(
            select(User, DialogueState)
            .outerjoin(DialogueState, DialogueState.user_id == User.id)
            .where(User.channel == channel, User.channel_user_id == channel_user_id)
        )
    ).first()
    if found is None:
        user = await get_or_create_user(session, channel, channel_user_id, timezone)
        return user, await load_state(session, user.id)
    user, state = found
    if state is None:
        state = await load_state(session, user.id)
    return user, state


async def load_state(session: AsyncSession, user_id: int) -> DialogueState:
    state = await session.get(DialogueState, user_id)
    if state is None:
        state = DialogueState(user_id=user_id, state="idle", data={})
        session.add(state)
    return state


async def add_reflection(
    session: AsyncSession,
    cipher: TextCipher,
    *,
    user_id: int,
    prompt: str,
    text: str,
    now: datetime,
    question_id: str | None = None,
    lesson_id: str | None = None,
    theme: str | None = None,
    parent_id: int | None = None,
    source: str = "dialogue",
) -> Reflection:
    reflection = Reflection(
        user_id=user_id,
        prompt=prompt,
        text=cipher.encrypt(text),
        question_id=question_id,
        lesson_id=lesson_id,
        theme=theme,
        parent_id=parent_id,
        source=source,
        created_at=now,
    )
    session.add(reflection)
    await session.flush()
    return reflection


async def reflections_of(
    session: AsyncSession, user_id: int, *, theme: str | None = None, limit: int | None = None
) -> list[Reflection]:
    query = select(Reflection).where(Reflection.user_id == user_id)
    if theme:
        query = query.where(Reflection.theme == theme)
    query = query.order_by(Reflection.created_at.desc(), Reflection.id.desc())
    if limit:
        query = query.limit(limit)
    return list(await session.scalars(query))


async def count_reflections(session: AsyncSession, user_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Reflection).where(Reflection.user_id == user_id)
        )
        or 0
    )


async def record_question(
    session: AsyncSession, user_id: int, question_id: str, now: datetime
) -> None:
    session.add(QuestionAsked(user_id=user_id, question_id=question_id, asked_at=now))


async def asked_questions(session: AsyncSession, user_id: int) -> list[str]:
    """Question ids asked of this user, oldest first."""
    rows = await session.scalars(
        select(QuestionAsked.question_id)
        .where(QuestionAsked.user_id == user_id)
        .order_by(QuestionAsked.asked_at, QuestionAsked.id)
    )
    return list(rows)


async def record_lesson_view(
    session: AsyncSession, user_id: int, lesson_id: str, now: datetime
) -> None:
    session.add(LessonView(user_id=user_id, lesson_id=lesson_id, viewed_at=now))


async def recent_lessons(session: AsyncSession, user_id: int, since: datetime) -> list[str]:
    rows = await session.scalars(
        select(LessonView.lesson_id)
        .where(LessonView.user_id == user_id, LessonView.viewed_at >= since)
        .order_by(LessonView.viewed_at.desc())
    )
    return list(rows)


async def claim_update(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record a channel update id; False when it was handled before (a re-delivery).

    One INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a concurrent claim of the same id
    waits for the first transaction and then finds the row."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = await session.execute(
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    return result.first() is not None


async def mark_blocked(
    session: AsyncSession, channel: str, channel_user_id: str, now: datetime
) -> None:
    """The user blocked the bot: stop sending until they write again."""
    user = await session.scalar(
        select(User).where(User.channel == channel, User.channel_user_id == channel_user_id)
    )
    if user is not None:
        user.blocked_at = now
        schedule = await session.get(PromptSchedule, user.id)
        if schedule is not None:
            schedule.active = False


async def erase_user(session: AsyncSession, user_id: int) -> None:
    """Delete every row of this user in every table (explicitly, not relying on cascades)."""
    for model in USER_TABLES:
        await session.execute(delete(model).where(model.user_id == user_id))
    await session.execute(delete(User).where(User.id == user_id))


async def purge_old_reflections(session: AsyncSession, now: datetime, days: int) -> int:
    result = await session.execute(
        delete(Reflection).where(Reflection.created_at < now - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def export_user(
    session: AsyncSession, cipher: TextCipher, user_id: int
) -> dict[str, Any] | None:
    """All that is kept about one user, as plain data (the /export contract)."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    reflections = await reflections_of(session, user_id)
    schedule = await session.get(PromptSchedule, user_id)
    onboarding = await session.get(Onboarding, user_id)
    state = await session.get(DialogueState, user_id)
    asked = await session.scalars(
        select(QuestionAsked)
        .where(QuestionAsked.user_id == user_id)
        .order_by(QuestionAsked.asked_at)
    )
    views = await session.scalars(
        select(LessonView).where(LessonView.user_id == user_id).order_by(LessonView.viewed_at)
    )
    extra = {
        "daily_prompt": None
        if schedule is None
        else {
            "time": schedule.local_time,
            "weekdays_only": schedule.weekdays_only,
            "active": schedule.active,
            "paused_until": schedule.paused_until.isoformat() if schedule.paused_until else None,
            "weekly_review": schedule.weekly_review,
        },
        "onboarding": None
        if onboarding is None
        else {
            "day": onboarding.day,
            "status": onboarding.status,
            "started_at": onboarding.started_at.isoformat(),
        },
        "dialogue_state": None if state is None else {"state": state.state},
        "questions_asked": [
            {"question_id": a.question_id, "asked_at": a.asked_at.isoformat()} for a in asked
        ],
        "lessons_viewed": [
            {"lesson_id": v.lesson_id, "viewed_at": v.viewed_at.isoformat()} for v in views
        ],
    }
    return _user_export(user, reflections, cipher, extra)


def _user_export(
    user: User, reflections: list[Reflection], cipher: TextCipher, extra: dict[str, Any]
) -> dict[str, Any]:
    return {
        "user": {
            "channel": user.channel,
            "role": user.role,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "organisation": user.organisation,
            "new_in_work": user.new_in_work,
            "created_at": user.created_at.isoformat(),
        },
        "reflections": [
            {
                "id": r.id,
                "created_at": r.created_at.isoformat(),
                "question_id": r.question_id,
                "lesson_id": r.lesson_id,
                "theme": r.theme,
                "prompt": r.prompt,
                "text": cipher.decrypt(r.text),
                "parent_id": r.parent_id,
                "source": r.source,
            }
            for r in sorted(reflections, key=lambda r: (r.created_at, r.id))
        ],
        **extra,
    }
