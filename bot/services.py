"""The dependencies the core and the actions share, built once by `bot.wiring`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.storage.crypto import TextCipher

if TYPE_CHECKING:
    from bot.nlu import NLU
    from bot.privacy.guard import ClientDataGuard

# the session of the turn running in this task, if any (see Services.turn)
_turn_session: ContextVar[AsyncSession | None] = ContextVar("coach_turn_session", default=None)


@dataclass
class Services:
    settings: Settings
    knowledge: Knowledge
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cipher: TextCipher
    clock: Clock
    guard: ClientDataGuard | None = None
    # issue 16: the coach's NLU (loaded when first used), for reading stored texts (patterns)
    nlu: Callable[[], NLU] | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[AsyncSession]:
        """One transaction for a whole turn: all it reads and writes commits together or not
        at all, and `transaction()` inside it (the actions) joins it."""
        async with self.sessions.begin() as session:
            token = _turn_session.set(session)
            try:
                yield session
            finally:
                _turn_session.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """The running turn's session (committed with the turn), or else a new transaction.

        Code that may run inside a turn must use this rather than `sessions`: on SQLite a
        second transaction would wait for the one connection, which the turn holds."""
        current = _turn_session.get()
        if current is not None:
            yield current
            return
        async with self.sessions.begin() as session:
            yield session
