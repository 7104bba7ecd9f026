"""Every way a prompt delivery fails: one attempt per run, backoff, nothing recorded as asked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.delivery import MAX_ATTEMPTS, telegram_sender
from bot.ratelimit import SharedRateLimiter
from bot.scheduler import PromptDispatcher
from bot.storage.models import PromptSchedule, QuestionAsked, User
from tests.helpers import onboard, user

CHAT = "424242"


class FailingBot:
    """Stands in for the Bot API's answer: raises `error` (or sleeps) on every send."""

    def __init__(self, error: BaseException | None = None, hang: float = 0.0) -> None:
        self.error = error
        self.hang = hang
        self.attempts = 0
        self.sent: list[str] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.attempts += 1
        if self.hang:
            await asyncio.sleep(self.hang)
        if self.error is not None:
            raise self.error
        self.sent.append(text)

    async def send_document(self, chat_id: int, *_: Any, **__: Any) -> None:
        await self.send_message(chat_id, "<document>")


class Signer:
    def sign(self, *args: Any) -> str:
        return "sig"


async def _setup(coach: Coach, clock: FrozenClock, channel: str = "telegram") -> None:
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    who = user(CHAT, channel)
    await onboard(coach, who)
    await coach.handle(who, "/dagelijks om 08:30")
    clock.now = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)


async def _row(coach: Coach) -> tuple[PromptSchedule, int]:
    async with coach.services.sessions() as session:
        uid = await session.scalar(select(User.id).where(User.channel_user_id == CHAT))
        row = await session.get(PromptSchedule, uid)
        asked = await session.scalar(
            select(func.count()).select_from(QuestionAsked).where(QuestionAsked.user_id == uid)
        )
        assert row is not None
        return row, int(asked or 0)


def _dispatcher(coach: Coach, bot: FailingBot, limiter: Any = None, **kw: Any) -> PromptDispatcher:
    sender = telegram_sender(bot, Signer(), limiter)
    return PromptDispatcher(coach, {"telegram": sender}, worker="w1", **kw)


RETRYABLE = [
    pytest.param(BadRequest("Chat not found"), id="400"),
    pytest.param(RetryAfter(120), id="429"),
    pytest.param(NetworkError("500 Internal Server Error"), id="500"),
    pytest.param(TimedOut(), id="timeout"),
]


@pytest.mark.parametrize("error", RETRYABLE)
async def test_a_failed_send_is_tried_once_backs_off_and_is_not_recorded(
    coach: Coach, clock: FrozenClock, error: BaseException
) -> None:
    await _setup(coach, clock)
    bot = FailingBot(error)
    before = (await _row(coach))[1]
    assert await _dispatcher(coach, bot).run_once() == 0
    assert bot.attempts == 1  # not a loop: one attempt in one run
    row, asked = await _row(coach)
    assert asked == before  # the question was not recorded as asked
    assert row.failed_attempts == 1 and row.claimed_by is None
    reason = "Retry in 120" if isinstance(error, RetryAfter) else type(error).__name__
    assert row.last_error is not None and reason in row.last_error
    assert row.next_due_at is not None
    wait = row.next_due_at - clock.now
    assert wait >= timedelta(minutes=1)
    if isinstance(error, RetryAfter):
        assert wait >= timedelta(seconds=120)
    # a second run at once finds nothing due: no retry before the backoff
    assert await _dispatcher(coach, bot).run_once() == 0
    assert bot.attempts == 1


async def test_backoff_grows_then_gives_up_for_the_day_and_succeeds_later(
    coach: Coach, clock: FrozenClock
) -> None:
    await _setup(coach, clock)
    bot = FailingBot(BadRequest("Chat not found"))
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await _dispatcher(coach, bot).run_once()
        row, _ = await _row(coach)
        assert row.next_due_at is not None
        waits.append(row.next_due_at - clock.now)
        assert bot.attempts == attempt
        clock.now = row.next_due_at
    assert waits[:-1] == sorted(waits[:-1]) and waits[0] < waits[-2]
    row, asked = await _row(coach)
    assert row.failed_attempts == 0  # given up for today: tomorrow starts afresh
    assert row.next_due_at is not None and row.next_due_at.date() > datetime(2026, 3, 2).date()
    bot.error = None
    assert await _dispatcher(coach, bot).run_once() == 1
    assert bot.sent and (await _row(coach))[1] == asked + 1


async def test_403_pauses_the_schedule(coach: Coach, clock: FrozenClock) -> None:
    await _setup(coach, clock)
    bot = FailingBot(Forbidden("Forbidden: bot was blocked by the user"))
    assert await _dispatcher(coach, bot).run_once() == 0
    row, _ = await _row(coach)
    assert bot.attempts == 1 and row.active is False


async def test_a_send_that_hangs_times_out(coach: Coach, clock: FrozenClock) -> None:
    await _setup(coach, clock)
    bot = FailingBot(hang=5.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await _dispatcher(coach, bot, send_timeout=0.2).run_once() == 0
    assert loop.time() - started < 3
    row, _ = await _row(coach)
    assert row.failed_attempts == 1 and "TimeoutError" in (row.last_error or "")


async def test_a_channel_without_a_sender_is_not_claimed(coach: Coach, clock: FrozenClock) -> None:
    """A shell user's daily question is left to a process that can deliver it: not claimed,
    not failed, not pushed on (a `coach web` process beside this one may deliver its own)."""
    await _setup(coach, clock, channel="shell")
    bot = FailingBot()
    before_row, before = await _row(coach)
    due = before_row.next_due_at
    assert await _dispatcher(coach, bot).run_once() == 0
    row, asked = await _row(coach)
    assert bot.attempts == 0 and asked == before
    assert row.failed_attempts == 0 and row.active is True and row.claimed_by is None
    assert row.next_due_at == due


async def test_a_non_numeric_id_on_telegram_fails_once(coach: Coach, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    who = user("local", "telegram")
    await onboard(coach, who)
    await coach.handle(who, "/dagelijks om 08:30")
    clock.now = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
    bot = FailingBot()
    assert await _dispatcher(coach, bot).run_once() == 0
    assert bot.attempts == 0


async def test_redis_down_fails_once_and_backs_off(coach: Coach, clock: FrozenClock) -> None:
    await _setup(coach, clock)
    bot = FailingBot()
    async with SharedRateLimiter(29.0, "redis://127.0.0.1:1/0") as limiter:
        assert await _dispatcher(coach, bot, limiter).run_once() == 0
    row, _ = await _row(coach)
    assert bot.attempts == 0 and row.failed_attempts == 1
    assert "ConnectionError" in (row.last_error or "")


async def test_stop_ends_a_run_before_the_next_send(coach: Coach, clock: FrozenClock) -> None:
    await _setup(coach, clock)
    bot = FailingBot()
    dispatcher = _dispatcher(coach, bot)
    dispatcher.stop()
    assert await dispatcher.run_once() == 0
    row, _ = await _row(coach)
    assert bot.attempts == 0 and row.claimed_by is None
