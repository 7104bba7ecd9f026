"""issue 15: a reflection waiting for the client-data choice is encrypted in dialogue_states
like reflections, is in the user's export, and is dropped after a day."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, text
from telegram.ext import Application

from bot.clock import FrozenClock
from bot.core import texts
from bot.core.coach import Coach
from bot.storage import repo
from bot.storage.models import DialogueState, Reflection, User
from tests.faults.conftest import Talk

WORDS = "belde me vandaag boos op over zijn uitkering"
MESSAGE = f"mijn klant met bsn 111222333 {WORDS}"


async def _raw_state(coach: Coach) -> str:
    async with coach.services.sessions() as session:
        rows = (await session.execute(text("SELECT state, data FROM dialogue_states"))).all()
    return " ".join(f"{state} {data}" for state, data in rows)


async def test_pending_text_is_encrypted_exported_and_expires(
    app: Application, tg_coach: Coach, talk: Callable[[int], Talk], clock: FrozenClock
) -> None:
    me = talk(1550)
    await me.onboard()
    await me.say("/reflectie", "Typ je antwoord")
    [*_, check] = await me.say(MESSAGE, "BSN")  # the client-data check waits for a choice
    raw = await _raw_state(tg_coach)
    assert "enc1:" in raw and WORDS not in raw and "111222333" not in raw

    async with tg_coach.services.sessions() as session:
        user = await session.scalar(select(User).where(User.channel_user_id == str(me.chat_id)))
        assert user is not None
        exported = await repo.export_user(session, tg_coach.services.cipher, user.id)
    assert exported is not None
    assert WORDS in exported["dialogue_state"]["pending_text"]
    assert exported["dialogue_state"]["pending_until"]

    clock.advance(hours=25)  # a day later the old button finds nothing to store
    await me.press(check, texts.STORE_REDACTED, lambda t: True)
    async with tg_coach.services.sessions() as session:
        assert list(await session.scalars(select(Reflection))) == []
        state = await session.scalar(select(DialogueState).where(DialogueState.user_id == user.id))
    assert state is not None and "pending_text" not in (state.data or {})
    assert WORDS not in await _raw_state(tg_coach)
