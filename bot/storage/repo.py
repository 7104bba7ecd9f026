"""Queries the core and the actions share; each takes the session it runs in.

The statements of every message (loading and saving the dialogue state, the question and
lesson logs, storing a reflection) are SQLAlchemy Core on the session's connection: no
identity map or unit of work for rows the turn never changes again. That is most of the
database's share of a turn's CPU; and they are built once, with bound parameters, rather
than at every call. The rest uses the ORM.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.schedule import switch_off  # issue 16
from bot.storage.crypto import TextCipher
from bot.storage.models import (
    USER_TABLES,
    DialogueState,
    LessonView,
    Note,
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


USERS = cast(Table, User.__table__)
STATES = cast(Table, DialogueState.__table__)
REFLECTIONS = cast(Table, Reflection.__table__)
QUESTIONS_ASKED = cast(Table, QuestionAsked.__table__)
LESSON_VIEWS = cast(Table, LessonView.__table__)
PROCESSED_UPDATES = cast(Table, ProcessedUpdate.__table__)

# the statements of every message, built once
LOCK_USER = text("SELECT pg_advisory_xact_lock(:key)")
LOCK_USER_AND_CLAIM_UPDATE = text(  # PostgreSQL: both in one round trip, the lock first
    "WITH locked AS (SELECT pg_advisory_xact_lock(:key)) "
    "INSERT INTO processed_updates (delivery_key, processed_at) "
    "SELECT CAST(:delivery_key AS VARCHAR), CAST(:processed_at AS TIMESTAMPTZ) FROM locked "
    "ON CONFLICT (delivery_key) DO NOTHING RETURNING delivery_key"
)
LOAD_USER_AND_STATE = (
    select(
        USERS.c.id,
        USERS.c.role,
        USERS.c.timezone,
        STATES.c.state,
        STATES.c.data,
        USERS.c.keep_answers,  # issue 12
    )
    .select_from(USERS.outerjoin(STATES, STATES.c.user_id == USERS.c.id))
    .where(
        USERS.c.channel == bindparam("channel"),
        USERS.c.channel_user_id == bindparam("channel_user_id"),
    )
)
UPDATE_STATE = (
    update(STATES)
    .where(STATES.c.user_id == bindparam("uid"))
    .values(state=bindparam("state"), data=bindparam("data"))
)
INSERT_STATE = insert(STATES)
INSERT_REFLECTION = insert(REFLECTIONS).returning(REFLECTIONS.c.id)
COUNT_REFLECTIONS = (
    select(func.count())
    .select_from(REFLECTIONS)
    .where(REFLECTIONS.c.user_id == bindparam("user_id"))
)
DUPLICATE_WINDOW = timedelta(minutes=1)  # issue 15: the same reflection again is stored once
RECENT_REFLECTIONS = select(REFLECTIONS.c.id, REFLECTIONS.c.text).where(
    REFLECTIONS.c.user_id == bindparam("user_id"),
    REFLECTIONS.c.created_at >= bindparam("since"),
)
INSERT_QUESTION_ASKED = insert(QUESTIONS_ASKED)
QUESTIONS_ASKED_OF = (
    select(QUESTIONS_ASKED.c.question_id)
    .where(QUESTIONS_ASKED.c.user_id == bindparam("user_id"))
    .order_by(QUESTIONS_ASKED.c.asked_at, QUESTIONS_ASKED.c.id)
)
INSERT_LESSON_VIEW = insert(LESSON_VIEWS)
CLAIM_UPDATE_SQLITE = (
    sqlite.insert(PROCESSED_UPDATES)
    .on_conflict_do_nothing(index_elements=["delivery_key"])
    .returning(PROCESSED_UPDATES.c.delivery_key)
)


@dataclass(frozen=True)
class UserState:
    """What a turn needs of its user: id, role, time zone and the saved dialogue state."""

    user_id: int
    role: str | None
    timezone: str
    state: str | None  # None: nothing saved yet
    data: dict[str, Any]
    keep_answers: bool = False  # issue 12: keep reflections without asking first


async def begin_turn(
    session: AsyncSession,
    channel: str,
    channel_user_id: str,
    delivery: str | int | None,
    now: datetime,
) -> bool:
    """The first statement of a turn. On PostgreSQL it takes the user's advisory lock, held
    until the transaction ends, so that replicas run one user's turns one at a time (SQLite
    transactions begin IMMEDIATE: one writer). With a channel `delivery` key (Telegram:
    bot.inbox.delivery_key) it also records that key: False when the delivery was handled
    before. The record is an INSERT … ON CONFLICT DO NOTHING: a concurrent claim of the same
    key waits for the first transaction and then finds the row."""
    conn = await session.connection()
    key = None if delivery is None else str(delivery)
    if conn.dialect.name == "postgresql":
        lock = zlib.crc32(f"{channel}:{channel_user_id}".encode()) - 2**31
        if key is None:
            await conn.execute(LOCK_USER, {"key": lock})
            return True
        params = {"key": lock, "delivery_key": key, "processed_at": now}
        return (await conn.execute(LOCK_USER_AND_CLAIM_UPDATE, params)).first() is not None
    if key is None:
        return True
    params = {"delivery_key": key, "processed_at": now}
    return (await conn.execute(CLAIM_UPDATE_SQLITE, params)).first() is not None


# issue 15: state slots that hold a user's own words (a reflection waiting for the client-data
# or "answer or question?" choice): encrypted like reflections, and dropped after a day
SECRET_SLOTS = ("pending_text",)
PENDING_UNTIL = "pending_until"
PENDING_KEPT = timedelta(hours=24)
PENDING_FLOW = (
    "pending_kinds",
    "return_state",
    "pending_note",
    "nb_pending",
    "nb_choice",
)  # the choice a pending text waited for


def seal_state(data: dict[str, Any], cipher: TextCipher, now: datetime) -> dict[str, Any]:
    """The state as stored: secret slots encrypted, with the moment they expire."""
    sealed = dict(data)
    secret = [k for k in SECRET_SLOTS if isinstance(sealed.get(k), str)]
    if not secret:
        sealed.pop(PENDING_UNTIL, None)
        return sealed
    sealed.setdefault(PENDING_UNTIL, (now + PENDING_KEPT).isoformat())
    for key in secret:
        sealed[key] = cipher.encrypt(sealed[key])
    return sealed


def open_state(
    data: dict[str, Any], cipher: TextCipher, now: datetime
) -> tuple[dict[str, Any], bool]:
    """The state as a turn uses it: secret slots decrypted, or gone once expired (True)."""
    opened = dict(data)
    until = opened.get(PENDING_UNTIL)
    expired = isinstance(until, str) and datetime.fromisoformat(until) <= now
    for key in SECRET_SLOTS:
        if isinstance(opened.get(key), str):
            if expired:
                opened.pop(key)
            else:
                opened[key] = cipher.decrypt(opened[key])
    if expired:
        for key in (PENDING_UNTIL, *PENDING_FLOW):
            opened.pop(key, None)
    return opened, expired


async def load_user_and_state(
    session: AsyncSession,
    channel: str,
    channel_user_id: str,
    timezone: str,
    cipher: TextCipher | None = None,
    now: datetime | None = None,
) -> UserState:
    """The user (created on first contact) and their dialogue state, in one query (with a
    `cipher` and `now`: its secret slots opened, see open_state)."""
    conn = await session.connection()
    params = {"channel": channel, "channel_user_id": channel_user_id}
    row = (await conn.execute(LOAD_USER_AND_STATE, params)).first()
    if row is None:
        user = await get_or_create_user(session, channel, channel_user_id, timezone)
        return UserState(user.id, user.role, user.timezone, None, {})
    data, state = dict(row.data or {}), row.state
    if cipher is not None and now is not None:
        data, expired = open_state(data, cipher, now)
        if expired:  # the choice it waited for is gone with it: start afresh, text erased
            state = "idle"
            await conn.execute(UPDATE_STATE, {"uid": row.id, "state": state, "data": data})
    return UserState(row.id, row.role, row.timezone, state, data, bool(row.keep_answers))


async def save_state(
    session: AsyncSession,
    user_id: int,
    state: str,
    data: dict[str, Any],
    *,
    exists: bool,
    cipher: TextCipher | None = None,
    now: datetime | None = None,
) -> None:
    """Write the dialogue state: an update of the row `load_user_and_state` found, or else
    the first row (with a `cipher` and `now`: its secret slots sealed, see seal_state)."""
    if cipher is not None and now is not None:
        data = seal_state(data, cipher, now)
    conn = await session.connection()
    if exists:
        await conn.execute(UPDATE_STATE, {"uid": user_id, "state": state, "data": data})
    else:
        await conn.execute(INSERT_STATE, {"user_id": user_id, "state": state, "data": data})


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
) -> int:
    """Store a reflection (its text encrypted when a key is set); returns its id.

    issue 15: the same text from the same user within a minute (sent again because a reply
    did not arrive) is stored once: the id of the first is returned."""
    conn = await session.connection()
    since = {"user_id": user_id, "since": now - DUPLICATE_WINDOW}
    for found, stored in (await conn.execute(RECENT_REFLECTIONS, since)).all():
        if cipher.decrypt(stored) == text:
            return int(found)
    row = {
        "user_id": user_id,
        "prompt": prompt,
        "text": cipher.encrypt(text),
        "question_id": question_id,
        "lesson_id": lesson_id,
        "theme": theme,
        "parent_id": parent_id,
        "source": source,
        "created_at": now,
    }
    return int((await conn.execute(INSERT_REFLECTION, row)).scalar_one())


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
    conn = await session.connection()
    return int((await conn.execute(COUNT_REFLECTIONS, {"user_id": user_id})).scalar() or 0)


async def record_question(
    session: AsyncSession, user_id: int, question_id: str, now: datetime
) -> None:
    conn = await session.connection()
    row = {"user_id": user_id, "question_id": question_id, "asked_at": now}
    await conn.execute(INSERT_QUESTION_ASKED, row)


async def asked_questions(session: AsyncSession, user_id: int) -> list[str]:
    """Question ids asked of this user, oldest first."""
    conn = await session.connection()
    return list((await conn.execute(QUESTIONS_ASKED_OF, {"user_id": user_id})).scalars())


async def record_lesson_view(
    session: AsyncSession, user_id: int, lesson_id: str, now: datetime
) -> None:
    conn = await session.connection()
    row = {"user_id": user_id, "lesson_id": lesson_id, "viewed_at": now}
    await conn.execute(INSERT_LESSON_VIEW, row)


async def recent_lessons(session: AsyncSession, user_id: int, since: datetime) -> list[str]:
    rows = await session.scalars(
        select(LessonView.lesson_id)
        .where(LessonView.user_id == user_id, LessonView.viewed_at >= since)
        .order_by(LessonView.viewed_at.desc())
    )
    return list(rows)


async def mark_blocked(
    session: AsyncSession, channel: str, channel_user_id: str, now: datetime
) -> None:
    """The user blocked the bot: stop sending until they write again."""
    user = await session.scalar(
        select(User).where(User.channel == channel, User.channel_user_id == channel_user_id)
    )
    if user is not None:
        user.blocked_at = now
        # issue 16: the schedule owner switches it off
        switch_off(await session.get(PromptSchedule, user.id))


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
            "weekdays": schedule.weekdays,  # issue 16: bit 0 = Monday
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
        "dialogue_state": None if state is None else _state_export(state, cipher),
        "questions_asked": [
            {"question_id": a.question_id, "asked_at": a.asked_at.isoformat()} for a in asked
        ],
        "lessons_viewed": [
            {"lesson_id": v.lesson_id, "viewed_at": v.viewed_at.isoformat()} for v in views
        ],
        # issue 16: the notebook's second kind
        "notes": [
            {
                "id": n.id,
                "created_at": n.created_at.isoformat(),
                "lesson_id": n.lesson_id,
                "text": cipher.decrypt(n.text),
            }
            for n in await session.scalars(
                select(Note).where(Note.user_id == user_id).order_by(Note.created_at, Note.id)
            )
        ],
    }
    return _user_export(user, reflections, cipher, extra)


def _state_export(state: DialogueState, cipher: TextCipher) -> dict[str, Any]:
    """issue 15: the state's name, and a text waiting for the user's choice, if any."""
    exported: dict[str, Any] = {"state": state.state}
    data = state.data or {}
    for key in SECRET_SLOTS:
        if isinstance(data.get(key), str):
            exported[key] = cipher.decrypt(data[key])
            exported[PENDING_UNTIL] = data.get(PENDING_UNTIL)
    return exported


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
            "keep_answers": user.keep_answers,  # issue 12
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


# -- notes (the notebook's second kind; issue 16) --------------------------------------------
async def add_note(
    session: AsyncSession, cipher: TextCipher, user_id: int, text: str, now: datetime
) -> Note:
    """Keep a note (an agenda, a plan), encrypted like reflections."""
    note = Note(user_id=user_id, text=cipher.encrypt(text), created_at=now)
    session.add(note)
    await session.flush()
    return note


async def note_texts(session: AsyncSession, cipher: TextCipher, user_id: int) -> list[str]:
    """The user's notes, newest first, as plain text."""
    rows = await session.scalars(
        select(Note.text)
        .where(Note.user_id == user_id)
        .order_by(Note.created_at.desc(), Note.id.desc())
    )
    return [cipher.decrypt(t) for t in rows]


# issue 15: for `coach maintenance purge` (#13): re-deliveries come within hours, not weeks
async def purge_processed_updates(session: AsyncSession, before: datetime) -> int:
    """Delete the records of updates processed before `before`; returns how many."""
    result = await session.execute(
        delete(PROCESSED_UPDATES).where(PROCESSED_UPDATES.c.processed_at < before)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge_left_behind(session: AsyncSession, before: datetime) -> tuple[int, int]:
    """issue 15: inbox updates (received) and outbox replies (recorded) before `before`:
    what a long outage or a double fault left; returns how many of each."""
    from bot.storage.models import InboxUpdate, OutboxReply

    inbox = await session.execute(delete(InboxUpdate).where(InboxUpdate.received_at < before))
    outbox = await session.execute(delete(OutboxReply).where(OutboxReply.created_at < before))
    return int(inbox.rowcount or 0), int(outbox.rowcount or 0)  # type: ignore[attr-defined]


# -- the notebook: one user's reflections and notes (issue 16) -------------------------------
# Every query below is filtered on the user's id: another user's entry is never found, even
# by its row id. Texts are decrypted by the caller (bot.storage.crypto), never matched in SQL.
async def notebook_rows(session: AsyncSession, user_id: int) -> tuple[list[Reflection], list[Note]]:
    reflections = await reflections_of(session, user_id)
    notes = list(
        await session.scalars(
            select(Note)
            .where(Note.user_id == user_id)
            .order_by(Note.created_at.desc(), Note.id.desc())
        )
    )
    return reflections, notes


async def count_notes(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Note).where(Note.user_id == user_id)
    )
    return int(count or 0)


def _split_key(key: str) -> tuple[type[Reflection] | type[Note], int] | None:
    kind, digits = key[:1], key[1:]
    if kind not in ("r", "n") or not digits.isdigit():
        return None
    return (Reflection if kind == "r" else Note), int(digits)


async def notebook_entry(session: AsyncSession, user_id: int, key: str) -> Reflection | Note | None:
    """The reflection ("r12") or note ("n3") of this user, else None."""
    found = _split_key(key)
    if found is None:
        return None
    model, row_id = found
    row: Reflection | Note | None = await session.get(model, row_id)
    return row if row is not None and row.user_id == user_id else None


async def set_entry_text(
    session: AsyncSession, cipher: TextCipher, user_id: int, key: str, text: str, now: datetime
) -> bool:
    """Replace the text of one entry of this user (encrypted as before); False if not theirs."""
    row = await notebook_entry(session, user_id, key)
    if row is None:
        return False
    row.text = cipher.encrypt(text)
    if isinstance(row, Note):
        row.updated_at = now
    await session.flush()
    return True


async def delete_entry(session: AsyncSession, user_id: int, key: str) -> bool:
    """Delete one entry of this user (a reflection with its follow-ups); the others stay."""
    found = _split_key(key)
    if found is None:
        return False
    model, row_id = found
    if model is Reflection:
        await session.execute(
            delete(Reflection).where(Reflection.user_id == user_id, Reflection.parent_id == row_id)
        )
    result = await session.execute(
        delete(model).where(model.id == row_id, model.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))
