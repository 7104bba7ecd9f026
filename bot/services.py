"""The dependencies the core and the actions share, built once by `bot.wiring`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.storage.crypto import TextCipher

if TYPE_CHECKING:
    from bot.privacy.guard import ClientDataGuard


@dataclass
class Services:
    settings: Settings
    knowledge: Knowledge
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cipher: TextCipher
    clock: Clock
    guard: ClientDataGuard | None = None
