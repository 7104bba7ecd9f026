"""The channel-agnostic core: `Coach.handle(user, message) -> list[Reply]`.

A thin loop over the dialogue policy (`bot.core.conversation`). Each turn, in one database
transaction: load the user's dialogue state, read the message through the policy (which says
which steps to run), run each step's rasa-sdk action in-process, let the policy apply what it
did, and save the state: a turn's writes land together or not at all. Channels only translate
their updates into `Incoming` and render the `Reply` objects.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from rasa_sdk.executor import ActionExecutor
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import CoachAction
from bot.core import texts
from bot.core.conversation import Policy, Step, Turn
from bot.core.dialogue import State
from bot.core.replies import Incoming, Reply, UserRef
from bot.nlu import NLU
from bot.nlu.text import clean
from bot.services import Services
from bot.storage import repo
from bot.storage.db import checkpoint

__all__ = ["Coach", "Step", "Turn"]
log = logging.getLogger(__name__)
FLOOD_MESSAGES = 15
FLOOD_SECONDS = 30.0


class Coach:
    def __init__(
        self, services: Services, nlu: NLU | Callable[[], NLU], executor: ActionExecutor
    ) -> None:
        """`nlu` may be a factory: then the model loads at the first message that needs it
        (a prompt dispatcher never does)."""
        self.services = services
        self._nlu = nlu
        self._nlu_loading = threading.Lock()
        self.executor = executor
        # the registered action instances, called in-process (not through Rasa's JSON)
        self.actions: dict[str, CoachAction] = {
            name: run.__self__
            for name, run in executor.actions.items()
            if isinstance(getattr(run, "__self__", None), CoachAction)
        }
        self.policy = Policy(services, lambda: self.nlu, self.actions)
        self._locks: OrderedDict[tuple[str, str], asyncio.Lock] = OrderedDict()
        self._recent: dict[tuple[str, str], deque[float]] = {}

    @property
    def nlu(self) -> NLU:
        if not isinstance(self._nlu, NLU):
            with self._nlu_loading:  # load_nlu's thread may be at it already
                if not isinstance(self._nlu, NLU):
                    self._nlu = self._nlu()
        return self._nlu

    async def load_nlu(self) -> None:
        """Load a lazy model in a thread, so that start-up work such as connecting to
        Telegram goes on meanwhile; a message that comes first waits for it."""
        await asyncio.to_thread(lambda: self.nlu)

    def _lock(self, user: UserRef) -> asyncio.Lock:
        key = (user.channel, user.id)
        lock = self._locks.pop(key, None) or asyncio.Lock()
        self._locks[key] = lock
        while len(self._locks) > 10_000:
            oldest, old = next(iter(self._locks.items()))
            if old.locked():
                break
            self._locks.pop(oldest)
        return lock

    async def handle(
        self,
        user: UserRef,
        message: Incoming | str,
        check: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> list[Reply]:
        """One turn for one user, in one transaction; a user's turns run one after the other.

        issue 18: `check` runs first in the turn's transaction, under the user's lock (the web
        channel checks its session there); an exception from it rolls the turn back."""
        if isinstance(message, str):
            message = Incoming(text=message)
        svc = self.services
        async with self._lock(user), svc.turn() as session:
            if not await repo.begin_turn(
                session, user.channel, user.id, message.delivery_id, svc.clock()
            ):
                return []  # a re-delivery of a turn that has already run
            if check is not None:
                await check(session)
            if svc.settings.coach_access == "invite" and not await self._admit(
                session, user, message
            ):
                return [Reply(await self._refused(session, message))]
            turn = await self._load(session, user)
            if self._flooding(user):
                turn.replies.append(Reply(texts.SLOW_DOWN))
            for step in self.policy.read(turn, message):
                await self._run(turn, step)
            await self._save(session, turn)
            if message.record is not None:  # issue 15: the replies go with the turn
                await message.record(session, turn.user_id, turn.replies)
        if turn.state == State.ERASED:
            # once the erase has committed (SQLite has one connection, which the turn held):
            # secure_delete zeroed the rows; the checkpoint takes them out of the WAL too
            await checkpoint(svc.engine)
        return turn.replies

    async def prompt(
        self,
        user: UserRef,
        deliver: Callable[[list[Reply]], Awaitable[None]] | None = None,  # issue 13:
    ) -> list[Reply]:
        """The daily prompt for one user: today's onboarding day, or a rotating question.

        issue 13: with `deliver`, the replies are sent before the turn commits, so a failed
        send rolls the turn back and the question is not recorded as asked."""
        from bot.storage.models import Onboarding, PromptSchedule

        svc = self.services
        async with self._lock(user), svc.turn() as session:
            await repo.begin_turn(session, user.channel, user.id, None, svc.clock())
            turn = await self._load(session, user)
            onboarding = await session.get(Onboarding, turn.user_id)
            schedule = await session.get(PromptSchedule, turn.user_id)
            local = svc.clock().astimezone(ZoneInfo(turn.timezone))
            steps = self.policy.prompt(
                weekly_review=schedule is not None
                and schedule.weekly_review
                and local.weekday() == 0,  # Mondays
                onboarding=onboarding is not None and onboarding.status == "active",
            )
            for step in steps:
                await self._run(turn, step)
            await self._save(session, turn)
            if deliver is not None and turn.replies:  # issue 13: sent, then committed
                await deliver(turn.replies)
            return turn.replies

    def _flooding(self, user: UserRef) -> bool:
        """More than FLOOD_MESSAGES in FLOOD_SECONDS: say so once; every message is still read."""
        now = self.services.clock().timestamp()
        recent = self._recent.setdefault((user.channel, user.id), deque())
        while recent and now - recent[0] > FLOOD_SECONDS:
            recent.popleft()
        recent.append(now)
        if len(self._recent) > 10_000:
            self._recent.pop(next(iter(self._recent)))
        return len(recent) == FLOOD_MESSAGES + 1

    async def _admit(self, session: AsyncSession, user: UserRef, message: Incoming) -> bool:
        """Invite mode: known invited users, or a /start with a valid invite code."""
        from bot.storage import invites

        svc = self.services
        if await invites.admitted(session, user.channel, user.id):
            return True
        command, _, code = clean(message.text).partition(" ")
        if command.split("@")[0].lower() != "/start" or not code.strip():
            return False
        return await invites.redeem(
            session,
            code.strip()[:64],
            user.channel,
            user.id,
            svc.settings.coach_timezone,
            svc.clock(),
        )

    async def _refused(self, session: AsyncSession, message: Incoming) -> str:
        """issue 13: a revoked, expired, used-up or unknown code gets its own polite reply."""
        from bot.storage import invites

        command, _, code = clean(message.text).partition(" ")
        if command.split("@")[0].lower() != "/start" or not code.strip():
            return texts.NO_ACCESS
        kind = await invites.refusal_of(session, code.strip()[:64], self.services.clock())
        return texts.INVITE_REFUSED.get(kind, texts.NO_ACCESS)

    # -- state --------------------------------------------------------------------------
    async def _load(self, session: AsyncSession, user: UserRef) -> Turn:
        svc = self.services  # issue 15: a pending text is kept encrypted, for a limited time
        found = await repo.load_user_and_state(
            session, user.channel, user.id, svc.settings.coach_timezone, svc.cipher, svc.clock()
        )
        saved = None if found.state is None else (found.state, found.data)
        return Turn(
            found.user_id,
            found.role,
            found.timezone,
            found.state or State.IDLE,
            dict(found.data),
            saved=saved,
            keep_answers=found.keep_answers,
        )

    async def _save(self, session: AsyncSession, turn: Turn) -> None:
        if turn.state == State.ERASED:
            return
        data = {k: v for k, v in turn.data.items() if v is not None}
        if turn.saved == (turn.state, data):
            return  # nothing changed
        await repo.save_state(
            session,
            turn.user_id,
            turn.state,
            data,
            exists=turn.saved is not None,
            cipher=self.services.cipher,  # issue 15
            now=self.services.clock(),
        )

    # -- running actions ------------------------------------------------------------------
    async def _run(self, turn: Turn, step: Step) -> None:
        """Run one action in-process with typed arguments; the policy applies its outcome."""
        outcome = await self.actions[step.action].act(self.policy.call(turn, step))
        self.policy.after(turn, step, outcome)
