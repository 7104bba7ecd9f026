"""The Telegram channel end to end: the real PTB Application over HTTP against a fake Bot API.

Every test (except the subprocess one) runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from telegram.ext import Application

from bot.channels.telegram import EDITED, GROUPS_ONLY_PRIVATE, NOT_TEXT
from bot.channels.telegram_format import MAX_MESSAGE, split_message
from bot.channels.telegram_run import (
    SECRET_HEADER,
    build_application,
    signer_for,
    webhook_app,
    webhook_secret,
)
from bot.clock import FrozenClock
from bot.core import answers, texts
from bot.core.coach import Coach
from bot.core.dialogue import State
from bot.settings import PROJECT_ROOT, Settings
from bot.storage.crypto import TextCipher, resolve_keys
from bot.storage.db import make_engine, session_factory
from bot.storage.models import DialogueState, Reflection, User
from tests.channels.conftest import KEEP_ASKED, Talk, button, buttons, eventually, settled
from tests.fakes import FakeBotApi
from tests.infra import bot_env

QUESTION = "hoe bespreek ik discriminatie met een klant?"
ANSWER = "ik vraag eerst hoe het sollicitatiegesprek ging en noem dan zelf het woord discriminatie"
FOLLOWUP = "volgende keer wil ik de werkgever zelf bellen"

TalkTo = Callable[[int], Talk]


async def _user(coach: Coach, chat_id: int) -> User | None:
    async with coach.services.sessions() as session:
        return await session.scalar(
            select(User).where(User.channel == "telegram", User.channel_user_id == str(chat_id))
        )


async def _reflections(coach: Coach, chat_id: int) -> list[Reflection]:
    row = await _user(coach, chat_id)
    assert row is not None
    async with coach.services.sessions() as session:
        return list(
            await session.scalars(
                select(Reflection).where(Reflection.user_id == row.id).order_by(Reflection.id)
            )
        )


async def _count(coach: Coach, model: type) -> int:
    async with coach.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# 1 -------------------------------------------------------------------------------------------
async def test_start_role_question_reflection_followup(
    app: Application, fake: FakeBotApi, talk: TalkTo, tg_coach: Coach, tg_settings: Settings
) -> None:
    chat = 1001
    me = talk(chat)
    signer = signer_for(tg_settings)

    welcome, ask_role = await me.say("/start", texts.ASK_ROLE)
    assert "/privacy" in welcome.params["text"]
    assert welcome.params["parse_mode"] == "HTML"
    role_buttons = buttons(ask_role)
    assert [b["text"] for b in role_buttons] == [texts.ROLE_PROFESSIONAL, texts.ROLE_MANAGER]
    for b, action in zip(role_buttons, ("role:professional", "role:manager"), strict=True):
        data = b["callback_data"]
        assert len(data.encode()) <= 64
        assert data != action  # signed, not the bare action
        assert signer.verify(chat, data) == action
        assert signer.verify(chat + 1, data) is None

    *_, ask_new = await me.press(ask_role, texts.ROLE_PROFESSIONAL, texts.ASK_NEW)
    assert [b["text"] for b in buttons(ask_new)] == [texts.YES, texts.NO]
    await me.press(ask_new, texts.NO, texts.NEW_NO)

    lesson, question = await me.say(QUESTION, texts.REFLECT_HINT)
    item = tg_coach.services.knowledge.item("discriminatie")
    assert lesson.params["parse_mode"] == "HTML"
    assert lesson.params["text"].startswith(f"<b>{item.title}</b>\n")
    assert (
        lesson.params["text"]
        == split_message(answers.lesson_answer(tg_coach.services.knowledge, item))[0]
    )
    assert signer.verify(chat, button(lesson, texts.READ_MORE)) == "more:discriminatie"
    assert question.params["parse_mode"] == "HTML"
    assert "<b>" in question.params["text"]
    assert signer.verify(chat, button(question, texts.SKIP)) == "skip"

    stored = await me.reflect(ANSWER)
    assert any(texts.STORED in c.params["text"] for c in stored)
    assert texts.SKIP in [b["text"] for b in buttons(stored[-1])]
    await me.say(FOLLOWUP, KEEP_ASKED)
    await me.say("ja", texts.FOLLOWUP_STORED)

    # every button press was answered, and its keyboard removed
    assert len(fake.calls_to("answerCallbackQuery", ok=True)) == 2
    assert all(c.params.get("text") is None for c in fake.calls_to("answerCallbackQuery"))
    assert len(fake.calls_to("editMessageReplyMarkup", ok=True)) == 2

    row = await _user(tg_coach, chat)
    assert row is not None and row.role == "professional" and row.new_in_work is False
    first, second = await _reflections(tg_coach, chat)
    cipher = tg_coach.services.cipher
    assert (cipher.decrypt(first.text), cipher.decrypt(second.text)) == (ANSWER, FOLLOWUP)
    assert first.lesson_id == second.lesson_id == "discriminatie"
    assert first.question_id in tg_coach.services.knowledge.questions_by_id
    assert second.parent_id == first.id
    async with tg_coach.services.sessions() as session:
        state = await session.get(DialogueState, row.id)
    assert state is not None and state.state == State.IDLE


# 2 -------------------------------------------------------------------------------------------
async def test_read_more_gives_the_full_lesson(
    app: Application, talk: TalkTo, tg_coach: Coach
) -> None:
    me = talk(1002)
    await me.onboard()
    lesson, _ = await me.say(QUESTION, texts.REFLECT_HINT)
    knowledge = tg_coach.services.knowledge
    expected = split_message(answers.lesson_full(knowledge, knowledge.item("discriminatie")))
    parts = await me.press(lesson, texts.READ_MORE, lambda t: t == expected[-1])
    assert [c.params["text"] for c in parts] == expected
    assert all(len(c.params["text"]) <= MAX_MESSAGE for c in parts)
    assert all(c.params["parse_mode"] == "HTML" for c in parts)
    assert knowledge.item("discriminatie").text[:40] in parts[0].params["text"]


# 3 -------------------------------------------------------------------------------------------
async def test_export_sends_markdown_and_json(
    app: Application, fake: FakeBotApi, talk: TalkTo
) -> None:
    chat = 1003
    me = talk(chat)
    await me.onboard()
    await me.say("/reflectie", texts.REFLECT_HINT)
    await me.reflect(ANSWER)
    await me.say("/annuleer", "gestopt")

    fake.push_message(chat, "/export")
    calls = await fake.wait_for(
        "sendDocument", count=2, ok=True, predicate=lambda c: c.chat_id == chat
    )
    markdown, data = fake.sent_documents(chat)
    assert (markdown.filename or "").endswith(".md")
    assert (data.filename or "").endswith(".json")
    assert ANSWER in markdown.decode()
    assert ANSWER in json.dumps(json.loads(data.decode()), ensure_ascii=False)
    caption = calls[0].params["caption"]
    assert caption.startswith(texts.EXPORT_READY)
    assert "1 reflectie en 0 notities" in caption and "veilig" in caption  # issue 16
    assert calls[0].params["parse_mode"] == "HTML"


# 4 -------------------------------------------------------------------------------------------
async def test_non_text_edited_and_group_messages(
    app: Application, fake: FakeBotApi, talk: TalkTo, tg_coach: Coach
) -> None:
    chat, group = 1004, -1001234567890
    me = talk(chat)
    since = me.now()
    for message in (
        fake.make_photo_message(chat, caption="mijn diploma"),
        fake.make_sticker_message(chat),
        fake.make_voice_message(chat),
        fake.make_location_message(chat),
        fake.make_document_message(chat),
    ):
        fake.push_update(message)
    await fake.wait_for(
        "sendMessage",
        count=5,
        predicate=lambda c: c.chat_id == chat and c.params["text"] == NOT_TEXT,
    )
    await me.until(NOT_TEXT, since)

    since = me.now()
    fake.push_edited_message(chat, 1, "hoe bespreek ik discriminatie?")
    assert [c.params["text"] for c in await me.until(EDITED, since)] == [EDITED]

    in_group = talk(group)
    since = me.now()
    fake.push_message(group, "hallo allemaal", user_id=77, chat_type="supergroup")
    fake.push_message(group, "/start@fake_coach_bot", user_id=77, chat_type="supergroup")
    await in_group.until(GROUPS_ONLY_PRIVATE, since)
    await settled(app, fake)
    assert in_group.texts() == [GROUPS_ONLY_PRIVATE]

    await settled(app, fake)
    assert me.texts() == [NOT_TEXT] * 5 + [EDITED]
    assert await _count(tg_coach, User) == 0
    assert await _count(tg_coach, Reflection) == 0
    assert await _count(tg_coach, DialogueState) == 0


# 5 -------------------------------------------------------------------------------------------
async def test_user_markup_is_escaped(app: Application, talk: TalkTo, tg_coach: Coach) -> None:
    chat = 1005
    me = talk(chat)
    await me.onboard()
    await me.say("/reflectie", texts.REFLECT_HINT)
    raw = f"{ANSWER} en ik zeg <b>rustig</b> dat het_mag, *echt* & open"
    await me.reflect(raw)
    await me.say("/annuleer", "gestopt")
    await me.say("/mijnreflecties", "nieuwste eerst")  # issue 16: the list shows first lines
    [listing] = await me.say("open 1", "Reflectie 1")
    html = listing.params["text"]
    assert listing.params["parse_mode"] == "HTML"
    assert "&lt;b&gt;rustig&lt;/b&gt; dat het_mag, *echt* &amp; open" in html
    assert "<b>rustig</b>" not in html
    [stored] = await _reflections(tg_coach, chat)
    assert tg_coach.services.cipher.decrypt(stored.text) == raw


# 6 -------------------------------------------------------------------------------------------
async def test_forged_callbacks_are_refused(
    app: Application, fake: FakeBotApi, talk: TalkTo, tg_coach: Coach, tg_settings: Settings
) -> None:
    anna, bob = 1006, 2006
    me = talk(anna)
    _, ask_role = await me.say("/start", texts.ASK_ROLE)
    genuine = button(ask_role, texts.ROLE_MANAGER)
    message_id = ask_role.result["message_id"]
    signer = signer_for(tg_settings)
    sent_before = len(fake.calls_to("sendMessage"))

    forged = [
        fake.push_callback(bob, genuine, message_id),  # anna's data, pressed by bob
        fake.push_callback(anna, "role:manager", message_id),  # not signed
        fake.push_callback(anna, signer.sign(bob, "role:manager"), message_id),  # bob's data
        fake.push_callback(anna, genuine[:-1] + ("A" if genuine[-1] != "A" else "B"), message_id),
    ]
    ids = {u["callback_query"]["id"] for u in forged}
    answers_ = await fake.wait_for(
        "answerCallbackQuery",
        count=4,
        predicate=lambda c: c.params["callback_query_id"] in ids,
    )
    assert all("niet (meer) geldig" in c.params["text"] for c in answers_)
    await settled(app, fake)
    assert len(fake.calls_to("sendMessage")) == sent_before
    assert fake.calls_to("editMessageReplyMarkup") == []
    row = await _user(tg_coach, anna)
    assert row is not None and row.role is None
    async with tg_coach.services.sessions() as session:
        state = await session.get(DialogueState, row.id)
    assert state is not None and state.state == State.AWAIT_ROLE
    assert await _user(tg_coach, bob) is None

    # the genuine button still works
    await me.press(ask_role, texts.ROLE_MANAGER, texts.ASK_NEW)
    row = await _user(tg_coach, anna)
    assert row is not None and row.role == "manager"


# 7 -------------------------------------------------------------------------------------------
async def test_429_and_500_are_retried_and_the_reply_arrives_once(
    app: Application, fake: FakeBotApi, talk: TalkTo
) -> None:
    chat = 1007
    me = talk(chat)
    fake.fail_next("sendMessage", 429, retry_after=1)
    fake.fail_next("sendMessage", 500)
    await me.say("/privacy", "Wat ik bewaar", timeout=6)
    await settled(app, fake)
    attempts = [c for c in fake.calls_to("sendMessage") if c.chat_id == chat]
    assert [c.status for c in attempts] == [429, 500, 200]
    assert len(me.texts()) == 1 and me.texts()[0].startswith("Wat ik bewaar")


async def test_typing_is_shown_for_a_slow_turn_only(
    app: Application, fake: FakeBotApi, talk: TalkTo, tg_coach: Coach, monkeypatch: Any
) -> None:
    chat = 1017
    me = talk(chat)
    await me.say("/privacy", "Wat ik bewaar")
    await settled(app, fake)
    assert not [c for c in fake.calls_to("sendChatAction") if c.chat_id == chat]

    handle = tg_coach.handle

    async def slow_handle(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.8)
        return await handle(*args, **kwargs)

    monkeypatch.setattr(tg_coach, "handle", slow_handle)
    fake.send_delay = 0.5  # the indicator is still in flight when the answer is ready
    await me.say("/privacy", "Wat ik bewaar")
    await settled(app, fake)
    [typing] = [c for c in fake.calls_to("sendChatAction") if c.chat_id == chat]
    assert typing.ok and typing.params["action"] == "typing"
    assert len(me.texts()) == 2


# 8 -------------------------------------------------------------------------------------------
async def test_blocked_chat_marks_the_user_blocked(
    app: Application, fake: FakeBotApi, tg_coach: Coach
) -> None:
    chat = 1008
    fake.block_chat(chat)
    fake.push_message(chat, "/help")
    [refused] = await fake.wait_for("sendMessage", ok=False)
    assert refused.status == 403

    async def blocked() -> bool:
        row = await _user(tg_coach, chat)
        return row is not None and row.blocked_at is not None

    await eventually(blocked)
    row = await _user(tg_coach, chat)
    assert row is not None and row.blocked_at == tg_coach.services.clock()


# 9 -------------------------------------------------------------------------------------------
async def test_redelivered_update_is_handled_once(
    app: Application, fake: FakeBotApi, talk: TalkTo
) -> None:
    chat = 1009
    me = talk(chat)

    def handled() -> float:
        return (
            REGISTRY.get_sample_value(
                "coach_messages_total", {"channel": "telegram", "kind": "text"}
            )
            or 0.0
        )

    before = handled()
    since = me.now()
    update = fake.push_message(chat, "/privacy")
    fake.push_update(update)  # the same update_id again
    await me.until("Wat ik bewaar", since)
    await settled(app, fake)
    # issue 15: the second copy is stopped at the inbox (same delivery key)
    assert handled() == before + 1
    assert [t for t in me.texts() if t.startswith("Wat ik bewaar")] == me.texts()
    assert len(me.texts()) == 1


# 10 ------------------------------------------------------------------------------------------
async def test_dutch_command_menu_is_set_at_start(app: Application, fake: FakeBotApi) -> None:
    [dutch] = [c for c in fake.calls_to("setMyCommands") if c.params.get("language_code") == "nl"]
    assert dutch.ok
    names = [c["command"] for c in dutch.params["commands"]]
    assert {"start", "help", "privacy", "annuleer", "dagelijks", "export", "vergeet"} <= set(names)
    assert all(c["description"] for c in dutch.params["commands"])
    assert fake.commands[('{"type": "default"}', "nl")] == dutch.params["commands"]


# 11 ------------------------------------------------------------------------------------------
async def test_kill_and_restart_in_the_middle_of_a_reflection(
    fake: FakeBotApi, nlu: object, model_dir: Path, tmp_path: Path
) -> None:
    chat = 1011
    me = Talk(fake, chat)
    database = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    env = bot_env(fake, tmp_path, model_dir, database)
    logs: list[Path] = []

    def start() -> subprocess.Popen[bytes]:
        log = tmp_path / f"bot-{len(logs)}.log"
        logs.append(log)
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "tests.channels.restart_bot"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def log_tail() -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in logs if p.exists())

    async def polling_since(since: float, proc: subprocess.Popen[bytes]) -> None:
        try:
            # deleteWebhook opens long polling (getUpdates is recorded only when it returns)
            await fake.wait_for("deleteWebhook", predicate=lambda c: c.time >= since, timeout=90)
        except TimeoutError:
            raise AssertionError(f"bot did not start polling:\n{log_tail()}") from None
        assert proc.poll() is None, log_tail()

    first = start()
    second: subprocess.Popen[bytes] | None = None
    try:
        await polling_since(me.now(), first)
        await me.onboard()
        await me.say(QUESTION, texts.REFLECT_HINT, timeout=15)

        first.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(first.wait, 15) == -signal.SIGKILL

        since = me.now()
        second = start()
        await polling_since(since, second)
        stored = await me.say(
            ANSWER,
            lambda t: (
                texts.FOLLOWUP_INTRO in t or texts.QUESTION_OR_REFLECTION in t or KEEP_ASKED in t
            ),
            timeout=30,
        )
        if texts.QUESTION_OR_REFLECTION in stored[-1].params["text"]:
            stored = await me.press(stored[-1], texts.AS_REFLECTION, texts.FOLLOWUP_INTRO)
        if KEEP_ASKED in stored[-1].params["text"]:
            stored = await me.say("ja", texts.FOLLOWUP_INTRO, timeout=30)
        assert any(texts.STORED in c.params["text"] for c in stored), log_tail()
        assert second.poll() is None, log_tail()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    await asyncio.to_thread(proc.wait, 10)

    engine = make_engine(database)
    try:
        async with session_factory(engine)() as session:
            user = await session.scalar(select(User).where(User.channel_user_id == str(chat)))
            assert user is not None and user.role == "professional"
            rows = list(await session.scalars(select(Reflection)))
    finally:
        await engine.dispose()
    assert len(rows) == 1
    assert rows[0].lesson_id == "discriminatie"
    # no key configured: the bot made a key file in the data folder and encrypted with it
    cipher = TextCipher(resolve_keys(None, tmp_path))
    assert rows[0].text != ANSWER and cipher.decrypt(rows[0].text) == ANSWER
    # every message the user got was sent once
    assert me.texts().count(stored[-1].params["text"]) == 1


# 12 ------------------------------------------------------------------------------------------
async def test_webhook_server(
    fake: FakeBotApi, talk: TalkTo, tg_coach: Coach, tg_settings: Settings
) -> None:
    chat = 1012
    me = talk(chat)
    _, bot_app = build_application(tg_settings, tg_coach, updater=False)
    async with bot_app:
        await bot_app.start()
        try:
            server = TestServer(webhook_app(tg_settings, bot_app))
            async with TestClient(server) as client:
                update = {"update_id": 777001, "message": fake.make_message(chat, "/privacy")}
                response = await client.post("/telegram", json=update)
                assert response.status == 403
                response = await client.post(
                    "/telegram", json=update, headers={SECRET_HEADER: "wrong"}
                )
                assert response.status == 403
                assert me.texts() == []

                since = me.now()
                response = await client.post(
                    "/telegram", json=update, headers={SECRET_HEADER: webhook_secret(tg_settings)}
                )
                assert response.status == 200
                [privacy] = await me.until("Wat ik bewaar", since)
                assert privacy.params["parse_mode"] == "HTML"

                response = await client.post(
                    "/telegram",
                    data=b"not json",
                    headers={SECRET_HEADER: webhook_secret(tg_settings)},
                )
                assert response.status == 400

                response = await client.get("/healthz")
                assert response.status == 200
                assert (await response.json()) == {"ok": True}
                response = await client.get("/metrics")
                assert response.status == 200
                assert "coach_messages_total" in await response.text()
        finally:
            await bot_app.stop()
    assert me.texts() == [privacy.params["text"]]


# 13 ------------------------------------------------------------------------------------------
async def test_the_running_bot_sends_a_due_prompt_through_its_job_queue(
    app: Application, talk: TalkTo, tg_coach: Coach, tg_settings: Settings, clock: FrozenClock
) -> None:
    from bot.ratelimit import SharedRateLimiter
    from bot.scheduler import PromptDispatcher, PromptTicker, telegram_sender

    chat = 1013
    me = talk(chat)
    await me.onboard()
    await me.say("/dagelijks om 08:30", "08:30")
    clock.advance(days=1)  # tomorrow's 08:30 has passed
    assert app.job_queue is not None
    sender = telegram_sender(app.bot, signer_for(tg_settings), SharedRateLimiter())
    since = me.now()
    PromptTicker(tg_coach, PromptDispatcher(tg_coach, {"telegram": sender})).schedule(
        app.job_queue, every=0.2
    )
    [prompt] = await me.until(texts.REFLECT_HINT, since)
    await asyncio.sleep(0.6)  # three more ticks: the prompt is not sent again
    assert me.texts().count(prompt.params["text"]) == 1
