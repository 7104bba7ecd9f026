"""issue 15: faults from outside, through the real Telegram adapter against the fake Bot API:
a restarted update counter, another token on the same database, late Bot API answers,
PostgreSQL frozen and stopped (behind a proxy), a turn waiting on a lock. Each run reports
messages sent, replies, reflections stored, duplicates and losses."""

from __future__ import annotations

import asyncio
import itertools
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from telegram.ext import Application

from bot.channels.telegram_run import polling
from bot.clock import FrozenClock
from bot.core import texts
from bot.core.coach import Coach
from bot.nlu import NLU
from bot.settings import Settings
from bot.storage.db import make_engine
from bot.storage.models import InboxUpdate, OutboxReply, Reflection
from tests.channels.conftest import eventually
from tests.conftest import reset_postgres
from tests.fakes import FakeBotApi
from tests.faults.conftest import Talk
from tests.faults.proxy import PgProxy
from tests.faults.report import FaultReport

OTHER_TOKEN = "987654321:AAOtherTokenForTestsOnly_abcdefghijk"
ANSWERS = [f"bij gesprek {n} vroeg ik eerst wat de klant zelf wilde bereiken" for n in range(6)]


async def _count(coach: Coach, model: type) -> int:
    async with coach.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _empty(coach: Coach, model: type) -> bool:
    return await _count(coach, model) == 0


async def _reflection_texts(coach: Coach) -> list[str]:
    async with coach.services.sessions() as session:
        rows = await session.scalars(select(Reflection.text))
        return [coach.services.cipher.decrypt(t) for t in rows]


async def _ask_question(me: Talk) -> None:
    await me.onboard()
    # issue 12: each answer is kept as sent (the keep question is not what is tested)
    await me.say("bewaar mijn antwoorden altijd", "Vanaf nu bewaar ik", timeout=15)
    await me.say("/reflectie", texts.REFLECT_HINT, timeout=10)


async def _stored_report(
    name: str, coach: Coach, talks: list[Talk], answers: list[str]
) -> FaultReport:
    report = FaultReport(name, sent=len(answers))
    stored = Counter(await _reflection_texts(coach))
    report.stored = sum(stored.values())
    report.stored_twice = sum(n - 1 for n in stored.values() if n > 1)
    for me, answer in zip(talks, answers, strict=True):
        said = me.texts()
        answered = [t for t in said if texts.STORED in t or "Nog één stap verder" in t]
        report.replies += bool(answered)
        report.duplicate_replies += max(0, len(answered) - 1)
        report.lost += not answered or stored[answer] == 0
    return report


# -- the update counter and the token ---------------------------------------------------------
async def test_a_restarted_update_counter_silences_nobody(
    app: Application, fake: FakeBotApi, talk: Callable[[int], Talk]
) -> None:
    me = talk(1501)
    for _ in range(5):
        await me.say("/privacy", "Wat ik bewaar")
    fake._update_ids = itertools.count(1)  # Telegram's counter starts again: ids 1..5 again
    for _ in range(10):
        await me.say("/privacy", "Wat ik bewaar")
    report = FaultReport("counter reset", sent=15)
    answered = len([t for t in me.texts() if "Wat ik bewaar" in t])
    report.replies = min(answered, report.sent)
    report.duplicate_replies = max(0, answered - report.sent)
    report.lost = report.sent - report.replies
    report.check()
    assert report.replies == 15


async def test_another_token_on_the_same_database_silences_nobody(
    app: Application, fake: FakeBotApi, tg_settings: Settings, tg_coach: Coach
) -> None:
    first = Talk(fake, 1502)
    for _ in range(5):
        await first.say("/privacy", "Wat ik bewaar")
    async with FakeBotApi(token=OTHER_TOKEN) as other:  # a second bot: its ids start at 1 too
        settings = tg_settings.model_copy(
            update={
                "telegram_bot_token": other.token,
                "telegram_api_base_url": other.base_url,
                "telegram_api_file_url": other.base_file_url,
            }
        )
        async with polling(settings, tg_coach, timeout=1):
            second = Talk(other, 1503)
            for _ in range(5):
                await second.say("/privacy", "Wat ik bewaar")
    report = FaultReport("another token", sent=10)
    report.replies = len(first.texts()) + len(second.texts())
    report.lost = report.sent - report.replies
    report.check()
    assert len(second.texts()) == 5


# -- late answers -------------------------------------------------------------------------------
async def test_a_late_answer_is_sent_at_most_twice_and_stored_once(
    app: Application, fake: FakeBotApi, talk: Callable[[int], Talk], tg_coach: Coach
) -> None:
    me = talk(1504)
    await _ask_question(me)
    fake.send_delay = 5.5  # delivered, but answered after the 5 s read timeout
    since = me.now()
    fake.push_message(me.chat_id, ANSWERS[0])
    await asyncio.sleep(13)  # two attempts of 5.5 s each
    fake.send_delay = 0.0
    got = [c.params["text"] for c in me.sent() if c.time >= since]
    report = await _stored_report("late answers", tg_coach, [me], ANSWERS[:1])
    report.duplicate_replies = max(0, len([t for t in got if t != texts.PATIENCE]) - 1)
    report.check()
    # a timeout is retried once, never more: at most two copies; no untrue error text
    assert report.duplicate_replies <= 1
    assert texts.ERROR_REPLY_LOST not in got and texts.ERROR_NOT_PROCESSED not in got
    assert texts.UNAVAILABLE not in got  # the Bot API was slow, not the database
    await eventually(lambda: _empty(tg_coach, OutboxReply))


# -- PostgreSQL frozen, stopped, and a turn that waits on a lock ----------------------------
@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[PgProxy]:
    await reset_postgres(postgres_url)
    async with PgProxy(postgres_url) as running:
        yield running


@pytest.fixture
async def pg_coach(
    proxy: PgProxy, fake: FakeBotApi, tmp_path: Path, model_dir: Path, clock: FrozenClock, nlu: NLU
) -> AsyncIterator[Coach]:
    from bot.wiring import coach_for

    settings = Settings(
        coach_data_dir=tmp_path,
        coach_database_url=proxy.url,
        coach_model_dir=model_dir,
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_api_file_url=fake.base_file_url,
    )
    async with coach_for(settings, clock, nlu=nlu) as built, polling(settings, built, timeout=1):
        yield built


@pytest.mark.parametrize("fault", ["frozen", "stopped"])
async def test_postgres_frozen_or_stopped_loses_nothing(
    fault: str, proxy: PgProxy, pg_coach: Coach, fake: FakeBotApi
) -> None:
    talks = [Talk(fake, 1510 + n) for n in range(3)]
    for me in talks:
        await _ask_question(me)
    proxy.freeze() if fault == "frozen" else proxy.stop()
    for me, answer in zip(talks, ANSWERS, strict=False):
        fake.push_message(me.chat_id, answer)
    for me in talks:  # each is told, once, that the bot is away and the message will be handled
        await me.until(texts.UNAVAILABLE, 0, timeout=20)
    await asyncio.sleep(4)
    proxy.thaw() if fault == "frozen" else proxy.start()
    for me in talks:
        await me.until(lambda t: texts.STORED in t or "Nog één stap verder" in t, 0, timeout=40)
    report = await _stored_report(f"postgres {fault}", pg_coach, talks, ANSWERS[:3])
    report.check()
    assert report.stored == 3 and report.duplicate_replies == 0
    assert all(me.texts().count(texts.UNAVAILABLE) == 1 for me in talks)
    await eventually(lambda: _empty(pg_coach, InboxUpdate))  # handled, then deleted


async def test_a_turn_waiting_on_a_lock_is_kept_and_handled_after(
    postgres_url: str, pg_coach: Coach, fake: FakeBotApi
) -> None:
    me = Talk(fake, 1520)
    await _ask_question(me)
    key = zlib.crc32(f"telegram:{me.chat_id}".encode()) - 2**31
    engine = make_engine(postgres_url)
    try:
        async with engine.connect() as holder:
            await holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            fake.push_message(me.chat_id, ANSWERS[0])
            await me.until(texts.UNAVAILABLE, 0, timeout=15)  # the lock timeout ended the turn
            await holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        await engine.dispose()
    await me.until(lambda t: texts.STORED in t or "Nog één stap verder" in t, 0, timeout=30)
    report = await _stored_report("turn waits on a lock", pg_coach, [me], ANSWERS[:1])
    report.check()
    assert report.stored == 1 and report.duplicate_replies == 0


async def test_the_webhook_answers_503_while_postgres_is_down_and_200_once_stored(
    proxy: PgProxy, fake: FakeBotApi, tmp_path: Path, model_dir: Path, clock: FrozenClock, nlu: NLU
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.channels.telegram_run import SECRET_HEADER, build_application, webhook_app
    from bot.channels.telegram_run import webhook_secret as secret_of
    from bot.wiring import coach_for

    settings = Settings(
        coach_data_dir=tmp_path,
        coach_database_url=proxy.url,
        coach_model_dir=model_dir,
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_api_file_url=fake.base_file_url,
    )
    me = Talk(fake, 1560)
    update = {"update_id": 99001, "message": fake.make_message(me.chat_id, "/privacy")}
    headers = {SECRET_HEADER: secret_of(settings)}
    async with coach_for(settings, clock, nlu=nlu) as coach:
        _, bot_app = build_application(settings, coach, updater=False)
        async with bot_app, TestClient(TestServer(webhook_app(settings, bot_app))) as client:
            await bot_app.start()
            try:
                proxy.stop()
                response = await client.post("/telegram", json=update, headers=headers)
                assert response.status == 503  # not stored: Telegram sends it again
                await me.until(texts.UNAVAILABLE, 0, timeout=10)
                assert await _count_or_none(coach) is None  # the database is still away
                proxy.start()
                response = await client.post("/telegram", json=update, headers=headers)
                assert response.status == 200
                await me.until("Wat ik bewaar", 0, timeout=15)
            finally:
                await bot_app.stop()
        await eventually(lambda: _empty(coach, InboxUpdate))
    assert [t for t in me.texts() if "Wat ik bewaar" in t] == me.texts()[1:]
    assert len(me.texts()) == 2


async def _count_or_none(coach: Coach) -> int | None:
    try:
        return await _count(coach, InboxUpdate)
    except Exception:
        return None


async def test_the_same_reflection_sent_again_within_a_minute_is_stored_once(
    app: Application,
    fake: FakeBotApi,
    talk: Callable[[int], Talk],
    tg_coach: Coach,
    clock: FrozenClock,
) -> None:
    me = talk(1570)
    await _ask_question(me)
    await me.say(ANSWERS[1], lambda t: texts.STORED in t or "Nog één stap verder" in t)
    # the reply "did not arrive": the user asks again and types the same text
    await me.say("/reflectie", texts.REFLECT_HINT)
    await me.say(ANSWERS[1], lambda t: texts.STORED in t or "Nog één stap verder" in t)
    assert await _reflection_texts(tg_coach) == [ANSWERS[1]]
    clock.advance(minutes=2)  # later, the same words are a reflection of their own
    await me.say("/reflectie", texts.REFLECT_HINT)
    await me.say(ANSWERS[1], lambda t: texts.STORED in t or "Nog één stap verder" in t)
    assert await _reflection_texts(tg_coach) == [ANSWERS[1]] * 2
