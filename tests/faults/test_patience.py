"""issue 15: a turn that waits longer than ~3 s (a slow database) says "even geduld" first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from telegram.ext import Application

from bot.core import texts
from bot.core.coach import Coach
from tests.faults.conftest import Talk


async def test_slow_turn_sends_patience_then_the_answer(
    app: Application, tg_coach: Coach, talk: Callable[[int], Talk], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tg_coach.handle

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(3.5)
        return await real(*args, **kwargs)

    monkeypatch.setattr(tg_coach, "handle", slow)
    me = talk(7070)
    calls = await me.say("/privacy", "Wat ik bewaar", timeout=8)
    said = [c.params["text"] for c in calls]
    assert said[0] == texts.PATIENCE
    assert said.count(texts.PATIENCE) == 1
