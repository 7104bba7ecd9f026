"""The Telegram channel: a python-telegram-bot 22 Application over the core."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import BotCommand, InputFile, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram_format import CallbackSigner, keyboard, split_message
from bot.channels.telegram_http import AiohttpRequest
from bot.core import texts
from bot.core.coach import Coach
from bot.core.replies import Incoming, Reply, UserRef
from bot.inbox import CURRENT, Entry, Inbox, UnavailableNotice, bot_id_of, delivery_key, unavailable
from bot.metrics import ERRORS, MESSAGES, TURN_SECONDS
from bot.outbox import Outbox
from bot.ratelimit import SharedRateLimiter
from bot.storage import repo

log = logging.getLogger(__name__)
CHANNEL = "telegram"
TYPING_AFTER = 0.4  # seconds before a "typing…" indicator is worth sending
PATIENCE_AFTER = 3.0  # issue 15: seconds before "even geduld" is sent for a slow turn
SWEEP_EVERY = 2.0  # issue 15: seconds between two looks for work left behind

COMMANDS_NL = (
    ("start", "Beginnen en je rol kiezen"),
    ("help", "Wat kan de coach?"),
    ("reflectie", "Een vraag om bij stil te staan"),
    ("mijnreflecties", "Je reflecties teruglezen"),
    ("dagelijks", "Je dagelijkse vraag instellen"),
    ("onboarding", "10 werkdagen door de handreiking"),
    ("export", "Al je gegevens downloaden"),
    ("vergeet", "Al je gegevens wissen"),
    ("privacy", "Wat de coach bewaart"),
    ("rol", "Je rol wijzigen"),
    ("teamoverleg", "Vragen en agenda voor je teamoverleg"),  # issue 17:
    ("instellingen", "Je instellingen bekijken en wijzigen"),  # issue 12
    ("annuleer", "Stoppen met wat nu loopt"),
)
NOT_TEXT = "Ik kan alleen tekst lezen. Typ je vraag of antwoord in woorden."
EDITED = "Ik lees alleen nieuwe berichten. Stuur je aanpassing als nieuw bericht."
GROUPS_ONLY_PRIVATE = (
    "Ik werk alleen in een privégesprek, zodat je reflecties van jou blijven. "
    "Ik bewaar niets uit groepen. Stuur me een direct bericht."
)


PACED_ENDPOINTS = frozenset({"sendMessage", "sendDocument"})


class RetryingRateLimiter(AIORateLimiter):
    """PTB's rate limiter (30 msg/s, RetryAfter honoured) that also retries network errors.

    With `shared` (the prompt dispatcher's bot), every attempt at sendMessage/sendDocument
    first takes a slot of that limiter (one rate for all processes), retries after a 429
    included, and skips PTB's limiter (prompts go to private chats, which it does not limit
    beyond the overall rate); pass ``overall_max_rate=0`` for the bot's other calls.
    """

    def __init__(
        self,
        network_retries: int = 3,
        backoff: float = 0.5,
        shared: SharedRateLimiter | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.backoff = backoff
        self.shared = shared

    async def process_request(
        self,
        callback: Callable[..., Awaitable[Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        paced = self.shared is not None and endpoint in PACED_ENDPOINTS
        timeouts = 0
        for attempt in range(self.network_retries + 1):
            try:
                if paced:
                    # the shared limiter owns these; PTB's would only log 429s as errors
                    assert self.shared is not None
                    await self.shared.acquire()
                    return await callback(*args, **kwargs)
                return await super().process_request(
                    callback,  # type: ignore[arg-type]
                    args,
                    kwargs,
                    endpoint,
                    data,
                    rate_limit_args,
                )
            except RetryAfter as exc:
                if not paced or attempt == self.network_retries:
                    raise
                # as PTB's own limiter does: the public attribute warns until PTB 23
                await asyncio.sleep(exc._retry_after.total_seconds() + 0.1)
            except (BadRequest, Forbidden):
                raise
            except TimedOut:
                # issue 15: the request may have been delivered and only its answer was late;
                # a blind retry sends the message again, so a timeout is retried once at most
                timeouts += 1
                log.warning("Bot API call timed out", extra={"action": endpoint})
                if timeouts > 1 or attempt == self.network_retries:
                    raise
                await asyncio.sleep(self.backoff * 2**attempt)
            except NetworkError:
                if attempt == self.network_retries:
                    raise
                await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")


class ReplyNotDelivered(Exception):
    """The turn committed, but a reply could not be sent after the retries (issue 15)."""


class ReplyUncertain(ReplyNotDelivered):
    """issue 15: a send timed out twice: Telegram may have it (a late answer) or not. It is
    logged and not tried again, so a reply that did arrive does not arrive three times."""


class TelegramChannel:
    """Handlers that translate Telegram updates to core turns and replies back."""

    def __init__(self, coach: Coach, signer: CallbackSigner) -> None:
        self.coach = coach
        self.signer = signer
        self._background: set[asyncio.Future[None]] = set()  # typing indicators in flight
        svc = coach.services
        # issue 15: updates are stored before they are acknowledged, replies with the turn
        self.inbox = Inbox(svc.engine, svc.cipher, 0)
        self.outbox = Outbox(svc.engine, svc.cipher)
        self.notice = UnavailableNotice()
        self._sending: set[int] = set()  # outbox rows being sent by this process

    # -- building -----------------------------------------------------------------------
    def build(
        self,
        token: str,
        base_url: str,
        base_file_url: str,
        updater: bool = True,
        network_retries: int = 3,
        send_rate: float = 30.0,
    ) -> Application:
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .request(AiohttpRequest(pool_size=256))
            .get_updates_request(AiohttpRequest(pool_size=1))
            .rate_limiter(
                RetryingRateLimiter(
                    network_retries=network_retries, max_retries=3, overall_max_rate=send_rate
                )
            )
            .concurrent_updates(64)
            .post_init(self.post_init)
        )
        if not updater:
            builder = builder.updater(None)
        app = builder.build()
        self.inbox.bot_id = bot_id_of(token)

        async def handle_entry(entry: Entry) -> None:
            update = entry.update or Update.de_json(entry.data, app.bot)
            if update is not None:
                await app.update_processor.process_update(update, app.process_update(update))

        self.inbox.handler = handle_entry
        private = filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(~private & filters.UpdateType.MESSAGES, self.on_group))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_handler(MessageHandler(private & filters.UpdateType.EDITED, self.on_edited))
        app.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        app.add_handler(MessageHandler(private & ~filters.TEXT, self.on_other))
        app.add_error_handler(self.on_error)
        return app

    async def post_init(self, app: Application) -> None:
        """The Dutch command menu, so Telegram shows /privacy and the rest."""
        commands = [BotCommand(name, description) for name, description in COMMANDS_NL]
        await app.bot.set_my_commands(commands, language_code="nl")
        await app.bot.set_my_commands(commands)

    # -- incoming -------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hands a text message (commands included) to the core."""
        message = update.effective_message
        if message is None or update.effective_user is None:
            return
        MESSAGES.labels(CHANNEL, "text").inc()
        if await koppel(self.coach, update, message):  # issue 18: /koppel with the web chat
            return
        await self._turn(update, context, Incoming(text=message.text or ""))

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers every button press; acts only on data signed for this user."""
        query = update.callback_query
        if query is None:
            return
        action = self.signer.verify(query.from_user.id, query.data or "")
        if action is None:
            MESSAGES.labels(CHANNEL, "forged_callback").inc()
            await query.answer("Deze knop is niet (meer) geldig.")
            return
        with contextlib.suppress(BadRequest):  # issue 15: handled again after a crash, the
            await query.answer()  # query may be too old to answer; the press still counts
        MESSAGES.labels(CHANNEL, "button").inc()
        if query.message is not None and isinstance(query.message, Message):
            with contextlib.suppress(BadRequest):
                await query.message.edit_reply_markup(reply_markup=None)
        await self._turn(update, context, Incoming(action=action))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, voice notes, stickers, locations, documents: text only, kindly."""
        MESSAGES.labels(CHANNEL, "not_text").inc()
        if update.effective_message is not None:
            await update.effective_message.reply_text(NOT_TEXT)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        MESSAGES.labels(CHANNEL, "edited").inc()
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, EDITED)

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explains that the bot works in private chats only; keeps nothing."""
        MESSAGES.labels(CHANNEL, "group").inc()
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or chat.type == ChatType.CHANNEL:
            return
        text = message.text or ""
        bot_name = context.bot.username or ""
        addressed = text.startswith("/") or (bot_name and f"@{bot_name}" in text)
        if addressed or message.new_chat_members:
            await message.reply_text(GROUPS_ONLY_PRIVATE)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs with context (never message text) and tells the user something went wrong."""
        ERRORS.labels("telegram").inc()
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        current = CURRENT.get()
        if unavailable(context.error):
            # issue 15: the update stays in the inbox and is handled when the database is back
            log.warning(
                "database unavailable; the update is kept for a retry",
                extra={"update_id": update_id},
            )
            if current is not None:
                current[1].retry = True
                if chat is not None and chat.type == ChatType.PRIVATE:
                    await self.notice.tell(context.bot, chat.id)
                return
        if isinstance(context.error, ReplyUncertain):
            log.warning("a reply timed out twice; not sent again", extra={"update_id": update_id})
            return
        log.error(
            "error while handling an update", exc_info=context.error, extra={"update_id": update_id}
        )
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(Exception):
                # issue 15: say only what is true: stored (reply lost) or not processed
                lost_reply = isinstance(context.error, ReplyNotDelivered)
                text = texts.ERROR_REPLY_LOST if lost_reply else texts.ERROR_NOT_PROCESSED
                await context.bot.send_message(update.effective_chat.id, text)

    # -- the turn -------------------------------------------------------------------------
    async def _turn(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming
    ) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None:
            return
        # "typing…" only for a slow turn; once sent, the request is left to finish (cancelling
        # it mid-flight would cost the keep-alive connection to the Bot API)
        typing = asyncio.get_running_loop().call_later(
            TYPING_AFTER, self._start_typing, context.bot, chat.id
        )
        # issue 15: a turn that waits long (a slow or frozen database) tells the user so
        patience = asyncio.get_running_loop().call_later(
            PATIENCE_AFTER, self._start_patience, context.bot, chat.id
        )
        started = time.perf_counter()
        current = CURRENT.get()
        # issue 15: the delivery's key goes with the turn (Telegram may deliver an update
        # again); its replies are recorded in the outbox, and its update deleted from the
        # inbox, in the turn's transaction
        key = current[0].key if current else delivery_key(self.inbox.bot_id, update.to_dict())
        ids: list[int] = []
        record_replies = self.outbox.recorder(key, chat.id, ids)
        settled = False

        async def record(session: AsyncSession, user_id: int, replies: list[Reply]) -> None:
            nonlocal settled
            await record_replies(session, user_id, replies)
            if current is not None:
                await self.inbox.settle(session, key)
                settled = True

        try:
            replies = await self.coach.handle(
                UserRef(CHANNEL, str(user.id)), replace(incoming, delivery_id=key, record=record)
            )
        finally:
            typing.cancel()
            patience.cancel()
            TURN_SECONDS.labels(CHANNEL).observe(time.perf_counter() - started)
        if current is not None and settled:  # the turn has committed
            current[1].settled = True
        await self._send_recorded(context.bot, chat.id, user.id, replies, ids)

    async def _send_recorded(
        self, bot: Any, chat_id: int, user_id: int, replies: list[Reply], ids: list[int]
    ) -> None:
        """Send a turn's replies; each outbox row is deleted once Telegram has answered.
        Unsent rows are given up on failure: the user is told what is true."""
        recorded = len(ids) == len(replies)
        done = 0
        self._sending.update(ids)

        async def sent(index: int) -> None:
            nonlocal done
            done = index + 1
            if recorded:
                await self.outbox.mark_sent([ids[index]])

        try:
            await self.send(bot, chat_id, user_id, replies, sent)
        except TelegramError as exc:  # the turn has committed; only the reply is lost
            if recorded:
                await self.outbox.mark_sent(ids[done:])
            if isinstance(exc, TimedOut):
                raise ReplyUncertain from exc
            raise ReplyNotDelivered from exc
        finally:
            self._sending.difference_update(ids)
        if recorded and done < len(replies):  # the user blocked the bot: nothing more to send
            await self.outbox.mark_sent(ids[done:])

    # -- what was left behind -----------------------------------------------------------
    async def resend_left(self, bot: Any, everything: bool = False) -> int:
        """issue 15: send the replies a process that died had recorded and not sent (their
        lease ran out; all of them for the one process on SQLite at its start)."""
        sent = 0
        for left in await self.outbox.claim_left(everything, skip=self._sending):
            try:
                # a turn's replies go to the private chat of its user: the same id
                await self._send_recorded(bot, left.chat_id, left.chat_id, left.replies, left.ids)
                sent += len(left.ids)
            except ReplyNotDelivered as exc:
                log.warning("outbox: a reply left behind not delivered (%s)", type(exc).__name__)
        if sent:
            log.info("outbox: sent %d replies left behind", sent)
        return sent

    async def sweep(self, bot: Any, everything: bool = False) -> None:
        """One look for work left behind: inbox rows to record or handle, replies to send."""
        await self.inbox.finish_left()
        await self.inbox.sweep(everything=everything)
        await self.resend_left(bot, everything=everything)

    async def sweep_forever(
        self, bot: Any, every: float = SWEEP_EVERY, everything_first: bool = False
    ) -> None:
        """The sweeper task of a running bot; the first sweep may take everything (one
        process on SQLite: what the inbox and outbox hold at start a dead process left)."""
        everything = everything_first
        while True:
            try:
                await self.sweep(bot, everything=everything)
                everything = False
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("sweep for work left behind failed (%s)", type(exc).__name__)
            await asyncio.sleep(every)

    def _start_typing(self, bot: Any, chat_id: int) -> None:
        task = asyncio.ensure_future(self._typing(bot, chat_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _start_patience(self, bot: Any, chat_id: int) -> None:
        task = asyncio.ensure_future(self._say_patience(bot, chat_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _say_patience(self, bot: Any, chat_id: int) -> None:
        with contextlib.suppress(Exception):
            await bot.send_message(chat_id, texts.PATIENCE)

    async def _typing(self, bot: Any, chat_id: int) -> None:
        with contextlib.suppress(Exception):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)

    async def send(
        self,
        bot: Any,
        chat_id: int,
        user_id: int,
        replies: list[Reply],
        sent: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        try:
            await send_replies(bot, chat_id, user_id, replies, self.signer, sent=sent)
        except Forbidden:
            await self.mark_blocked(str(user_id))

    async def mark_blocked(self, channel_user_id: str) -> None:
        async with self.coach.services.sessions.begin() as session:
            await repo.mark_blocked(session, CHANNEL, channel_user_id, self.coach.services.clock())


async def send_replies(
    bot: Any,
    chat_id: int,
    user_id: int,
    replies: list[Reply],
    signer: CallbackSigner,
    before_send: Callable[[], Awaitable[None]] | None = None,
    sent: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Send core replies: HTML-escaped, split under 4,096 characters, buttons on the last part.

    `before_send` is awaited before every message (the prompt dispatcher's shared limiter);
    `sent(index)` after each reply has gone out whole (issue 15: the outbox marks it sent).
    """
    for number, reply in enumerate(replies):
        markup = keyboard(reply.buttons, user_id, signer)
        if reply.document is not None:
            if before_send is not None:
                await before_send()
            await bot.send_document(
                chat_id,
                InputFile(reply.document.content, filename=reply.document.filename),
                caption=split_message(reply.text, 1024)[0] if reply.text else None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            if sent is not None:
                await sent(number)
            continue
        parts = split_message(reply.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if before_send is not None:
                await before_send()
            await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                disable_web_page_preview=True,
            )
        if sent is not None:
            await sent(number)


async def koppel(coach: Coach, update: Update, message: Message) -> bool:  # issue 18
    """`/koppel [CODE]`: join this Telegram user's notebook with a web chat user's."""
    from bot.channels import web_link

    asked, argument = web_link.is_koppel(message.text or "")
    if not asked or update.effective_user is None:
        return False
    svc = coach.services
    async with svc.sessions.begin() as session:
        answer = await web_link.koppel(
            session,
            CHANNEL,
            str(update.effective_user.id),
            argument,
            svc.settings.coach_timezone,
            svc.clock(),
        )
    await message.reply_text(answer)
    return True
