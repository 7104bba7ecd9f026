"""issue 13: a revoked, expired, used-up or unknown invite code gets its own polite reply,
through the real Telegram adapter and the fake Bot API; nobody is stored for a refused code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram.ext import Application

from bot.clock import FrozenClock
from bot.core import texts
from bot.core.coach import Coach
from bot.settings import Settings
from bot.storage import invites
from bot.storage.models import Invite, User
from tests.channels.conftest import Talk
from tests.fakes import FakeBotApi


@pytest.fixture
def tg_settings(settings: Settings, fake: FakeBotApi) -> Settings:
    return settings.model_copy(
        update={
            "coach_access": "invite",
            "telegram_bot_token": fake.token,
            "telegram_api_base_url": fake.base_url,
            "telegram_api_file_url": fake.base_file_url,
        }
    )


async def test_each_refused_code_says_why_and_stores_nobody(
    app: Application, tg_coach: Coach, clock: FrozenClock, talk: Callable[[int], Talk]
) -> None:
    now = clock()
    async with tg_coach.services.sessions.begin() as session:
        revoked = (await invites.create(session, "Gemeente A", None, None, now)).code
        await invites.revoke(session, revoked)
        expired = (await invites.create(session, "Gemeente B", None, now, now)).code
        once = (await invites.create(session, "Gemeente C", 1, now + timedelta(days=9), now)).code

    first, second = talk(7001), talk(7002)
    [welcome] = await first.say(f"/start {once}", "Welkom")
    cases = {
        f"/start {revoked}": texts.INVITE_REFUSED["revoked"],
        f"/start {expired}": texts.INVITE_REFUSED["expired"],
        f"/start {once}": texts.INVITE_REFUSED["used_up"],
        "/start nietbestaand123": texts.INVITE_REFUSED["unknown"],
        "/start": texts.NO_ACCESS,
        "hallo": texts.NO_ACCESS,
    }
    for text, expected in cases.items():
        [reply] = await second.say(text, expected)
        assert reply.params["text"] == expected, text
    assert len(set(cases.values())) == 5  # four reasons, each its own text, and the general one
    for expected in texts.INVITE_REFUSED.values():
        assert "uitnodigingslink" in expected  # each says what to do next

    async with tg_coach.services.sessions() as session:
        users = (await session.scalars(select(User))).all()
        left = await session.scalar(select(Invite.uses_left).where(Invite.code == once))
        count = await session.scalar(select(func.count()).select_from(Invite))
    assert [u.channel_user_id for u in users] == ["7001"]  # the refused chat left no user
    assert users[0].invite_code == once and users[0].organisation == "Gemeente C"
    assert left == 0 and count == 3
    assert "Welkom" in welcome.params["text"]
