"""The fake Bot API against the real python-telegram-bot Application (no network needed)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import FakeBotApi, UploadedFile

CHAT = 31600001


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def build_app(api: FakeBotApi, rate_limiter: AIORateLimiter | None = None) -> Application:
    builder = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    return builder.build()


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def test_echo_round_trip(api: FakeBotApi) -> None:
    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with running(app):
        api.push_message(CHAT, "Hallo, ik zoek werk")
        api.push_message(CHAT, "123")  # stays a string, not a JSON number
        calls = await api.wait_for("sendMessage", count=2, timeout=2)
    assert [c.params["text"] for c in calls] == ["Hallo, ik zoek werk", "123"]
    assert calls[0].params["chat_id"] == CHAT
    assert api.sent_texts(CHAT) == ["Hallo, ik zoek werk", "123"]
    # getMe during initialize, deleteWebhook during bootstrap, getUpdates while polling
    methods = {c.method for c in api.calls}
    assert {"getMe", "deleteWebhook", "getUpdates"} <= methods
    # Bot message ids per chat continue after the user's message ids.
    assert [c.result["message_id"] for c in calls] == [3, 4]
    assert calls[0].result["from"]["is_bot"] is True
    # The updates were confirmed (offset) and are not delivered again.
    assert api.pending_updates == []


async def test_callback_query_answered_and_message_edited(api: FakeBotApi) -> None:
    answered: list[str] = []

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        answered.append(query.data or "")
        await query.answer("Genoteerd")
        await query.edit_message_text(f"Je koos: {query.data}")

    app = build_app(api)
    app.add_handler(CallbackQueryHandler(on_button))
    async with running(app):
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ja", callback_data="ja"),
                    InlineKeyboardButton("Nee", callback_data="nee"),
                ]
            ]
        )
        sent = await app.bot.send_message(CHAT, "Heeft de klant een cv?", reply_markup=keyboard)
        assert sent.reply_markup == keyboard  # echoed back and parsed by PTB
        update = api.push_callback(CHAT, "ja", sent.message_id)
        [answer] = await api.wait_for("answerCallbackQuery", timeout=2)
        [edit] = await api.wait_for("editMessageText", timeout=2)
    assert answered == ["ja"]
    assert answer.params["callback_query_id"] == update["callback_query"]["id"]
    assert answer.params["text"] == "Genoteerd"
    assert answer.result is True
    assert edit.params["message_id"] == sent.message_id
    assert api.sent_texts(CHAT) == ["Heeft de klant een cv?", "Je koos: ja"]


async def test_send_document_upload(api: FakeBotApi) -> None:
    content = "naam;status\nZoë;werkzoekend\n".encode()

    async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_document(
            update.effective_chat.id, content, filename="export.csv", caption="Je export"
        )

    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT, export))
    async with running(app):
        api.push_message(CHAT, "export")
        [call] = await api.wait_for("sendDocument", timeout=2)
    doc = call.params["document"]
    assert isinstance(doc, UploadedFile)
    assert doc == content
    assert doc.filename == "export.csv"
    assert call.params["caption"] == "Je export"
    assert call.params["chat_id"] == CHAT
    assert call.result["document"]["file_name"] == "export.csv"
    assert api.sent_documents(CHAT) == [content]


async def test_429_is_retried_by_aio_rate_limiter(api: FakeBotApi) -> None:
    app = build_app(api, rate_limiter=AIORateLimiter(max_retries=2))
    app.add_handler(MessageHandler(filters.TEXT, echo))
    api.fail_next("sendMessage", status=429, retry_after=1)
    async with running(app):
        api.push_message(CHAT, "nog een keer")
        [ok] = await api.wait_for("sendMessage", ok=True, timeout=2.5)
    attempts = api.calls_to("sendMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert ok.time - attempts[0].time >= 1.0
    assert api.sent_texts(CHAT) == ["nog een keer"]


async def test_blocked_chat_raises_forbidden_to_error_handler(api: FakeBotApi) -> None:
    errors: list[BaseException] = []
    seen = asyncio.Event()

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)
        seen.set()

    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_error_handler(on_error)
    api.block_chat(CHAT)
    async with running(app):
        api.push_message(CHAT, "stop")
        await asyncio.wait_for(seen.wait(), 2)
    assert len(errors) == 1
    assert isinstance(errors[0], Forbidden)
    assert "bot was blocked by the user" in str(errors[0])
    [call] = api.calls_to("sendMessage")
    assert call.status == 403
    assert api.sent_texts(CHAT) == []


async def test_set_my_commands_dutch_is_recorded(api: FakeBotApi) -> None:
    app = build_app(api)
    commands = [BotCommand("start", "Begin een gesprek"), BotCommand("hulp", "Wat kan ik?")]
    async with app:
        assert await app.bot.set_my_commands(
            commands, scope=BotCommandScopeAllPrivateChats(), language_code="nl"
        )
        got = await app.bot.get_my_commands(
            scope=BotCommandScopeAllPrivateChats(), language_code="nl"
        )
        assert await app.bot.get_my_commands() == ()  # other language/scope is separate
    [call] = api.calls_to("setMyCommands")
    assert call.params["language_code"] == "nl"
    assert call.params["scope"] == {"type": "all_private_chats"}
    assert call.params["commands"] == [
        {"command": "start", "description": "Begin een gesprek"},
        {"command": "hulp", "description": "Wat kan ik?"},
    ]
    assert tuple(got) == tuple(commands)


async def test_error_statuses_map_to_ptb_exceptions(api: FakeBotApi) -> None:
    app = build_app(api)
    async with app:
        api.fail_next("sendMessage", status=500)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await app.bot.send_message(CHAT, "x")
        api.fail_next("sendMessage", status=429, retry_after=7)
        with pytest.raises(RetryAfter) as info:
            await app.bot.send_message(CHAT, "x")
        assert info.value.retry_after in (7, dt.timedelta(seconds=7))
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await app.bot.send_message(CHAT, " ")
        with pytest.raises(BadRequest, match=r"(?i)too long"):
            await app.bot.send_message(CHAT, "a" * 4097)
        sent = await app.bot.send_message(CHAT, "zelfde")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_text("zelfde", CHAT, sent.message_id)
        assert await app.bot.delete_message(CHAT, sent.message_id)
        assert await app.bot.send_chat_action(CHAT, "typing")
    assert [c.status for c in api.calls_to("sendMessage")] == [500, 429, 400, 400, 200]


async def test_media_group_chat_and_edited_updates_reach_handlers(api: FakeBotApi) -> None:
    seen: list[str] = []
    done = asyncio.Event()
    group = -1001234567890

    async def record(kind: str, update: Update) -> None:
        seen.append(kind)
        if len(seen) == 6:
            done.set()

    app = build_app(api)
    app.add_handler(MessageHandler(filters.PHOTO, lambda u, c: record("photo", u)))
    app.add_handler(MessageHandler(filters.Sticker.ALL, lambda u, c: record("sticker", u)))
    app.add_handler(MessageHandler(filters.VOICE, lambda u, c: record("voice", u)))
    app.add_handler(MessageHandler(filters.LOCATION, lambda u, c: record("location", u)))

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await record(f"edited:{update.edited_message.text}", update)

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    app.add_handler(
        MessageHandler(filters.ChatType.SUPERGROUP & filters.TEXT, lambda u, c: record("group", u))
    )
    async with running(app):
        api.push_update(api.make_photo_message(CHAT, caption="mijn diploma"))
        api.push_update(api.make_sticker_message(CHAT))
        api.push_update(api.make_voice_message(CHAT))
        api.push_update(api.make_location_message(CHAT))
        first = api.push_message(CHAT, "typfout")
        api.push_edited_message(CHAT, first["message"]["message_id"], "verbeterd")
        api.push_message(group, "hoi groep", user_id=77, chat_type="supergroup")
        await asyncio.wait_for(done.wait(), 2)
    assert seen == ["photo", "sticker", "voice", "location", "edited:verbeterd", "group"]


async def test_document_message_can_be_downloaded(api: FakeBotApi) -> None:
    got: list[bytes] = []
    done = asyncio.Event()

    async def on_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.document is not None
        file = await update.message.document.get_file()
        got.append(bytes(await file.download_as_bytearray()))
        done.set()

    app = build_app(api)
    app.add_handler(MessageHandler(filters.Document.ALL, on_doc))
    async with running(app):
        api.push_update(api.make_document_message(CHAT, b"%PDF-1.4 cv van Amina", "cv.pdf"))
        await asyncio.wait_for(done.wait(), 2)
    assert got == [b"%PDF-1.4 cv van Amina"]


async def test_rate_limit_enforcement_counts_violations() -> None:
    async with FakeBotApi(rate_limit_per_second=30, per_chat_burst=2) as api:
        app = build_app(api)
        async with app:
            await app.bot.send_message(CHAT, "1")
            await app.bot.send_message(CHAT, "2")
            with pytest.raises(RetryAfter):
                await app.bot.send_message(CHAT, "3")
            await app.bot.send_message(CHAT + 1, "andere chat")  # own bucket
        assert api.violations == 1
        assert api.sent_texts(CHAT) == ["1", "2"]


async def test_wait_for_times_out_with_useful_message(api: FakeBotApi) -> None:
    with pytest.raises(TimeoutError, match="sendMessage"):
        await api.wait_for("sendMessage", timeout=0.05)


async def test_stop_returns_promptly_during_long_poll() -> None:
    import aiohttp

    api = FakeBotApi()
    await api.start()
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(
            session.post(f"{api.base_url}{api.token}/getUpdates", json={"timeout": 30})
        )
        await asyncio.sleep(0.1)  # let the long poll reach the server
        loop = asyncio.get_running_loop()
        started = loop.time()
        await api.stop()
        resp = await asyncio.wait_for(poll, 2)
        assert (await resp.json()) == {"ok": True, "result": []}
        assert loop.time() - started < 1.5
