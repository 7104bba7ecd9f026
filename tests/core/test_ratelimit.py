"""The shared send limiter: 30/s in one process, and 30/s in all when they share a Redis."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid

import pytest

from bot.ratelimit import SharedRateLimiter, telegram_send_limiter

REDIS_URL = os.environ.get("COACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_url() -> str:
    from redis.connection import parse_url

    where = parse_url(REDIS_URL)
    try:
        with socket.create_connection(
            (where.get("host", "127.0.0.1"), where.get("port", 6379)), timeout=1
        ):
            return REDIS_URL
    except OSError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")


async def _acquire_all(limiters: list[SharedRateLimiter], each: int) -> list[float]:
    """Each limiter (one per "process") acquires `each` times; returns the moments granted."""
    granted: list[float] = []

    async def worker(limiter: SharedRateLimiter) -> None:
        for _ in range(each):
            await limiter.acquire()
            granted.append(time.monotonic())

    await asyncio.gather(*(worker(limiter) for limiter in limiters))
    return sorted(granted)


def _assert_at_most_30_a_second(granted: list[float]) -> None:
    assert len(granted) == 60
    assert granted[-1] - granted[0] >= 1.9  # 59 intervals of 1/30 s
    # a sliding second never holds more than 30 (a few ms of scheduling slack)
    assert all(granted[i + 30] - granted[i] >= 0.98 for i in range(len(granted) - 30))


async def test_in_process_limiter_spaces_60_acquires_over_two_seconds() -> None:
    limiter = SharedRateLimiter(rate=30)
    granted = await _acquire_all([limiter] * 3, 20)
    _assert_at_most_30_a_second(granted)
    assert granted[-1] - granted[0] < 2.5


async def test_three_processes_share_one_rate_through_redis() -> None:
    url = _redis_url()
    key = f"coach:test:ratelimit:{uuid.uuid4().hex}"
    limiters = [SharedRateLimiter(rate=30, redis_url=url, key=key) for _ in range(3)]
    try:
        granted = await _acquire_all(limiters, 20)
    finally:
        for limiter in limiters:
            await limiter.aclose()
    _assert_at_most_30_a_second(granted)
    assert granted[-1] - granted[0] < 2.5


async def test_an_idle_limiter_lets_the_first_send_through_at_once() -> None:
    limiter = telegram_send_limiter(None, "123:abc")
    started = time.monotonic()
    await limiter.acquire()
    assert time.monotonic() - started < 0.01
    assert not limiter.shared and limiter.key.startswith("coach:ratelimit:telegram:")
    assert "123:abc" not in limiter.key


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SharedRateLimiter(rate=0)


async def test_prompt_bot_paces_sends_and_retries_through_the_shared_limiter() -> None:
    """Two "processes" (bots) at full speed share one 29/s limiter: no 429 from a 30/s API;
    a 429 that does come is retried after retry_after, again through the limiter."""
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.channels.telegram import RetryingRateLimiter
    from tests.fakes.telegram_api import FakeBotApi

    limiter = SharedRateLimiter(rate=29)
    async with FakeBotApi(rate_limit_per_second=30) as api:
        api.fail_next("sendMessage", status=429, retry_after=1)
        bots = [
            ExtBot(
                api.token,
                base_url=api.base_url,
                base_file_url=api.base_file_url,
                rate_limiter=RetryingRateLimiter(  # type: ignore[arg-type]
                    shared=limiter, max_retries=0, overall_max_rate=0
                ),
                request=HTTPXRequest(connection_pool_size=10),
            )
            for _ in range(2)
        ]
        for bot in bots:
            await bot.initialize()
        try:
            started = time.monotonic()
            await asyncio.gather(
                *(bots[i % 2].send_message(1000 + i, f"vraag {i}") for i in range(45))
            )
            elapsed = time.monotonic() - started
        finally:
            for bot in bots:
                await bot.shutdown()
    delivered = [c for c in api.calls if c.method == "sendMessage" and c.ok]
    assert sorted(c.chat_id for c in delivered) == list(range(1000, 1045))
    # 429s are not asserted away: on a loaded machine a paced send can still land late and
    # bunch up; what must hold is that every message arrives once, paced at the shared rate.
    assert elapsed >= 44 / 29
