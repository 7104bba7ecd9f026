"""Fixtures for the Telegram channel: the fake Bot API, settings pointing at it, a running bot.

`Talk` drives one private chat: it pushes updates into the fake and waits for the bot's
messages (no sleeps), returning the new `sendMessage` calls of that turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from telegram.ext import Application

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.nlu import NLU
from bot.settings import Settings
from tests.fakes import Call, FakeBotApi

TURN_TIMEOUT = 5.0
KEEP_ASKED = "Zal ik het bewaren?"  # issue 12


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def tg_settings(settings: Settings, fake: FakeBotApi) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": fake.token,
            "telegram_api_base_url": fake.base_url,
            "telegram_api_file_url": fake.base_file_url,
        }
    )


@pytest.fixture
async def tg_coach(tg_settings: Settings, clock: FrozenClock, nlu: NLU) -> AsyncIterator[Coach]:
    from bot.wiring import coach_for

    async with coach_for(tg_settings, clock, nlu=nlu) as built:
        yield built


@pytest.fixture
async def app(tg_settings: Settings, tg_coach: Coach) -> AsyncIterator[Application]:
    """The real PTB Application, long-polling the fake."""
    from bot.channels.telegram_run import polling

    async with polling(tg_settings, tg_coach, timeout=1) as running:
        yield running


def buttons(call: Call) -> list[dict[str, Any]]:
    """The inline buttons of a sent message, in order."""
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(call: Call, label: str) -> str:
    """The callback data of the button labelled `label`."""
    for b in buttons(call):
        if b["text"] == label:
            return str(b["callback_data"])
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons(call)]}")


class Talk:
    """One user in one private chat with the running bot."""

    def __init__(self, fake: FakeBotApi, chat_id: int) -> None:
        self.fake = fake
        self.chat_id = chat_id

    def _mine(self, call: Call) -> bool:
        return call.ok and call.method == "sendMessage" and call.chat_id == self.chat_id

    def sent(self) -> list[Call]:
        return [c for c in self.fake.calls if self._mine(c)]

    def texts(self) -> list[str]:
        return [c.params["text"] for c in self.sent()]

    async def until(
        self,
        expect: str | Callable[[str], bool],
        since: float,
        timeout: float = TURN_TIMEOUT,
    ) -> list[Call]:
        """Wait for a message to this chat (after `since`) whose text matches; return all new."""
        match = (lambda text: expect in text) if isinstance(expect, str) else expect
        await self.fake.wait_for(
            "sendMessage",
            timeout=timeout,
            predicate=lambda c: self._mine(c) and c.time >= since and match(c.params["text"]),
        )
        return [c for c in self.sent() if c.time >= since]

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def say(
        self, text: str, expect: str | Callable[[str], bool], timeout: float = TURN_TIMEOUT
    ) -> list[Call]:
        since = self.now()
        self.fake.push_message(self.chat_id, text)
        return await self.until(expect, since, timeout)

    async def press(
        self, call: Call, label: str, expect: str | Callable[[str], bool]
    ) -> list[Call]:
        """Press the button `label` under the bot message of `call`; waits for the answer too."""
        since = self.now()
        update = self.fake.push_callback(
            self.chat_id, button(call, label), call.result["message_id"]
        )
        query_id = update["callback_query"]["id"]
        await self.fake.wait_for(
            "answerCallbackQuery",
            predicate=lambda c: c.params.get("callback_query_id") == query_id,
        )
        return await self.until(expect, since)

    async def onboard(self) -> None:
        """/start → professional → not new."""
        [*_, ask_role] = await self.say("/start", "Wat is je rol?")
        [*_, ask_new] = await self.press(ask_role, "Klantmanager / begeleider", "nieuw in dit werk")
        await self.press(ask_new, "Nee", "Stel gerust je eerste vraag")

    async def reflect(self, answer: str) -> list[Call]:
        """Answer an open gesprekskaart question; confirms 'as answer' if the bot asks, and
        says 'ja' when it shows the answer and asks to keep it (issue 12)."""
        calls = await self.say(
            answer,
            lambda t: "Nog één stap verder" in t or "nieuwe vraag?" in t or KEEP_ASKED in t,
        )
        if "nieuwe vraag?" in calls[-1].params["text"]:
            calls = await self.press(calls[-1], "Bewaar als antwoord", "Nog één stap verder")
        if KEEP_ASKED in calls[-1].params["text"]:
            calls = await self.say("ja", "Nog één stap verder")
        return calls


@pytest.fixture
def talk(fake: FakeBotApi) -> Callable[[int], Talk]:
    return lambda chat_id: Talk(fake, chat_id)


async def eventually(check: Callable[[], Any], timeout: float = TURN_TIMEOUT) -> Any:
    """Poll `check` (sync or async) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


async def settled(app: Application, fake: FakeBotApi, timeout: float = TURN_TIMEOUT) -> None:
    """Every pushed update fetched by the bot and fully handled (idle for a few polls)."""
    quiet = 0

    def idle() -> bool:
        nonlocal quiet
        busy = (
            fake.pending_updates
            or not app.update_queue.empty()
            or app.update_processor.current_concurrent_updates
        )
        quiet = 0 if busy else quiet + 1
        return quiet >= 5

    await eventually(idle, timeout)
