"""`/koppel` (issue 18): a web chat user and a Telegram user joined into one notebook with a
one-time code, through the web server and the real Telegram adapter on one database."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from telegram.ext import Application

from bot.channels import web_link
from bot.channels.web import WebChannel
from bot.core import texts
from bot.core.coach import Coach
from bot.storage.models import LinkCode, Reflection, User, WebSession
from tests.channels.conftest import KEEP_ASKED, Talk

QUESTION = "werkgever wil geen vrouw met een hoofddoek aannemen"
ON_WEB = "Op de webchat merkte ik dat ik te snel een oordeel had over de werkgever."
ON_TELEGRAM = "In Telegram merkte ik dat ik de klant eerst zelf wilde laten vertellen."


async def test_koppel_joins_web_and_telegram_into_one_notebook(
    app: Application, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    async with TestClient(TestServer(WebChannel(tg_coach).app())) as web:
        csrf = (await (await web.get("/api/session")).json())["csrf"]

        async def say(**body: Any) -> str:
            res = await web.post("/api/message", json=body, headers={"X-CSRF-Token": csrf})
            assert res.status == 200, await res.text()
            return "\n".join(r["html"] for r in (await res.json())["replies"])

        for body in ({"text": "/start"}, {"action": "role:professional"}, {"action": "new:no"}):
            await say(**body)
        assert texts.REFLECT_INTRO in await say(text=QUESTION)
        assert KEEP_ASKED in await say(text=ON_WEB)
        await say(text="ja")  # issue 12: kept after a yes

        me = talk(1801)
        await me.onboard()
        await me.say(QUESTION, texts.REFLECT_HINT)
        await me.reflect(ON_TELEGRAM)

        async with tg_coach.services.sessions() as session:
            users = dict((await session.execute(select(User.channel, User.id))).all())
            assert await session.scalar(select(func.count()).select_from(Reflection)) == 2
        # a code from one channel, used on that same channel, joins nothing
        [own] = await me.say("/koppel", "Je koppelcode is")
        own_code = re.search(r"/koppel ([A-Z0-9]{4}-[A-Z0-9]{4})", own.params["text"])
        assert own_code is not None
        await me.say(f"/koppel {own_code.group(1)}", web_link.SAME)
        await me.say("/koppel ABCD-EFGH", web_link.BAD_CODE)

        given = await say(text="/koppel")
        code = re.search(r"/koppel ([A-Z0-9]{4}-[A-Z0-9]{4})", given)
        assert code is not None, given
        async with tg_coach.services.sessions() as session:
            stored = await session.scalar(select(LinkCode.code_hash))
        assert stored is not None and code.group(1).replace("-", "") not in stored  # a hash
        await me.say(f"/koppel {code.group(1).lower()}", web_link.LINKED)

        async with tg_coach.services.sessions() as session:
            assert list(await session.scalars(select(User.id))) == [users["telegram"]]
            owners = list(await session.scalars(select(Reflection.user_id)))
            assert owners.count(users["telegram"]) == 2 and len(owners) == 2
            assert list(await session.scalars(select(WebSession.user_id))) == [users["telegram"]]
            assert await session.scalar(select(func.count()).select_from(LinkCode)) == 0
        # one notebook, read from either channel; the used code does not work twice
        both = await say(text="/mijnreflecties")
        assert ON_WEB[:30] in both and ON_TELEGRAM[:30] in both, both
        told = await me.say("/mijnreflecties", lambda t: ON_WEB[:30] in t and ON_TELEGRAM[:30] in t)
        assert told
        await me.say(f"/koppel {code.group(1)}", web_link.BAD_CODE)
