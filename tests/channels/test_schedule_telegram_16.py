"""issue 16: the daily question in words through the real Telegram adapter (fake Bot API):
each request changes the one stored schedule row as said; another user's row is untouched."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from telegram.ext import Application

from bot.core.coach import Coach
from bot.core.schedule import days_of
from bot.storage.models import PromptSchedule, Reflection, User
from tests.channels.conftest import Talk

TalkTo = Callable[[int], Talk]


async def _row(coach: Coach, chat: int) -> PromptSchedule | None:
    async with coach.services.sessions() as session:
        uid = await session.scalar(select(User.id).where(User.channel_user_id == str(chat)))
        return await session.get(PromptSchedule, uid)


async def test_schedule_in_words_over_telegram(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    chat, other = 1601, 1602
    me, them = talk(chat), talk(other)
    await me.onboard()
    await them.onboard()
    await them.say("/dagelijks om 17:00", "17:00")
    await me.say("kan het voortaan om kwart over 8?", "om 08:15 (Nederlandse tijd)")
    row = await _row(tg_coach, chat)
    assert row is not None and row.local_time == "08:15" and row.active
    await me.say(
        "de vraag alleen op ma, di, do en vr", "ma, di, do, vr om 08:15 (Nederlandse tijd)"
    )
    await me.say("vrijdags werk ik niet", "ma, di, do om 08:15")
    row = await _row(tg_coach, chat)
    assert row is not None and days_of(row) == {0, 1, 3}
    await me.say("wat staat er ingesteld?", "ma, di, do om 08:15")
    await me.say("zet hem stil tot na de kerstvakantie", "Tot welke datum")
    await me.say("pauze tot 6 januari", "pauze tot en met")
    row = await _row(tg_coach, chat)
    assert row is not None and row.paused_until is not None
    assert (row.paused_until.month, row.paused_until.day) == (1, 6)
    await me.say("dagelijkse vraag na de lunch", "Hoe laat is dat voor jou")
    await me.say("hervat de dagelijkse vraag", "ma, di, do om 08:15")
    await me.say("stop de dagelijkse vraag", "staat uit")
    row = await _row(tg_coach, chat)
    assert row is not None and row.active is False and row.paused_until is None
    async with tg_coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PromptSchedule)) == 2
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 0
    theirs = await _row(tg_coach, other)
    assert theirs is not None and theirs.local_time == "17:00" and theirs.active
