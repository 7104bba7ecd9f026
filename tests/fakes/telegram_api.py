"""A fake Telegram Bot API server for tests that run the real python-telegram-bot stack.

The fake is an :mod:`aiohttp` web server on ``127.0.0.1`` (random port) that answers
``/bot{token}/{method}`` the way the real Bot API does, well enough for PTB 22 to parse every
response.  Point an ``Application`` at it with::

    async with FakeBotApi() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )

Request bodies may be JSON, ``application/x-www-form-urlencoded`` (what PTB sends when there
is no upload) or ``multipart/form-data`` (uploads).  Form values are JSON-decoded the same way
PTB encodes them (strings verbatim, everything else ``json.dumps``-ed); see ``STRING_FIELDS``.

Everything the bot sends is recorded in :attr:`FakeBotApi.calls` as :class:`Call` objects,
including calls the fake rejected (``call.ok`` is then ``False``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "DEFAULT_TOKEN",
    "SEND_METHODS",
    "Call",
    "FakeBotApi",
    "UploadedFile",
]

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"

# Parameters that PTB always sends as plain strings; never JSON-decode these from form bodies
# ("123" as message text must stay the string "123").
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "action",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "emoji",
        "title",
        "question",
        "file_id",
        "offset_str",
    }
)

# Methods that put something in a chat; they honour block_chat() and rate limits.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendAudio",
        "sendVoice",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
# Methods that touch a chat (block_chat applies) but are not rate limited.
CHAT_METHODS = SEND_METHODS | {
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
    "pinChatMessage",
}

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64


class UploadedFile(bytes):
    """The content of an uploaded multipart file; compares equal to its bytes.

    ``params["document"] == b"..."`` works, and ``.filename`` / ``.content_type`` carry the
    multipart metadata.
    """

    filename: str | None
    content_type: str | None

    def __new__(
        cls, content: bytes, filename: str | None = None, content_type: str | None = None
    ) -> UploadedFile:
        obj = super().__new__(cls, content)
        obj.filename = filename
        obj.content_type = content_type
        return obj

    @property
    def content(self) -> bytes:
        return bytes(self)

    def __repr__(self) -> str:
        return f"UploadedFile(filename={self.filename!r}, {len(self)} bytes)"


@dataclass
class Call:
    """One request the bot made to the fake."""

    method: str
    params: dict[str, Any]
    time: float
    status: int = 200
    response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def result(self) -> Any:
        return (self.response or {}).get("result")


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class _ApiError(Exception):
    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: invalid request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _json_default(obj: Any) -> Any:
    if isinstance(obj, UploadedFile):
        return {"filename": obj.filename, "size": len(obj)}
    if isinstance(obj, bytes):
        return {"size": len(obj)}
    raise TypeError(f"not JSON serializable: {type(obj)!r}")


def _decode_form_value(key: str, value: str) -> Any:
    if key in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value


@dataclass
class _Bucket:
    """Token bucket: `capacity` tokens, refilled at `rate` per second."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take one token; return 0.0 on success, otherwise seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class _RateState:
    global_window: deque[float] = field(default_factory=deque)
    per_chat: dict[Any, _Bucket] = field(default_factory=dict)


class FakeBotApi:
    """In-process fake of the Telegram Bot API (see module docstring).

    Args:
        token: the bot token; requests with another token get 401.
        bot_username / bot_first_name: what ``getMe`` returns.
        enforce_rate_limits: if true, send methods are limited to ``rate_limit_per_second``
            globally (sliding 1 s window) and ``per_chat_per_second`` per chat (token bucket
            holding ``per_chat_burst`` messages); excess calls get 429 with ``retry_after``
            and increment :attr:`violations`.
        rate_limit_per_second: passing a value (other than None) also turns enforcement on.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "fake_coach_bot",
        bot_first_name: str = "Coach",
        enforce_rate_limits: bool = False,
        rate_limit_per_second: float | None = None,
        per_chat_per_second: float = 1.0,
        per_chat_burst: int = 3,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.host = host
        self.port: int | None = None
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456789
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.enforce_rate_limits = enforce_rate_limits or rate_limit_per_second is not None
        self.rate_limit_per_second = (
            rate_limit_per_second if rate_limit_per_second is not None else 30
        )
        self.per_chat_per_second = per_chat_per_second
        self.per_chat_burst = per_chat_burst
        self.violations = 0
        self.send_delay = 0.0  # seconds every send* call takes, to keep a bot's sends in flight

        self.calls: list[Call] = []
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.blocked_chats: set[Any] = set()
        self.files: dict[str, tuple[bytes, str]] = {}  # file_id -> (content, file_path)
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}  # (chat_id, msg_id) -> msg

        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._update_ids = itertools.count(1)
        self._message_ids: dict[Any, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._chats: dict[Any, dict[str, Any]] = {}
        self._pending: list[dict[str, Any]] = []
        self._rate = _RateState()
        self._runner: web.AppRunner | None = None
        self._updates_changed: asyncio.Condition | None = None
        self._calls_changed: asyncio.Condition | None = None
        self._stopping: asyncio.Event | None = None
        self._bg_tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeBotApi:
        if self._runner is not None:
            return self
        self._updates_changed = asyncio.Condition()
        self._calls_changed = asyncio.Condition()
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        assert self._stopping is not None and self._updates_changed is not None
        self._stopping.set()
        async with self._updates_changed:
            self._updates_changed.notify_all()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # ------------------------------------------------------------------ configuration

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail with `status`.

        429 responses carry ``parameters.retry_after`` (PTB raises ``RetryAfter``); other
        statuses carry only a description (400 → BadRequest, 403 → Forbidden,
        500/502 → NetworkError).
        """
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}").format(
                retry_after=retry_after
            )
        self._failures[method].append(
            _Failure(
                status=status,
                description=description,
                retry_after=retry_after if status == 429 else None,
                remaining=times,
            )
        )

    def block_chat(self, chat_id: Any) -> None:
        """Sends to `chat_id` get 403 "Forbidden: bot was blocked by the user"."""
        self.blocked_chats.add(chat_id)

    def unblock_chat(self, chat_id: Any) -> None:
        self.blocked_chats.discard(chat_id)

    def add_file(
        self, content: bytes, file_name: str = "file.bin", file_id: str | None = None
    ) -> str:
        """Register a downloadable file (for getFile / File.download_*); returns its file_id."""
        file_id = file_id or f"FILE{next(self._file_ids):06d}"
        self.files[file_id] = (bytes(content), f"documents/{file_id}_{file_name}")
        return file_id

    # ------------------------------------------------------------------ update injection

    def chat(
        self, chat_id: Any, chat_type: str | None = None, title: str | None = None
    ) -> dict[str, Any]:
        """The chat object for `chat_id`; registers type/title on first use."""
        known = self._chats.get(chat_id)
        if known is not None and chat_type is None and title is None:
            return dict(known)
        if chat_type is None:
            chat_type = (known or {}).get("type") or self._guess_chat_type(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Test"
        else:
            chat["title"] = title or (known or {}).get("title") or f"Test {chat_type} {chat_id}"
        self._chats[chat_id] = chat
        return dict(chat)

    @staticmethod
    def _guess_chat_type(chat_id: Any) -> str:
        if isinstance(chat_id, str):
            return "channel"
        if chat_id > 0:
            return "private"
        return "supergroup" if str(chat_id).startswith("-100") else "group"

    def user(
        self, user_id: int, first_name: str = "Test", language_code: str | None = "nl", **extra
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        user.update(extra)
        return user

    def _next_message_id(self, chat_id: Any) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _default_user_id(self, chat_id: Any, user_id: int | None) -> int:
        if user_id is not None:
            return user_id
        if isinstance(chat_id, int) and chat_id > 0:
            return chat_id
        return 4242

    def make_message(
        self,
        chat_id: Any,
        text: str | None = None,
        user_id: int | None = None,
        first_name: str = "Test",
        chat_type: str | None = None,
        chat_title: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A raw incoming Message dict (not pushed). `extra` is merged into the message."""
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type, chat_title),
            "from": self.user(self._default_user_id(chat_id, user_id), first_name),
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0].encode("utf-16-le")) // 2
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        msg.update(extra)
        return msg

    def make_photo_message(
        self,
        chat_id: Any,
        caption: str | None = None,
        width: int = 800,
        height: int = 600,
        **kwargs: Any,
    ) -> dict[str, Any]:
        n = next(self._file_ids)
        sizes = [
            {
                "file_id": f"PHOTO{n:06d}_{w}",
                "file_unique_id": f"uPHOTO{n:06d}_{w}",
                "width": w,
                "height": h,
                "file_size": w * h // 10,
            }
            for w, h in ((90, max(1, 90 * height // width)), (width, height))
        ]
        extra: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self.make_message(chat_id, **extra, **kwargs)

    def make_sticker_message(
        self, chat_id: Any, emoji: str = "👍", set_name: str = "TestStickers", **kwargs: Any
    ) -> dict[str, Any]:
        n = next(self._file_ids)
        sticker = {
            "file_id": f"STICKER{n:06d}",
            "file_unique_id": f"uSTICKER{n:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": set_name,
            "file_size": 20480,
        }
        return self.make_message(chat_id, sticker=sticker, **kwargs)

    def make_voice_message(
        self, chat_id: Any, duration: int = 3, content: bytes | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        file_id = self.add_file(content or b"OggS\x00fake-voice", "voice.ogg")
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(self.files[file_id][0]),
        }
        return self.make_message(chat_id, voice=voice, **kwargs)

    def make_location_message(
        self, chat_id: Any, latitude: float = 52.3676, longitude: float = 4.9041, **kwargs: Any
    ) -> dict[str, Any]:
        return self.make_message(
            chat_id, location={"latitude": latitude, "longitude": longitude}, **kwargs
        )

    def make_document_message(
        self,
        chat_id: Any,
        content: bytes = b"%PDF-1.4 fake",
        file_name: str = "cv.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A document message whose file can be downloaded by the bot via getFile."""
        file_id = self.add_file(content, file_name)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return self.make_message(chat_id, **extra, **kwargs)

    def make_edited_message(
        self,
        chat_id: Any,
        message_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Test",
        **extra: Any,
    ) -> dict[str, Any]:
        """An edited version of an earlier incoming message (push as ``edited_message``)."""
        now = int(time.time())
        msg: dict[str, Any] = {
            "message_id": message_id,
            "date": now - 5,
            "edit_date": now,
            "chat": self.chat(chat_id),
            "from": self.user(self._default_user_id(chat_id, user_id), first_name),
            "text": text,
        }
        msg.update(extra)
        return msg

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update. A bare Message dict (has ``message_id``) is wrapped as
        ``{"message": ...}``; ``update_id`` is assigned if missing."""
        if "message_id" in update and "chat" in update:
            update = {"message": update}
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._pending.append(update)
        self._pending.sort(key=lambda u: u["update_id"])
        self._notify_updates()
        return update

    def push_edited_message(self, chat_id: Any, message_id: int, text: str, **kw: Any) -> dict:
        return self.push_update(
            {"edited_message": self.make_edited_message(chat_id, message_id, text, **kw)}
        )

    def push_message(
        self,
        chat_id: Any,
        text: str,
        user_id: int | None = None,
        first_name: str = "Test",
        chat_type: str = "private",
        **extra: Any,
    ) -> dict[str, Any]:
        """Queue a text message from a user; returns the update dict."""
        msg = self.make_message(
            chat_id, text, user_id=user_id, first_name=first_name, chat_type=chat_type, **extra
        )
        return self.push_update({"message": msg})

    def push_callback(
        self,
        chat_id: Any,
        data: str,
        message_id: int,
        user_id: int | None = None,
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """Queue a callback query (button press) on bot message `message_id` in `chat_id`."""
        message = self.messages.get((chat_id, message_id))
        if message is None:
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self.chat(chat_id),
                "from": self.bot_user,
                "text": "",
            }
        query_id = str(next(self._callback_ids))
        cq = {
            "id": query_id,
            "from": self.user(self._default_user_id(chat_id, user_id), first_name),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": message,
        }
        return self.push_update({"callback_query": cq})

    def _notify_updates(self) -> None:
        cond = self._updates_changed
        if cond is None:
            return

        async def _notify() -> None:
            async with cond:
                cond.notify_all()

        with contextlib.suppress(RuntimeError):
            task = asyncio.get_running_loop().create_task(_notify())
            self._bg_tasks.add(task)
            task.add_done_callback(self._bg_tasks.discard)

    # ------------------------------------------------------------------ inspection

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
        ok: bool | None = None,
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `predicate`, and with ``call.ok ==
        ok`` if given) have been recorded; return them. Raises ``TimeoutError`` otherwise."""
        assert self._calls_changed is not None, "server not started"

        def matching() -> list[Call]:
            return [
                c
                for c in self.calls
                if c.method == method
                and (ok is None or c.ok == ok)
                and (predicate is None or predicate(c))
            ]

        async def _wait() -> list[Call]:
            async with self._calls_changed:
                await self._calls_changed.wait_for(lambda: len(matching()) >= count)
            return matching()

        try:
            return await asyncio.wait_for(_wait(), timeout)
        except TimeoutError:
            got = matching()
            raise TimeoutError(
                f"wanted {count} x {method}, got {len(got)} within {timeout}s; "
                f"calls: {[c.method for c in self.calls if c.method != 'getUpdates']}"
            ) from None

    def calls_to(self, method: str, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def sent_texts(self, chat_id: Any) -> list[str]:
        """Texts of successful sendMessage/editMessageText calls to `chat_id`, in order."""
        return [
            c.params.get("text", "")
            for c in self.calls
            if c.ok
            and c.method in ("sendMessage", "editMessageText")
            and _same_chat(c.params.get("chat_id"), chat_id)
        ]

    def sent_documents(self, chat_id: Any) -> list[UploadedFile]:
        return [
            c.params["document"]
            for c in self.calls
            if c.ok
            and c.method == "sendDocument"
            and _same_chat(c.params.get("chat_id"), chat_id)
            and isinstance(c.params.get("document"), UploadedFile)
        ]

    def clear_calls(self) -> None:
        self.calls.clear()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._pending)

    # ------------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        ctype = request.content_type
        if request.method == "POST" and request.can_read_body:
            if ctype == "application/json":
                body = await request.read()
                if body:
                    params.update(json.loads(body))
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                uploads: dict[str, UploadedFile] = {}
                async for part in reader:
                    if part is None or part.name is None:  # pragma: no cover
                        continue
                    if part.filename is not None:
                        content = await part.read(decode=True)
                        uploads[part.name] = UploadedFile(
                            bytes(content), part.filename, part.headers.get("Content-Type")
                        )
                    else:
                        value = await part.text()
                        params[part.name] = _decode_form_value(part.name, value)
                for name, upload in uploads.items():
                    params.setdefault(name, upload)
                # Resolve attach://name references (media groups, thumbnails).
                for key, value in list(params.items()):
                    if isinstance(value, str) and value.startswith("attach://"):
                        ref = value.removeprefix("attach://")
                        if ref in uploads:
                            params[key] = uploads[ref]
            else:
                form = await request.post()
                for k, v in form.items():
                    if isinstance(v, web.FileField):
                        params[k] = UploadedFile(v.file.read(), v.filename, v.content_type)
                    else:
                        params[k] = _decode_form_value(k, v)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except Exception as exc:  # malformed body
            params = {}
            err: _ApiError | None = _ApiError(400, f"Bad Request: can't parse body: {exc}")
        else:
            err = None
        loop = asyncio.get_running_loop()
        call = Call(method=method, params=params, time=loop.time())

        status, body = 200, None
        try:
            if err is not None:
                raise err
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            self._check_failures(method)
            if self.send_delay and method.startswith("send"):
                await asyncio.sleep(self.send_delay)
            result = await self._dispatch(method, params)
            body = {"ok": True, "result": result}
        except _ApiError as exc:
            status, body = exc.status, exc.body()

        call.status, call.response = status, body
        await self._record(call)
        return web.Response(
            status=status,
            text=json.dumps(body, default=_json_default),
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        for content, file_path in self.files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        assert self._calls_changed is not None
        async with self._calls_changed:
            self._calls_changed.notify_all()

    def _check_failures(self, method: str) -> None:
        queue = self._failures.get(method)
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise _ApiError(failure.status, failure.description, parameters)

    def _check_chat(self, method: str, params: dict[str, Any]) -> None:
        if method not in CHAT_METHODS:
            return
        chat_id = params.get("chat_id")
        if chat_id is None and "inline_message_id" not in params:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        if chat_id is not None and any(_same_chat(chat_id, b) for b in self.blocked_chats):
            chat_type = self._chats.get(chat_id, {}).get("type") or (self._guess_chat_type(chat_id))
            if chat_type == "private":
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            raise _ApiError(403, "Forbidden: bot was kicked from the group chat")
        if method in SEND_METHODS and self.enforce_rate_limits:
            self._check_rate(chat_id)

    def _check_rate(self, chat_id: Any) -> None:
        now = asyncio.get_running_loop().time()
        window = self._rate.global_window
        while window and now - window[0] >= 1.0:
            window.popleft()
        wait = 0.0
        if len(window) >= self.rate_limit_per_second:
            wait = 1.0 - (now - window[0])
        else:
            bucket = self._rate.per_chat.get(chat_id)
            if bucket is None:
                bucket = self._rate.per_chat[chat_id] = _Bucket(
                    rate=self.per_chat_per_second,
                    capacity=float(max(1, self.per_chat_burst)),
                    tokens=float(max(1, self.per_chat_burst)),
                    updated=now,
                )
            wait = bucket.take(now)
        if wait > 0:
            self.violations += 1
            retry_after = max(1, math.ceil(wait))
            raise _ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        window.append(now)

    # ------------------------------------------------------------------ methods

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            raise _ApiError(404, "Not Found: method not found")
        self._check_chat(method, params)
        return await handler(params)

    async def _m_getme(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            # Confirm everything below offset; negative offsets keep only the last -offset.
            if offset > 0:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            else:
                self._pending = self._pending[offset:]
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        assert self._updates_changed is not None and self._stopping is not None
        stopping = self._stopping
        cond = self._updates_changed
        if not self._pending and timeout > 0 and not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    async with cond:
                        await cond.wait_for(lambda: bool(self._pending) or stopping.is_set())
        if stopping.is_set():
            return []
        return self._pending[:limit]

    async def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url", "")
        if url and not str(url).startswith("https://"):
            raise _ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (json.dumps(scope, sort_keys=True), params.get("language_code") or "")

    async def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: commands must be an array")
        for cmd in commands:
            name = cmd.get("command", "") if isinstance(cmd, dict) else ""
            if not (1 <= len(name) <= 32) or not all(
                ch.islower() or ch.isdigit() or ch == "_" for ch in name
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not (1 <= len(cmd.get("description", "")) <= 256):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_deletemycommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        """Validate an inline keyboard; return it if it should be echoed in the Message."""
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not (
                    1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _check_text(text: Any) -> str:
        if text is None or str(text).strip() == "":
            raise _ApiError(400, "Bad Request: message text is empty")
        text = str(text)
        if len(text) > MAX_TEXT_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return text

    def _new_bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params["chat_id"]
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
        }
        msg.update(content)
        markup = self._check_markup(params.get("reply_markup"))
        if markup is not None:
            msg["reply_markup"] = markup
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    async def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        text = self._check_text(params.get("text"))
        return self._new_bot_message(params, text=text)

    async def _m_senddocument(self, params: dict[str, Any]) -> Any:
        doc = params.get("document")
        if isinstance(doc, UploadedFile):
            file_id = self.add_file(doc.content, doc.filename or "document")
            document = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": doc.filename or "document",
                "mime_type": doc.content_type or "application/octet-stream",
                "file_size": len(doc),
            }
        elif isinstance(doc, str) and doc:
            document = {"file_id": doc, "file_unique_id": f"u{doc}"}
        else:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        extra: dict[str, Any] = {"document": document}
        if params.get("caption"):
            extra["caption"] = params["caption"]
        return self._new_bot_message(params, **extra)

    def _edited_target(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if "inline_message_id" in params:
            return None
        key = (params["chat_id"], int(params.get("message_id") or 0))
        if key[1] <= 0:
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        msg = self.messages.get(key)
        if msg is None:
            # Unknown to us (e.g. from before the test); synthesize it.
            msg = {
                "message_id": key[1],
                "date": int(time.time()),
                "chat": self.chat(key[0]),
                "from": self.bot_user,
                "text": "",
            }
            self.messages[key] = msg
        return msg

    async def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        text = self._check_text(params.get("text"))
        markup = self._check_markup(params.get("reply_markup"))
        msg = self._edited_target(params)
        if msg is None:
            return True
        if msg.get("text") == text and msg.get("reply_markup") == markup:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        msg["text"] = text
        msg["edit_date"] = int(time.time())
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup
        return msg

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        markup = self._check_markup(params.get("reply_markup"))
        msg = self._edited_target(params)
        if msg is None:
            return True
        if msg.get("reply_markup") == markup:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        msg["edit_date"] = int(time.time())
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup
        return msg

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise _ApiError(400, "Bad Request: query_id_invalid")
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_deletemessage(self, params: dict[str, Any]) -> Any:
        key = (params["chat_id"], int(params.get("message_id") or 0))
        self.messages.pop(key, None)
        return True

    async def _m_getfile(self, params: dict[str, Any]) -> Any:
        file_id = params.get("file_id")
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        content, path = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    async def _m_close(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_logout(self, params: dict[str, Any]) -> Any:
        return True


def _same_chat(a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:
        return int(a) == int(b)
    except (TypeError, ValueError):
        return False


def texts(calls: Iterable[Call]) -> list[str]:
    """Texts of the given calls (convenience for assertions)."""
    return [c.params.get("text", "") for c in calls]
