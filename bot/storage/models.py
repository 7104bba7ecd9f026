"""Everything the bot keeps, per user. Erasing a user cascades through every table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.clock import utcnow


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so store naive UTC there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use bot.clock.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    organisation: Mapped[str | None] = mapped_column(String(120))
    new_in_work: Mapped[bool | None] = mapped_column(Boolean)
    # issue 12: keep a reflection without asking first ("bewaar mijn antwoorden altijd")
    keep_answers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    blocked_at: Mapped[datetime | None]
    invite_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reflections: Mapped[list[Reflection]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Reflection(Base):
    __tablename__ = "reflections"
    __table_args__ = (Index("ix_reflections_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    question_id: Mapped[str | None] = mapped_column(String(64))
    lesson_id: Mapped[str | None] = mapped_column(String(64))
    theme: Mapped[str | None] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)  # the question as it was asked
    text: Mapped[str] = mapped_column(Text)  # encrypted at rest when a key is configured
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16), default="dialogue")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="reflections")


class DialogueState(Base):
    """The named dialogue state and its small payload, so a restart continues the flow."""

    __tablename__ = "dialogue_states"

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), default="idle")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuestionAsked(Base):
    """Which gesprekskaart questions a user was asked, for rotation without repeats."""

    __tablename__ = "questions_asked"
    __table_args__ = (Index("ix_questions_asked_user", "user_id", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    question_id: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonView(Base):
    """Which lessons a user asked about, so prompts can lean to recent themes."""

    __tablename__ = "lesson_views"
    __table_args__ = (Index("ix_lesson_views_user", "user_id", "viewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    lesson_id: Mapped[str] = mapped_column(String(64))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromptSchedule(Base):
    """A user's daily prompt setting and the next moment one is due (UTC)."""

    __tablename__ = "prompt_schedules"
    __table_args__ = (Index("ix_prompt_schedules_due", "active", "next_due_at"),)

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    local_time: Mapped[str] = mapped_column(String(5))  # "08:30" in the user's time zone
    weekdays_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # issue 16: bit d set = a question on weekday d (0 = Monday); NULL = from weekdays_only
    weekdays: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[date | None] = mapped_column(Date)
    weekly_review: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    # issue 13: failed deliveries in a row today (backoff), and the last one's one-line reason
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(200))


class Onboarding(Base):
    __tablename__ = "onboarding"

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, default=1)  # the next day to send, 1..10
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|paused|done
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sent_on: Mapped[date | None] = mapped_column(Date)


class ProcessedUpdate(Base):
    """Deliveries already handled, so a re-delivery is handled once (purged after a week).

    issue 15: keyed by bot id, update id and a digest of the update (bot.inbox.delivery_key),
    not the update id alone: another token on the same database, or Telegram's counter
    starting again, brings the same ids with other messages, which must not be skipped."""

    __tablename__ = "processed_updates"

    delivery_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboxUpdate(Base):
    """issue 15: a Telegram update stored before it is acknowledged, until it is handled.

    The update (message text included) is encrypted like reflections; the row is deleted
    once handled. `lease_until`: the process that stored or claimed it handles it until
    then; after that (it died, or the database was down) any process takes it again."""

    __tablename__ = "telegram_inbox"
    __table_args__ = (Index("ix_telegram_inbox_lease", "lease_until"),)

    delivery_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)  # the update's JSON, encrypted
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxReply(Base):
    """issue 15: a reply of a committed turn, recorded with the turn, deleted once Telegram
    answered its send (that is its mark as sent). A row left behind by a process that died
    is sent by the sweeper of any process once its lease has run out (NULL: run out)."""

    __tablename__ = "telegram_outbox"
    __table_args__ = (Index("ix_telegram_outbox_lease", "lease_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: an erase turn's reply stays
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)  # the reply as JSON, encrypted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]


class Note(Base):
    """issue 16: something a user asked to keep that is not an answer to a question
    (an agenda, a plan); the second kind in the notebook, guard-checked like reflections."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    lesson_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # encrypted at rest when a key is configured
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class Invite(Base):
    """An invitation (deep link) for invite-only deployments; organisation is copied to users."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(120))
    uses_left: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


USER_TABLES = (
    Reflection,
    DialogueState,
    QuestionAsked,
    LessonView,
    PromptSchedule,
    Onboarding,
    OutboxReply,  # issue 15: a user's unsent replies go with the erase
    Note,  # issue 16
)


# issue 17: team insight is off unless an operator enables it for an organisation.
class OrgInsight(Base):
    """An organisation (as its invites name it) whose team leaders may see team insight."""

    __tablename__ = "org_insights"

    organisation: Mapped[str] = mapped_column(String(120), primary_key=True)
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- issue 18: the web chat's sessions, waiting prompts and /koppel codes ----------------------
class WebSession(Base):
    """A browser's session: only the SHA-256 of its cookie token is kept."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebPending(Base):
    """Prompts (daily question, onboarding day) that came due while the user was away."""

    __tablename__ = "web_pending"
    __table_args__ = (Index("ix_web_pending_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    replies: Mapped[dict[str, Any]] = mapped_column()  # {"replies": [...]} as the API sends them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkCode(Base):
    """A one-time /koppel code that joins a web user and a Telegram user into one notebook."""

    __tablename__ = "link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    expires_at: Mapped[datetime]


USER_TABLES = (*USER_TABLES, WebSession, WebPending, LinkCode)  # type: ignore[assignment]
