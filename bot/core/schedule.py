"""When a user's next daily prompt is due: local wall-clock time, in their zone, across DST."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


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
    """The first moment strictly after `after` at `local_time` in `tz` that is allowed.

    Wall-clock time is kept across daylight-saving changes (08:30 stays 08:30); a time
    that does not exist on the spring-forward day is moved forward by the gap.
    """
    wanted = parse_hhmm(local_time)
    day = after.astimezone(tz).date()
    for _ in range(400):
        if (not weekdays_only or day.weekday() < 5) and (
            paused_until is None or day >= paused_until
        ):
            candidate = datetime.combine(day, wanted, tzinfo=tz)
            # normalise a non-existent local time (spring forward) through UTC
            candidate = candidate.astimezone(ZoneInfo("UTC")).astimezone(tz)
            if candidate > after:
                return candidate.astimezone(ZoneInfo("UTC"))
        day += timedelta(days=1)
    raise ValueError("no allowed day within 400 days")


def missed_a_day(due: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """A prompt due on an earlier local day is skipped, not sent late (no pile-up)."""
    return due.astimezone(tz).date() < now.astimezone(tz).date()
