"""Running the Telegram channel: long polling, or a webhook server with /healthz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, TelegramError, TimedOut
from telegram.ext import Application

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_format import CallbackSigner
from bot.core.coach import Coach
from bot.inbox import Entry, Inbox, UnavailableNotice, chat_of, unavailable
from bot.metrics import MESSAGES, metrics_response
from bot.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHANNEL_KEY = "coach_channel"  # where build_application leaves the channel in app.bot_data


def signer_for(settings: Settings) -> CallbackSigner:
    token = settings.require_telegram_token()
    return CallbackSigner(settings.telegram_webhook_secret or f"callbacks:{token}")


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram echoes in every webhook call (derived from the token if unset)."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    token = settings.require_telegram_token()
    return hmac.new(token.encode(), b"webhook", hashlib.sha256).hexdigest()[:48]


def build_application(
    settings: Settings, coach: Coach, updater: bool = True, network_retries: int = 3
) -> tuple[TelegramChannel, Application]:
    channel = TelegramChannel(coach, signer_for(settings))
    app = channel.build(
        settings.require_telegram_token(),
        settings.telegram_api_base_url,
        settings.telegram_api_file_url,
        updater=updater,
        network_retries=network_retries,
        send_rate=settings.telegram_send_rate,
    )
    app.bot_data[CHANNEL_KEY] = channel
    return channel, app


def channel_of(app: Application) -> TelegramChannel:
    return cast(TelegramChannel, app.bot_data[CHANNEL_KEY])


class Poller:
    """issue 15: long polling that stores each batch in the inbox before it is acknowledged.

    Telegram drops the updates below the offset of the next getUpdates call, so the offset
    moves past a batch only once the batch is stored. With the database unavailable the
    batch is kept (here and at Telegram), its chats are told once, and storing is tried
    again with a back-off."""

    def __init__(
        self,
        bot: Any,
        inbox: Inbox,
        notice: UnavailableNotice,
        timeout: int = 10,
        poll_interval: float = 0.0,
    ) -> None:
        self.bot = bot
        self.inbox = inbox
        self.notice = notice
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.offset: int | None = None

    async def run(self) -> None:
        await self.bot.delete_webhook()  # as PTB's Updater does before it polls
        batch: list[Entry] | None = None
        failures = 0
        while True:
            if batch is None:
                try:
                    updates = await self.bot.get_updates(
                        offset=self.offset, timeout=self.timeout, allowed_updates=Update.ALL_TYPES
                    )
                except TimedOut:
                    continue
                except (InvalidToken, Forbidden):
                    raise
                except (Conflict, TelegramError) as exc:
                    failures += 1
                    log.warning("getUpdates failed (%s)", type(exc).__name__)
                    await asyncio.sleep(min(30.0, 0.5 * 2**failures))
                    continue
                failures = 0
                batch = [self.inbox.entry(u.to_dict(), u) for u in updates]
                if not batch:
                    batch = None
                    await asyncio.sleep(self.poll_interval)
                    continue
            try:
                entries = await self.inbox.store(batch)
            except Exception as exc:
                failures += 1
                if unavailable(exc):
                    log.warning("database unavailable: %d updates wait at Telegram", len(batch))
                    await self.notice.tell_all(self.bot, [e.data for e in batch])
                else:
                    log.error("storing updates failed", exc_info=exc)
                await asyncio.sleep(min(10.0, 0.5 * 2**failures))
                continue
            failures = 0
            self.offset = max(e.update_id for e in batch) + 1
            batch = None
            self.inbox.dispatch(entries)

    async def acknowledge(self) -> None:
        """Confirm what was stored (at shutdown), so a restart does not fetch it again."""
        if self.offset is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self.bot.get_updates(offset=self.offset, timeout=0, limit=1), 5.0
            )


def _alone(coach: Coach) -> bool:
    """One process on SQLite: what the inbox and outbox hold at start a dead process left."""
    return coach.services.engine.dialect.name == "sqlite"


async def _cancel(*tasks: asyncio.Task[Any]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on the main thread
            loop.add_signal_handler(sig, stop.set)
    return stop


@asynccontextmanager
async def polling(
    settings: Settings, coach: Coach, poll_interval: float = 0.0, timeout: int = 10
) -> AsyncIterator[Application]:
    """The Application started with long polling through the inbox; stopped (in-flight
    updates finished) on exit."""
    channel, app = build_application(settings, coach, updater=False)
    async with app:
        await app.start()
        await channel.post_init(app)  # PTB runs post_init only in run_polling/run_webhook
        poller = Poller(app.bot, channel.inbox, channel.notice, timeout, poll_interval)
        polling_task = asyncio.create_task(poller.run())
        sweeper = asyncio.create_task(
            channel.sweep_forever(app.bot, everything_first=_alone(coach))
        )
        try:
            yield app
        finally:
            await _cancel(polling_task, sweeper)
            await channel.inbox.drain()
            await poller.acknowledge()
            await app.stop()


def webhook_app(
    settings: Settings,
    app: Application,
    path: str = "/telegram",
    ready: Callable[[], bool] = lambda: True,
) -> web.Application:
    """An aiohttp app: Telegram POSTs to `path` with the secret header; /healthz and /metrics."""
    secret = webhook_secret(settings)
    channel = channel_of(app)
    background: set[asyncio.Task[None]] = set()

    async def telegram_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # bytes: compare_digest raises TypeError on a non-ASCII str
        if not hmac.compare_digest(given.encode(), secret.encode()):
            MESSAGES.labels("telegram", "refused_webhook").inc()
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("an update is a JSON object with an integer update_id")
            update = Update.de_json(data, app.bot)
        except Exception:  # any body: a 4xx, never a 500 that Telegram would retry
            return web.Response(status=400, text="bad update")
        if update is None:
            return web.Response(status=400, text="bad update")
        # the body as Telegram sent it (polling keys PTB's to_dict(): the same update comes
        # the same way again, unless the bot switches between polling and webhook meanwhile)
        try:
            entry = channel.inbox.entry(data, update)
            entries = await channel.inbox.store([entry])  # issue 15: stored, then 200
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("database unavailable: the webhook update is refused (503)")
            task = asyncio.create_task(channel.notice.tell(app.bot, chat_of(data)))
            background.add(task)
            task.add_done_callback(background.discard)
            return web.Response(status=503, text="unavailable")  # Telegram sends it again
        channel.inbox.dispatch(entries)
        return web.Response(text="ok")

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": ready()}, status=200 if ready() else 503)

    async def metrics(request: web.Request) -> web.Response:
        return metrics_response(settings, request)  # issue 15: not open to whoever reaches us

    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(path, telegram_update)
    server.router.add_get("/healthz", healthz)
    server.router.add_get("/metrics", metrics)
    return server


@asynccontextmanager
async def webhook(
    settings: Settings, coach: Coach, host: str, port: int, path: str, public_url: str | None
) -> AsyncIterator[Application]:
    """The Application fed by our webhook server; registers the webhook when given a URL."""
    channel, app = build_application(settings, coach, updater=False)
    async with app:
        await app.start()
        await channel.post_init(app)  # PTB runs post_init only in run_polling/run_webhook
        if public_url:
            await app.bot.set_webhook(
                public_url.rstrip("/") + path,
                secret_token=webhook_secret(settings),
                allowed_updates=Update.ALL_TYPES,
            )
        runner = web.AppRunner(webhook_app(settings, app, path, ready=lambda: app.running))
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        sweeper = asyncio.create_task(
            channel.sweep_forever(app.bot, everything_first=_alone(coach))
        )
        try:
            yield app
        finally:
            await runner.cleanup()  # stop taking updates, then finish the stored ones
            await _cancel(sweeper)
            await channel.inbox.drain()
            await app.stop()


async def run_telegram(
    settings: Settings, webhook_url: str | None, host: str, port: int, path: str, use_webhook: bool
) -> None:
    from bot.privacy.guard import preload
    from bot.ratelimit import prompt_send_rate, telegram_send_limiter
    from bot.scheduler import PromptDispatcher, PromptTicker, telegram_sender
    from bot.wiring import coach_for

    token = settings.require_telegram_token()
    async with coach_for(settings, lazy_nlu=True) as coach:
        loading = asyncio.gather(  # while we connect to Telegram
            coach.load_nlu(),
            asyncio.to_thread(preload),  # the guard's word lists, not at the first reflection
        )
        stop = _stop_event()
        runner: Any = (
            webhook(settings, coach, host, port, path, webhook_url)
            if use_webhook
            else polling(settings, coach)
        )
        # the prompts' send limiter closes after the Application, whose stop waits for a tick
        limiter = telegram_send_limiter(  # issue 13: TELEGRAM_SEND_RATE
            settings.coach_redis_url, token, prompt_send_rate(settings.telegram_send_rate or 1000.0)
        )
        async with limiter, runner as app:
            await loading
            # What is loaded now (model, knowledge, libraries) stays for the process's life:
            # out of the collector's sight, a full collection no longer walks it (that took
            # ~0.1 s, a pause for every turn in flight).
            gc.freeze()
            if app.job_queue is None:
                raise RuntimeError("python-telegram-bot[job-queue] is not installed")
            sender = telegram_sender(app.bot, signer_for(settings), limiter)
            senders = {"telegram": sender}  # issue 13: a sender per channel
            PromptTicker(coach, PromptDispatcher(coach, senders)).schedule(app.job_queue)
            log.info("telegram channel running (%s)", "webhook" if use_webhook else "polling")
            await stop.wait()


async def dispatch_once(settings: Settings) -> int:
    """`coach prompts dispatch --once`: one pass of the dispatcher with a Telegram bot."""
    from telegram.ext import ExtBot

    from bot.channels.telegram import RetryingRateLimiter
    from bot.channels.telegram_http import AiohttpRequest
    from bot.ratelimit import prompt_send_rate, telegram_send_limiter
    from bot.scheduler import CONCURRENCY, PromptDispatcher, telegram_sender
    from bot.wiring import coach_for

    token = settings.require_telegram_token()
    async with coach_for(settings, lazy_nlu=True) as coach:  # prompts need no NLU
        # The shared limiter paces every prompt message, retries after a 429 included (one
        # rate across all dispatcher processes when COACH_REDIS_URL is set); PTB's own
        # overall 30/s limit and RetryAfter retries are off here so nothing is paced twice.
        limiter = telegram_send_limiter(  # issue 13: TELEGRAM_SEND_RATE
            settings.coach_redis_url, token, prompt_send_rate(settings.telegram_send_rate or 1000.0)
        )
        bot: ExtBot[None] = ExtBot(
            token,
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_api_file_url,
            rate_limiter=RetryingRateLimiter(  # type: ignore[arg-type]
                shared=limiter, max_retries=0, overall_max_rate=0
            ),
            request=AiohttpRequest(pool_size=CONCURRENCY),
        )
        async with bot, limiter:
            sender = telegram_sender(bot, signer_for(settings))
            # small claims keep the replicas busy to the end instead of one finishing 100
            dispatcher = PromptDispatcher(coach, {"telegram": sender}, batch=2 * CONCURRENCY)
            # issue 13: SIGTERM/SIGINT end the pass after the sends in flight
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, dispatcher.stop)
            try:
                return await dispatcher.run_once()
            finally:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)
