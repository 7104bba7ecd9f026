"""Daily prompts: claim due schedules in the database, then deliver each exactly once.

A claim is one UPDATE … RETURNING on rows that are due and unclaimed (or whose claim's
lease ran out because a replica died). On PostgreSQL the candidate rows are picked with
`FOR UPDATE SKIP LOCKED`, so replicas never wait on or take each other's rows; SQLite
runs one writer at a time, which makes the same statement atomic there. The ticking is
PTB's JobQueue in the running bot (`PromptTicker`), or one pass with
`coach prompts dispatch --once` for cron-style deployments.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update

from bot.core.coach import Coach
from bot.core.replies import Reply, UserRef
from bot.core.schedule import after_delivery, missed_a_day, reschedule  # issue 16: owner API
from bot.delivery import (
    SEND_TIMEOUT,
    Blocked,
    ChannelSender,
    Senders,
    backoff,
    describe,
    telegram_sender,
)
from bot.metrics import PROMPTS_SENT
from bot.storage.models import PromptSchedule, User

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
CONCURRENCY = 10  # deliveries in flight per dispatcher (see PromptDispatcher.__init__)


Sender = ChannelSender  # the old name
__all__ = ["Blocked", "PromptDispatcher", "PromptTicker", "Sender", "telegram_sender"]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PromptDispatcher:
    def __init__(
        self,
        coach: Coach,
        senders: Senders,
        worker: str | None = None,
        batch: int = 100,
        concurrency: int = CONCURRENCY,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        # A prompt's turn holds one pooled connection (its advisory lock lives in the turn's
        # transaction); 10 in flight stay well inside the pool (10 + 20 overflow on
        # PostgreSQL) and still outpace the 30/s send limit.
        self.coach = coach
        # channel name -> sender. Only users of these channels are claimed: a `coach web`
        # process and a `coach telegram` process each deliver their own channel's prompts,
        # and a channel with no sender anywhere (the terminal shell) is never claimed at all.
        self.senders = senders
        self.send_timeout = send_timeout
        self._stopping = asyncio.Event()
        self.worker = worker or worker_name()
        self.batch = batch
        self.concurrency = concurrency

    async def claim(self) -> list[int]:
        """Atomically take up to `batch` due schedules for this worker."""
        svc = self.coach.services
        now = svc.clock()
        due = and_(
            PromptSchedule.active.is_(True),
            PromptSchedule.next_due_at <= now,
            or_(PromptSchedule.claimed_at.is_(None), PromptSchedule.claimed_at < now - LEASE),
            PromptSchedule.user_id.in_(
                select(User.id).where(User.channel.in_(sorted(self.senders)))
            ),
        )
        candidates = (
            select(PromptSchedule.user_id)
            .where(due)
            .order_by(PromptSchedule.next_due_at)
            .limit(self.batch)
        )
        async with svc.sessions.begin() as session:
            if svc.engine.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            result = await session.execute(
                update(PromptSchedule)
                .where(PromptSchedule.user_id.in_(candidates.scalar_subquery()), due)
                .values(claimed_by=self.worker, claimed_at=now)
                .returning(PromptSchedule.user_id)
                .execution_options(synchronize_session=False)
            )
            return [row[0] for row in result]

    def stop(self) -> None:
        """End a running `run_once` after the sends in flight (SIGTERM)."""
        self._stopping.set()

    async def run_once(self) -> int:
        """Claim and deliver until nothing new is due; returns how many prompts went out.

        A user is tried at most once per run: a failed delivery is pushed into the future
        (backoff), and a claim that brings back only users already tried ends the run."""
        sent = 0
        gate = asyncio.Semaphore(self.concurrency)
        tried: set[int] = set()

        async def one(user_id: int) -> bool:
            async with gate:
                if self._stopping.is_set():
                    await self._release(user_id)
                    return False
                return await self.deliver(user_id)

        while not self._stopping.is_set() and (ids := await self.claim()):
            fresh = [i for i in ids if i not in tried]
            for again in (i for i in ids if i in tried):
                await self._release(again)
            if not fresh:
                break
            tried.update(fresh)
            tasks = [asyncio.ensure_future(one(i)) for i in fresh]
            try:
                results = await asyncio.gather(*tasks)
            except asyncio.CancelledError:
                for task in tasks:
                    task.cancel()
                await asyncio.shield(self._release_all(fresh))
                raise
            sent += sum(results)
        return sent

    async def deliver(self, user_id: int) -> bool:
        svc = self.coach.services
        now = svc.clock()
        async with svc.sessions() as session:
            schedule = await session.get(PromptSchedule, user_id)
            user = await session.get(User, user_id)
            if schedule is None or user is None or schedule.claimed_by != self.worker:
                return False
            tz = ZoneInfo(user.timezone)
            ref = UserRef(user.channel, user.channel_user_id)
            due = schedule.next_due_at
            blocked = user.blocked_at is not None
        sender = self.senders.get(ref.channel)
        sent = False
        if sender is None:  # the user moved channel (/koppel) since the claim
            log.debug("no sender for channel %s; prompt skipped", ref.channel)
        elif due is not None and not blocked and not missed_a_day(due, now, tz):

            async def push(replies: list[Reply]) -> None:
                await asyncio.wait_for(sender(ref, replies), self.send_timeout)

            try:
                replies = await self.coach.prompt(ref, deliver=push)
                if replies:
                    sent = True
                    PROMPTS_SENT.labels("daily").inc()
            except Blocked:
                await self._finish(user_id, blocked=True)
                return False
            except Exception as exc:
                await self._failed(user_id, exc)
                return False
        await self._finish(user_id, sent=sent)
        return sent

    async def _failed(self, user_id: int, exc: BaseException) -> None:
        """Back off: the next try later and later, then given up for that day."""
        svc = self.coach.services
        now = svc.clock()
        why = describe(exc)
        async with svc.sessions.begin() as session:
            schedule = await session.get(PromptSchedule, user_id)
            user = await session.get(User, user_id)
            if schedule is None or user is None:
                return
            schedule.claimed_by = None
            schedule.claimed_at = None
            schedule.failed_attempts = (schedule.failed_attempts or 0) + 1
            schedule.last_error = why
            wait = backoff(schedule.failed_attempts, getattr(exc, "retry_after", None))
            if wait is None:
                schedule.failed_attempts = 0
                reschedule(schedule, ZoneInfo(user.timezone), now)  # issue 16: owner API
                log.warning(
                    "prompt delivery failed (%s); given up for today",
                    why,
                    extra={"user_id": user_id},
                )
            else:
                schedule.next_due_at = now + wait
                log.warning(
                    "prompt delivery failed (%s); next try in %d s",
                    why,
                    wait.total_seconds(),
                    extra={"user_id": user_id},
                )

    async def _release_all(self, user_ids: list[int]) -> None:
        for user_id in user_ids:
            await self._release(user_id)

    async def _finish(self, user_id: int, sent: bool = False, blocked: bool = False) -> None:
        svc = self.coach.services
        now = svc.clock()
        async with svc.sessions.begin() as session:
            schedule = await session.get(PromptSchedule, user_id)
            user = await session.get(User, user_id)
            if schedule is None or user is None:
                return
            schedule.failed_attempts = 0
            # issue 16: the schedule owner computes the next due moment
            after_delivery(schedule, user, now, sent=sent, blocked=blocked)

    async def _release(self, user_id: int) -> None:
        async with self.coach.services.sessions.begin() as session:
            schedule = await session.get(PromptSchedule, user_id)
            if schedule is not None:
                schedule.claimed_by = None
                schedule.claimed_at = None


TICK_SECONDS = 20.0


class PromptTicker:
    """What the running bot does every TICK_SECONDS: dispatch the due prompts, and once a
    day purge reflections past their retention. PTB's JobQueue (APScheduler) does the
    ticking; the claim in the database is what makes each prompt go out once."""

    def __init__(self, coach: Coach, dispatcher: PromptDispatcher) -> None:
        self.coach = coach
        self.dispatcher = dispatcher
        self.last_purge: date | None = None

    async def tick(self, _context: object = None) -> None:
        from bot.storage.maintenance import purge_all

        svc = self.coach.services
        try:
            await self.dispatcher.run_once()
            today = svc.clock().date()
            if self.last_purge != today:
                async with svc.sessions.begin() as session:
                    # issue 13: update ids and expired invites too
                    await purge_all(session, svc.clock(), svc.settings.coach_retention_days)
                self.last_purge = today
        except Exception:
            log.exception("prompt tick failed")

    def schedule(self, job_queue: Any, every: float = TICK_SECONDS) -> None:
        """One run at a time; a run that overlaps the next tick makes it wait, not pile up."""
        job_queue.run_repeating(
            self.tick,
            interval=every,
            first=1.0,
            name="daily-prompts",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
