"""Next-due computation in the user's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.core.schedule import missed_a_day, next_due

AMS = ZoneInfo("Europe/Amsterdam")


def test_0830_stays_0830_across_spring_forward() -> None:
    # 2026-03-29: clocks go from 02:00 to 03:00 in Amsterdam
    before = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    due = next_due("08:30", AMS, False, before)
    assert due.astimezone(AMS).strftime("%Y-%m-%d %H:%M") == "2026-03-29 08:30"
    assert due == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)  # UTC+2 after the change
    day_before = next_due("08:30", AMS, False, datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    assert day_before == datetime(2026, 3, 28, 7, 30, tzinfo=UTC)  # UTC+1 before


def test_0830_across_autumn_back() -> None:
    due = next_due("08:30", AMS, False, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    assert due == datetime(2026, 10, 25, 7, 30, tzinfo=UTC)


def test_nonexistent_local_time_moves_forward() -> None:
    due = next_due("02:30", AMS, False, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    local = due.astimezone(AMS)
    assert local.date() == date(2026, 3, 29) and local.hour == 3


def test_weekdays_only_skips_the_weekend() -> None:
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    due = next_due("08:30", AMS, True, friday_evening)
    assert due.astimezone(AMS).date() == date(2026, 3, 9)  # Monday


def test_pause_until_a_date() -> None:
    due = next_due(
        "08:30", AMS, False, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), paused_until=date(2026, 3, 10)
    )
    assert due.astimezone(AMS).date() == date(2026, 3, 10)


def test_strictly_after() -> None:
    exactly = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 local
    assert next_due("08:30", AMS, False, exactly) == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)


def test_missed_a_day() -> None:
    due = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert not missed_a_day(due, datetime(2026, 3, 2, 8, 5, tzinfo=UTC), AMS)
    assert missed_a_day(due, datetime(2026, 3, 3, 7, 0, tzinfo=UTC), AMS)
