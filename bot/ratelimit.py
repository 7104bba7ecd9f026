"""One send rate for every process: Telegram allows a bot about 30 messages a second in all.

Each dispatcher process used to have its own 30 msg/s limiter, so three replicas sent 90/s
and got 429s. :class:`SharedRateLimiter` spaces sends evenly at `rate` per second across
all processes that share a Redis (``COACH_REDIS_URL``), and within one process without it.

The algorithm is GCRA ("virtual scheduling"): one key holds the theoretical arrival time
(TAT) of the next send. ``acquire()`` reserves a slot atomically — slot = max(TAT, now),
TAT = slot + 1/rate — and sleeps until its slot. Redis' own clock decides ``now``, so
processes with skewed clocks still agree, and one round trip suffices (no polling). Sends
are spaced, not bursted, so any window of one second holds at most `rate` of them, which is
what Telegram (and the fake Bot API's sliding window) checks.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any

# Slightly under Telegram's 30/s: the time between a slot starting and the Bot API counting
# the message jitters (a busy event loop, the network), so evenly spaced sends at exactly
# 30/s now and then put 31 in one second. At 29/s thirty sends span 1.034 s: 34 ms of slack,
# for 3.4 % more time (1,000 prompts in 34.5 s instead of 33.3 s).
TELEGRAM_SEND_RATE = 29.0

# KEYS[1]: the TAT key; ARGV[1]: the interval in microseconds. Returns the wait in µs.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tat, now)
local ttl = math.ceil((slot + interval - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', slot + interval), 'PX', ttl)
return slot - now
"""


class SharedRateLimiter:
    """`rate` acquisitions per second, evenly spaced; shared through Redis when given a URL."""

    def __init__(
        self,
        rate: float = TELEGRAM_SEND_RATE,
        redis_url: str | None = None,
        key: str = "coach:ratelimit:telegram",
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self.key = key
        self.redis_url = redis_url
        self._redis: Any = None
        self._script: Any = None
        self._tat = 0.0  # in-process: monotonic time of the next free slot

    @property
    def shared(self) -> bool:
        return self.redis_url is not None

    @property
    def scope(self) -> str:
        """issue 13: what the limit covers, for the log: all processes, or only this one."""
        if self.shared:
            return f"{self.rate:g}/s shared by every process (Redis)"
        return f"{self.rate:g}/s PER PROCESS (COACH_REDIS_URL not set: replicas add up)"

    async def acquire(self) -> None:
        """Wait for this caller's slot (a reservation: a cancelled waiter's slot goes unused)."""
        delay = await self._reserve()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _reserve(self) -> float:
        if self.redis_url is None:
            now = time.monotonic()
            slot = max(self._tat, now)
            self._tat = slot + self.interval
            return slot - now
        if self._script is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.redis_url)
            self._script = self._redis.register_script(_GCRA)
        micros = await self._script(keys=[self.key], args=[round(self.interval * 1_000_000)])
        return int(micros) / 1_000_000

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = self._script = None

    async def __aenter__(self) -> SharedRateLimiter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def telegram_send_limiter(
    redis_url: str | None, token: str, rate: float = TELEGRAM_SEND_RATE
) -> SharedRateLimiter:
    """The limiter for one bot's sends: the key is per bot token (hashed, never stored)."""
    bot = hashlib.sha256(token.encode()).hexdigest()[:16]
    limiter = SharedRateLimiter(rate, redis_url, key=f"coach:ratelimit:telegram:{bot}")
    logging.getLogger(__name__).info("prompt send limit: %s", limiter.scope)
    return limiter


def prompt_send_rate(configured: float) -> float:
    """issue 13: TELEGRAM_SEND_RATE paces the prompts, with the same slack as the default
    (30/s configured -> 29/s, see TELEGRAM_SEND_RATE above)."""
    return configured * TELEGRAM_SEND_RATE / 30.0
