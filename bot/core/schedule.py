"""The schedule owner (issue 16): when a user's next daily prompt is due (local wall-clock
time, in their zone, across DST), and every change of the schedule row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.core.schedule_text import ScheduleRequest
    from bot.storage.models import PromptSchedule, User


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def next_due(
    local_time: str,
    tz: ZoneInfo,
    weekdays_only: bool,
    after: datetime,
    paused_until: date | None = None,
) -> datetime:
    """The first moment strictly after `after` at `local_time` in `tz` that is allowed
    (workdays only, or every day); see next_due_days for the rules."""
    days = WORKDAYS if weekdays_only else EVERY_DAY
    return next_due_days(local_time, tz, days, after, paused_until)


def missed_a_day(due: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """A prompt due on an earlier local day is skipped, not sent late (no pile-up)."""
    return due.astimezone(tz).date() < now.astimezone(tz).date()


# ---------------------------------------------------------------- issue 16: the one owner
# Every change of a user's schedule row and every next-due computation goes through the
# functions below (actions/schedule.py, actions/onboarding.py, bot/scheduler.py,
# bot/storage/repo.py call them).

WORKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
DEFAULT_TIME = "08:30"  # the onboarding's default: every workday at 08:30
DAY_ABBR = ("ma", "di", "wo", "do", "vr", "za", "zo")


def mask_of(days: frozenset[int] | set[int]) -> int:
    return sum(1 << d for d in days)


def days_of_mask(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def days_of(row: Any) -> frozenset[int]:
    """The row's weekdays: the `weekdays` mask, or (rows from before 0016) weekdays_only."""
    if row.weekdays is not None:
        return days_of_mask(row.weekdays)
    return WORKDAYS if row.weekdays_only else EVERY_DAY


def set_days(row: Any, days: frozenset[int]) -> None:
    row.weekdays = mask_of(days)
    row.weekdays_only = days == WORKDAYS  # kept in step for readers of the old column


def next_due_days(
    local_time: str,
    tz: ZoneInfo,
    days: frozenset[int],
    after: datetime,
    paused_until: date | None = None,
) -> datetime:
    """The first moment strictly after `after` at `local_time` in `tz` on one of `days`
    (0 = Monday), not before `paused_until`.

    Wall-clock time is kept across daylight-saving changes (08:30 stays 08:30); a time
    that does not exist on the spring-forward day is moved forward by the gap.
    """
    if not days:
        raise ValueError("no weekday chosen")
    wanted = parse_hhmm(local_time)
    day = after.astimezone(tz).date()
    for _ in range(400):
        if day.weekday() in days and (paused_until is None or day >= paused_until):
            candidate = datetime.combine(day, wanted, tzinfo=tz)
            # normalise a non-existent local time (spring forward) through UTC
            candidate = candidate.astimezone(ZoneInfo("UTC")).astimezone(tz)
            if candidate > after:
                return candidate.astimezone(ZoneInfo("UTC"))
        day += timedelta(days=1)
    raise ValueError("no allowed day within 400 days")


def reschedule(row: Any, tz: ZoneInfo, now: datetime) -> None:
    """Compute the row's next due moment after `now` and release any claim."""
    row.next_due_at = (
        next_due_days(row.local_time, tz, days_of(row), now, row.paused_until)
        if row.active
        else None
    )
    row.claimed_by = row.claimed_at = None


# the time zones a caseworker in the Netherlands is likely to have, in words; others by name
ZONE_NAMES = {
    "Europe/Amsterdam": "Nederlandse tijd",
    "Europe/Brussels": "Belgische tijd",
    "Europe/London": "Britse tijd",
    "America/Paramaribo": "Surinaamse tijd",
    "America/Curacao": "tijd op Curaçao",
    "America/Aruba": "tijd op Aruba",
    "America/Kralendijk": "tijd op Bonaire",
    "UTC": "UTC",
}


def zone_text(timezone: str) -> str:
    """ "Nederlandse tijd", or "tijdzone Europe/Berlin" for a zone without a Dutch name."""
    return ZONE_NAMES.get(timezone, f"tijdzone {timezone}")


def describe_row(row: Any | None, timezone: str = "Europe/Amsterdam") -> str:
    """ "ma, di, do, vr om 08:15 (Nederlandse tijd)" plus pause/stop state, in Dutch; the
    time zone is the user's own (`timezone`)."""
    if row is None:
        return "Je hebt nog geen dagelijkse vraag."
    when = f"{days_text(days_of(row))} om {row.local_time} ({zone_text(timezone)})"
    if not row.active:
        return f"Je dagelijkse vraag staat uit (was: {when})."
    if row.paused_until is not None:
        last = row.paused_until - timedelta(days=1)
        return (
            f"Je dagelijkse vraag staat op pauze tot en met {_long_date(last)}. "
            f"Daarna krijg je weer een vraag: {when}."
        )
    return f"Je krijgt een vraag: {when}."


def days_text(days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return "elke dag"
    if days == WORKDAYS:
        return "elke werkdag (ma t/m vr)"
    return ", ".join(DAY_ABBR[d] for d in sorted(days))


_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
    "september", "oktober", "november", "december",
)  # fmt: skip


def _long_date(d: date) -> str:
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"


async def get(session: AsyncSession, user_id: int) -> PromptSchedule | None:
    from bot.storage.models import PromptSchedule

    return await session.get(PromptSchedule, user_id)


def _new_row(session: AsyncSession, user_id: int) -> PromptSchedule:
    from bot.storage.models import PromptSchedule

    row = PromptSchedule(
        user_id=user_id, local_time=DEFAULT_TIME, weekdays_only=True, weekdays=mask_of(WORKDAYS)
    )
    row.active, row.paused_until, row.weekly_review = True, None, False
    session.add(row)
    return row


class NoDaysLeft(ValueError):
    """The change would leave no weekday at all."""


async def apply(
    session: AsyncSession, user: User, request: ScheduleRequest, now: datetime
) -> PromptSchedule | None:
    """Change the user's one schedule row as `request` says (set/pause/resume/stop).

    Creates the row on the first "set"; never a second one. Returns the row (None when
    there is none and the request does not create one)."""
    tz = ZoneInfo(user.timezone)
    row = await get(session, user.id)
    if row is None:
        if request.action != "set":
            return None
        row = _new_row(session, user.id)
    if request.action == "set":
        days = days_of(row)
        if request.days is not None:
            days = request.days
        if request.without is not None:
            days = days - request.without
        if not days:
            raise NoDaysLeft
        set_days(row, days)
        if request.time is not None:
            row.local_time = request.time.strftime("%H:%M")
        row.active, row.paused_until = True, None
    elif request.action == "pause":
        row.paused_until = request.until
        row.active = request.until is not None
    elif request.action == "resume":
        row.active, row.paused_until = True, None
    elif request.action == "stop":
        row.active, row.paused_until = False, None
    reschedule(row, tz, now)
    user.blocked_at = None
    return row


async def ensure_on(session: AsyncSession, user: User, now: datetime) -> PromptSchedule:
    """The onboarding's default: the daily question on (every workday at 08:30 if new);
    a running pause is kept."""
    row = await get(session, user.id)
    if row is None:
        row = _new_row(session, user.id)
    if not row.active or row.next_due_at is None:  # a pause the user chose stays
        if not row.active:
            row.active, row.paused_until = True, None
        reschedule(row, ZoneInfo(user.timezone), now)
    return row


def after_delivery(
    row: PromptSchedule, user: User, now: datetime, sent: bool, blocked: bool
) -> None:
    """The dispatcher finished with this row: blocked, or on to the next due moment."""
    row.claimed_by = row.claimed_at = None
    if blocked:
        row.active = False
        user.blocked_at = now
        return
    if sent:
        row.last_sent_at = now
    reschedule(row, ZoneInfo(user.timezone), now)


def switch_off(row: PromptSchedule | None) -> None:
    """The user blocked the bot (repo.mark_blocked)."""
    if row is not None:
        row.active = False
