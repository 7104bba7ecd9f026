"""issue 16: schedule requests in words change the one stored row, and the dispatcher sends
at the right minutes across a pause and a DST change (injectable FrozenClock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.core.schedule import days_of
from bot.scheduler import PromptDispatcher
from bot.storage.models import PromptSchedule, Reflection
from tests.core.test_prompts import Outbox, _schedule
from tests.helpers import onboard, texts, user


async def test_words_change_one_row_and_sends_follow_across_pause_and_dst(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 25, 6, 0, tzinfo=UTC)  # Wednesday; DST starts Sun 29 March
    await onboard(coach, anna)
    reply = texts(
        await coach.handle(anna, "kan de vraag voortaan op ma, wo en vr om kwart over 8?")
    )
    assert "ma, wo, vr om 08:15 (Nederlandse tijd)" in reply
    row = await _schedule(coach)
    assert days_of(row) == {0, 2, 4} and row.local_time == "08:15"
    # a change: the same row, never a second one
    reply = texts(await coach.handle(anna, "vrijdags werk ik niet"))
    assert "ma, wo om 08:15" in reply
    reply = texts(await coach.handle(anna, "dagelijkse vraag ook op vrijdag, ma, wo en vr"))
    assert "ma, wo, vr om 08:15" in reply
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PromptSchedule)) == 1
    assert "ingesteld" not in reply
    shown = texts(await coach.handle(anna, "wat staat er ingesteld?"))
    assert "ma, wo, vr om 08:15 (Nederlandse tijd)" in shown

    outbox = Outbox()
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    sent_at: list[datetime] = []
    end = datetime(2026, 4, 8, 0, 0, tzinfo=UTC)
    paused = stopped = False
    while clock.now < end:
        before = len(outbox.sent)
        await dispatcher.run_once()
        sent_at += [clock.now] * (len(outbox.sent) - before)
        if not paused and clock.now >= datetime(2026, 3, 30, 10, 0, tzinfo=UTC):
            reply = texts(await coach.handle(anna, "zet hem stil tot vrijdag"))
            assert "pauze tot en met donderdag 2 april" in reply
            paused = True
        if not stopped and clock.now >= datetime(2026, 4, 4, 10, 0, tzinfo=UTC):
            await coach.handle(anna, "sla over")  # leave the open question first
            reply = texts(await coach.handle(anna, "stop de dagelijkse vraag"))
            assert "staat uit" in reply
            stopped = True
        clock.advance(minutes=15)
    assert sent_at == [
        datetime(2026, 3, 25, 7, 15, tzinfo=UTC),  # 08:15 CET
        datetime(2026, 3, 27, 7, 15, tzinfo=UTC),
        datetime(2026, 3, 30, 6, 15, tzinfo=UTC),  # 08:15 CEST, after the change
        datetime(2026, 4, 3, 6, 15, tzinfo=UTC),  # Wed 1 April paused; Friday again
    ]
    assert (await _schedule(coach)).active is False


async def test_geen_tijd_keeps_the_question_open_and_stores_nothing(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 08:30")
    clock.now += timedelta(hours=2)
    outbox = Outbox()
    assert await PromptDispatcher(coach, {"test": outbox}, worker="w1").run_once() == 1
    reply = texts(await coach.handle(anna, "geen tijd"))
    assert "blijft vandaag open" in reply
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 0
    # later that day the answer is still taken as the answer to that question
    texts(await coach.handle(anna, "ik merk dat ik de intake vaak te snel doe"))
    await coach.handle(anna, "ja")
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 1
