"""issue 18: a process remembers which user a session speaks as, but every turn checks the
session again inside its own transaction. Two `WebChannel`s on one database play two
`coach web` processes: what the one ends, the other does not run a turn for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.channels import web_link
from bot.channels.web import WebChannel
from bot.storage import repo
from bot.storage.models import QuestionAsked, Reflection, User, WebSession
from tests.web.test_web_http import _as, _said, _visitor

ANSWER = "Ik merkte dat ik snel een oordeel had en te weinig doorvroeg."


@pytest.fixture
async def two(coach: Any) -> AsyncIterator[tuple[TestClient, TestClient]]:
    async with (
        TestClient(TestServer(WebChannel(coach).app())) as one,
        TestClient(TestServer(WebChannel(coach).app())) as other,
    ):
        yield one, other


async def _onboarded(http: TestClient) -> dict[str, str]:
    me = await _visitor(http)
    for body in ({"text": "/start"}, {"action": "role:professional"}, {"action": "new:no"}):
        assert (await _as(http, me, **body))[0] == 200
    status, data = await _as(http, me, text="werkgever wil geen vrouw met een hoofddoek aannemen")
    assert status == 200 and "Bron:" in _said(data)
    return me


async def _count(coach: Any, model: Any) -> int:
    async with coach.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_logout_on_another_process_stops_the_next_turn(
    two: tuple[TestClient, TestClient], coach: Any
) -> None:
    one, other = two
    me = await _onboarded(one)  # `one` now knows the session
    assert (await _as(other, me, path="/api/logout"))[0] == 200
    assert await _count(coach, WebSession) == 0
    status, data = await _as(one, me, text=ANSWER)
    assert status == 401 and "aangemeld" in _said(data)
    assert await _count(coach, Reflection) == 0  # the answer's turn did not run


async def test_erase_on_another_process_does_not_bring_the_user_back(
    two: tuple[TestClient, TestClient], coach: Any
) -> None:
    one, other = two
    me = await _onboarded(one)
    assert await _count(coach, QuestionAsked) == 1
    await _as(other, me, text="/vergeet")
    status, data = await _as(other, me, action="delete:yes")
    assert status == 200 and data["ended"] is True
    for body in ({"text": ANSWER}, {"text": "/mijnreflecties"}, {"action": "new:no"}):
        assert (await _as(one, me, **body))[0] == 401
    # a turn for the remembered user would have made it anew (users start on first contact)
    for model in (User, WebSession, Reflection, QuestionAsked):
        assert await _count(coach, model) == 0


async def test_expired_session_is_refused_by_the_process_that_knew_it(
    two: tuple[TestClient, TestClient], coach: Any, clock: Any
) -> None:
    one, _ = two
    me = await _onboarded(one)
    clock.advance(days=31)  # COACH_WEB_SESSION_DAYS=30
    assert (await _as(one, me, text=ANSWER))[0] == 401
    assert await _count(coach, WebSession) == 0 and await _count(coach, Reflection) == 0


async def test_session_joined_by_koppel_elsewhere_speaks_as_the_kept_user(
    two: tuple[TestClient, TestClient], coach: Any
) -> None:
    """/koppel on Telegram joined this web user into a Telegram user (what `web_link.koppel`
    does on another process): this process's next turn runs as the Telegram user."""
    one, _ = two
    me = await _onboarded(one)
    async with coach.services.sessions.begin() as session:
        web_id = await session.scalar(select(User.id))
        telegram = await repo.get_or_create_user(session, "telegram", "4242", "Europe/Amsterdam")
        await web_link.merge(session, web_id, telegram.id)
    status, data = await _as(one, me, text="/mijnreflecties")
    assert status == 200 and data["replies"]
    async with coach.services.sessions() as session:
        users = list(await session.execute(select(User.id, User.channel)))
        assert [tuple(u) for u in users] == [(telegram.id, "telegram")]  # no web user anew
        assert await session.scalar(select(WebSession.user_id)) == telegram.id
