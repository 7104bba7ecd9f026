"""issue 15: the outbox owns what a committed turn has not sent. A turn deletes its update
from the inbox in its own transaction; a reply left unsent (the process died) is sent by the
sweeper once its lease has run out, once, in order; a re-delivered update sends nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from telegram.ext import Application

from bot.channels.telegram_run import CHANNEL_KEY, build_application
from bot.core.coach import Coach
from bot.core.replies import Button, Reply
from bot.settings import Settings
from bot.storage.models import InboxUpdate, OutboxReply
from tests.channels.conftest import eventually, settled
from tests.fakes import FakeBotApi
from tests.faults.conftest import Talk

CHAT = 1561


async def _count(coach: Coach, model: type) -> int:
    async with coach.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_replies_left_behind_are_sent_once_in_order_when_their_lease_runs_out(
    tg_settings: Settings, tg_coach: Coach, fake: FakeBotApi
) -> None:
    channel, app = build_application(tg_settings, tg_coach, updater=False)
    async with app:  # no polling and no sweeper task: this test sweeps by hand
        ids: list[int] = []
        record = channel.outbox.recorder(f"tg:1:{CHAT}:left", CHAT, ids)
        replies = [Reply("eerste deel"), Reply("tweede deel", ((Button("Ja", "keep:yes"),),))]
        async with tg_coach.services.sessions.begin() as session:  # a turn that committed...
            await record(session, 1, replies)
        # ...in a process that died before it sent them; while the lease runs, the replies
        # may still be on their way from that process
        assert await channel.resend_left(app.bot) == 0
        async with tg_coach.services.sessions.begin() as session:
            lapsed = tg_coach.services.clock() - timedelta(seconds=1)
            await session.execute(update(OutboxReply).values(lease_until=lapsed))
        channel._sending.update(ids)  # being sent by this process: not claimed
        assert await channel.resend_left(app.bot) == 0
        channel._sending.clear()
        assert await channel.resend_left(app.bot) == 2
        assert await channel.resend_left(app.bot) == 0
    sent = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == CHAT]
    assert [c.params["text"] for c in sent] == ["eerste deel", "tweede deel"]
    assert "inline_keyboard" in str(sent[1].params.get("reply_markup"))  # signed again
    assert await _count(tg_coach, OutboxReply) == 0


async def test_a_turn_ends_its_update_and_a_redelivery_sends_nothing(
    app: Application, fake: FakeBotApi, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    me = talk(CHAT + 1)
    since = me.now()
    first = fake.push_message(me.chat_id, "/privacy")
    await me.until("Wat ik bewaar", since)
    await settled(app, fake)
    assert await _count(tg_coach, InboxUpdate) == 0
    assert await _count(tg_coach, OutboxReply) == 0
    fake.push_update(first)  # Telegram delivers it again after the turn has run
    await eventually(lambda: not fake.pending_updates)
    await settled(app, fake)
    channel = app.bot_data[CHANNEL_KEY]
    await eventually(lambda: channel.inbox.busy == 0)
    assert len([t for t in me.texts() if t.startswith("Wat ik bewaar")]) == 1
    assert await _count(tg_coach, InboxUpdate) == 0  # stored again, found handled, deleted
