"""`coach web`: the web chat. One page of its own (no third-party anything) and a JSON API over
the same `Coach.handle` as Telegram, under a configurable base path; /healthz and /metrics.

API (all under the base path): GET api/session (the CSRF token and the prompts that waited;
in open access it makes an anonymous user), POST api/message {"text"} or {"action"}, POST
api/logout. A POST needs the X-CSRF-Token header and, when the browser sends one, an Origin
of this server. Logs carry no message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import web_link, web_sessions
from bot.channels.web_prompts import CHANNEL, take_pending
from bot.channels.web_render import notice, render
from bot.core import texts
from bot.core.coach import Coach
from bot.core.replies import Incoming, Reply, UserRef
from bot.metrics import ERRORS, MESSAGES, TURN_SECONDS, metrics_response
from bot.storage import invites

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("web_static")
MAX_BODY = 64 * 1024
MAX_TEXT = 10_000
NOT_TEXT = "Ik kan alleen tekst lezen. Typ je vraag of antwoord in woorden."
TOO_BIG = "Dit bericht is te groot voor mij. Typ je vraag in een paar zinnen."
NO_SESSION = "Je bent niet (meer) aangemeld. Open de uitnodigingslink opnieuw."
BAD_INVITE = "Deze uitnodiging is niet (meer) geldig. Vraag je organisatie om een nieuwe link."
BUSY = "Je stuurt heel veel berichten tegelijk. Wacht even en stuur je bericht dan opnieuw."
LOGGED_OUT = "Je bent afgemeld. Tot ziens!"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class WebChannel:
    def __init__(self, coach: Coach, pacer: web_sessions.Pacer | None = None) -> None:
        self.coach = coach
        self.settings = coach.services.settings
        self.base = self.settings.coach_web_base_path
        self.pacer = pacer or web_sessions.Pacer()
        self.known = web_sessions.Known()  # a hint only: every turn checks its session
        self.page = self._page()

    def _page(self) -> str:
        s = self.settings
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        return html.replace("{{title}}", escape(s.coach_web_title)).replace(
            "{{base}}", escape(self.base)
        )

    # -- the app ------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers])
        b = self.base
        app.router.add_get(b, self.index)
        if b != "/":
            app.router.add_get(b.rstrip("/"), self.to_base)
        app.router.add_get(b + "privacy", self.privacy)
        app.router.add_get(b + "i/{code}", self.invite)
        app.router.add_get(b + "theme.css", self.theme)
        app.router.add_get(b + "app.css", self.static_file("app.css", "text/css"))
        app.router.add_get(b + "app.js", self.static_file("app.js", "text/javascript"))
        app.router.add_get(b + "favicon.svg", self.static_file("favicon.svg", "image/svg+xml"))
        app.router.add_get(b + "api/session", self.session)
        app.router.add_post(b + "api/message", self.message)
        app.router.add_post(b + "api/logout", self.logout)
        for prefix in {"/", b}:
            app.router.add_get(prefix + "healthz", self.healthz)
            app.router.add_get(prefix + "metrics", self.metrics)
        return app

    async def to_base(self, _: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(self.base)

    def static_file(self, name: str, mime: str) -> Any:
        body = (STATIC / name).read_bytes()

        async def serve(_: web.Request) -> web.Response:
            return web.Response(
                body=body,
                content_type=mime,
                charset="utf-8",
                headers={"Cache-Control": "public, max-age=3600"},
            )

        return serve

    async def index(self, _: web.Request) -> web.Response:
        return web.Response(text=self.page, content_type="text/html", charset="utf-8")

    async def theme(self, _: web.Request) -> web.Response:
        css = f":root {{ --brand: {self.settings.coach_web_color}; }}\n"
        return web.Response(text=css, content_type="text/css", charset="utf-8")

    async def privacy(self, _: web.Request) -> web.Response:
        html = (STATIC / "privacy.html").read_text(encoding="utf-8")
        html = (
            html.replace("{{title}}", escape(self.settings.coach_web_title))
            .replace("{{base}}", escape(self.base))
            .replace("{{days}}", str(self.settings.coach_retention_days))
            .replace("{{session_days}}", str(self.settings.coach_web_session_days))
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def healthz(self, _: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def metrics(self, request: web.Request) -> web.Response:
        # issue 15: behind COACH_METRICS_TOKEN, or local only; Caddy forwards the web chat's
        # paths from the internet, so /coach/metrics would otherwise be open to anyone
        return metrics_response(self.settings, request)

    # -- sessions -----------------------------------------------------------------------
    def _set_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None:
        response.set_cookie(
            web_sessions.COOKIE,
            token,
            max_age=self.settings.coach_web_session_days * 86400,
            path=self.base,
            httponly=True,
            secure=request.url.host not in LOCAL_HOSTS,
            samesite="Strict",
        )

    def _clear_cookie(self, response: web.StreamResponse) -> None:
        response.del_cookie(web_sessions.COOKIE, path=self.base)

    async def _who(
        self, request: web.Request, hint: bool = False
    ) -> tuple[str, web_sessions.Who] | None:
        """The session's user; with `hint`, this process's last answer for the token if it
        has one (then the turn must check it: `_turn`)."""
        token = request.cookies.get(web_sessions.COOKIE, "")
        if hint and (known := self.known.get(token)) is not None:
            return token, known
        svc = self.coach.services
        async with svc.sessions.begin() as session:
            who = await web_sessions.find(
                session, token, svc.clock(), self.settings.coach_web_session_days
            )
        if who is None:
            self.known.drop(token)
            return None
        self.known.put(token, who)
        return token, who

    async def _new_user(self) -> tuple[str, web_sessions.Who]:
        svc = self.coach.services
        ref = secrets.token_hex(16)
        async with svc.sessions.begin() as session:
            from bot.storage import repo

            user = await repo.get_or_create_user(
                session, CHANNEL, ref, self.settings.coach_timezone
            )
            token = await web_sessions.start(session, user.id, svc.clock())
        who = web_sessions.Who(user.id, CHANNEL, ref)
        self.known.put(token, who)
        return token, who

    async def invite(self, request: web.Request) -> web.StreamResponse:
        """The invite link: admit a new web user with the code, start a session, open the chat."""
        code = request.match_info["code"][:64]
        svc = self.coach.services
        ref = secrets.token_hex(16)
        replies = await self.coach.handle(UserRef(CHANNEL, ref), Incoming(text=f"/start {code}"))
        async with svc.sessions.begin() as session:
            from sqlalchemy import select

            from bot.storage.models import User, WebPending

            if not await invites.admitted(session, CHANNEL, ref):
                MESSAGES.labels(CHANNEL, "refused_invite").inc()
                return web.Response(status=403, text=BAD_INVITE, content_type="text/plain")
            user_id = await session.scalar(
                select(User.id).where(User.channel == CHANNEL, User.channel_user_id == ref)
            )
            assert user_id is not None
            token = await web_sessions.start(session, user_id, svc.clock())
            session.add(
                WebPending(
                    user_id=user_id,
                    replies={"replies": [render(r) for r in replies]},
                    created_at=svc.clock(),
                )
            )
        self.known.put(token, web_sessions.Who(user_id, CHANNEL, ref))
        response = web.HTTPSeeOther(self.base)
        self._set_cookie(request, response, token)
        MESSAGES.labels(CHANNEL, "invite").inc()
        return response

    async def session(self, request: web.Request) -> web.Response:
        """Who am I (no id is ever shown): the CSRF token, and the prompts that waited."""
        found = await self._who(request)
        fresh = False
        if found is None:
            if self.settings.coach_access == "invite":
                return self._refused(401, NO_SESSION)
            found = await self._new_user()
            fresh = True
        token, who = found
        pending = await take_pending(self.coach.services, who.user_id)
        response = web.json_response(
            {
                "csrf": web_sessions.csrf_for(token),
                "title": self.settings.coach_web_title,
                "fresh": fresh,
                "pending": pending,
            }
        )
        if fresh:
            self._set_cookie(request, response, token)
        return response

    def _refused(self, status: int, text: str) -> web.Response:
        MESSAGES.labels(CHANNEL, f"refused_{status}").inc()
        return web.json_response({"error": text, "replies": [notice(text)]}, status=status)

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # no Origin (a non-browser client): the CSRF token decides
        allowed = {f"{request.scheme}://{request.host}"}
        if self.settings.coach_web_public_url:
            from yarl import URL

            public = URL(self.settings.coach_web_public_url)
            allowed.add(f"{public.scheme}://{public.raw_authority}")
        return origin in allowed

    async def _checked(
        self, request: web.Request, hint: bool = False
    ) -> tuple[str, web_sessions.Who] | web.Response:
        if not self._same_origin(request):
            return self._refused(403, "Dit verzoek komt niet van deze pagina.")
        found = await self._who(request, hint)
        if found is None:
            return self._refused(401, NO_SESSION)
        if not web_sessions.csrf_ok(found[0], request.headers.get("X-CSRF-Token", "")):
            return self._refused(403, "Dit verzoek komt niet van deze pagina.")
        return found

    async def logout(self, request: web.Request) -> web.Response:
        checked = await self._checked(request)
        if isinstance(checked, web.Response):
            return checked
        svc = self.coach.services
        async with svc.sessions.begin() as session:
            await web_sessions.end(session, checked[0])
        self.known.drop(checked[0])
        response = web.json_response({"ended": True, "replies": [notice(LOGGED_OUT)]})
        self._clear_cookie(response)
        return response

    # -- a message ----------------------------------------------------------------------
    async def _read(self, request: web.Request) -> Incoming | str:
        """The message, or the friendly reason it cannot be read."""
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return TOO_BIG
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return NOT_TEXT
        if not isinstance(data, dict):
            return NOT_TEXT
        action, text = data.get("action"), data.get("text")
        if isinstance(action, str) and action:
            return Incoming(action=action[:64])
        if not isinstance(text, str):
            return NOT_TEXT
        if "\x00" in text or sum(not c.isprintable() and c not in "\n\t" for c in text) > 8:
            return NOT_TEXT
        return Incoming(text=text[:MAX_TEXT])

    async def message(self, request: web.Request) -> web.Response:
        # the session as this process last saw it; the turn checks it in its transaction
        checked = await self._checked(request, hint=True)
        if isinstance(checked, web.Response):
            return checked
        token, who = checked
        key = web_sessions.token_hash(token)
        if self.pacer.full(key):
            return self._refused(429, BUSY)
        incoming = await self._read(request)
        is_koppel, argument = web_link.is_koppel("" if isinstance(incoming, str) else incoming.text)
        if isinstance(incoming, str) or (is_koppel and not incoming.action):
            # no turn to check the session in: look it up now
            found = await self._who(request)
            if found is None:
                return self._refused(401, NO_SESSION)
            token, who = found
        if isinstance(incoming, str):
            MESSAGES.labels(CHANNEL, "unreadable").inc()
            return web.json_response({"replies": [notice(incoming)]})
        waited = await self.pacer.take(key)
        MESSAGES.labels(CHANNEL, "button" if incoming.action else "text").inc()
        replies_out: list[dict[str, Any]] = []
        ended = False
        started = time.perf_counter()
        try:
            if is_koppel and not incoming.action:
                replies_out.append(notice(await self._koppel(who, argument)))
                self.known.drop(token)  # the session may speak as another user now
            else:
                turn = await self._turn(request, token, who, incoming)
                if turn is None:
                    return self._refused(401, NO_SESSION)
                who, replies = turn
                replies_out += [render(r) for r in replies]
                # only an erase can end the user: no query for every other message
                erased = any(r.text.startswith(texts.DELETED) for r in replies)
                ended = erased and not await self._exists(who.user_id)
                if ended:
                    self.known.drop(token)
        except Exception:
            ERRORS.labels(CHANNEL).inc()
            log.exception("error while handling a web message", extra={"user_id": who.user_id})
            replies_out.append(notice(texts.ERROR))
        finally:
            TURN_SECONDS.labels(CHANNEL).observe(time.perf_counter() - started)
        response = web.json_response({"replies": replies_out, "ended": ended, "slowed": waited > 0})
        if ended:  # /vergeet erased the user, and with it every session
            self._clear_cookie(response)
        return response

    async def _turn(
        self, request: web.Request, token: str, who: web_sessions.Who, incoming: Incoming
    ) -> tuple[web_sessions.Who, list[Reply]] | None:
        """The turn, as the user the session speaks as, checked inside the turn's own
        transaction; None if the session has ended (on any process)."""
        for _ in range(3):  # a session joined by /koppel meanwhile speaks as another user
            try:
                ref = UserRef(who.channel, who.channel_user_id)
                check = self._session_check(token, who)
                return who, await self.coach.handle(ref, incoming, check=check)
            except web_sessions.Gone:
                self.known.drop(token)
                found = await self._who(request)
                if found is None:
                    return None
                who = found[1]
        return None

    def _session_check(
        self, token: str, who: web_sessions.Who
    ) -> Callable[[AsyncSession], Awaitable[None]]:
        svc, days = self.coach.services, self.settings.coach_web_session_days

        async def check(session: AsyncSession) -> None:
            if await web_sessions.find(session, token, svc.clock(), days) != who:
                raise web_sessions.Gone

        return check

    async def _koppel(self, who: web_sessions.Who, argument: str) -> str:
        svc = self.coach.services
        async with svc.sessions.begin() as session:
            return await web_link.koppel(
                session,
                who.channel,
                who.channel_user_id,
                argument,
                self.settings.coach_timezone,
                svc.clock(),
            )

    async def _exists(self, user_id: int) -> bool:
        async with self.coach.services.sessions() as session:
            return await web_link.existing(session, user_id)


def _warm_up() -> None:
    from bot.core.safety import suggests_danger
    from bot.privacy.guard import preload

    preload()
    suggests_danger("")


async def run_web(settings: Any, host: str, port: int) -> None:
    """`coach web`: the server, and a dispatcher that keeps web users' prompts for their visit."""
    import gc

    from bot.channels.telegram_run import _stop_event
    from bot.channels.web_prompts import WebSender
    from bot.scheduler import TICK_SECONDS, PromptDispatcher
    from bot.wiring import coach_for

    async with coach_for(settings, lazy_nlu=True) as coach:
        # the model, the privacy guard's word lists and the danger wordings (a second or
        # more: the first text message would stall every turn in flight); then out of the
        # collector's sight
        await asyncio.gather(coach.load_nlu(), asyncio.to_thread(_warm_up))
        gc.freeze()
        channel = WebChannel(coach)
        runner = web.AppRunner(channel.app(), access_log=None)  # the access log has URLs only,
        await runner.setup()  # but invite codes are in URLs: no access log
        await web.TCPSite(runner, host, port).start()
        dispatcher = PromptDispatcher(coach, {CHANNEL: WebSender(coach.services)})
        stop = _stop_event()
        log.info("web channel running on %s:%s%s", host, port, settings.coach_web_base_path)

        async def tick() -> None:
            while not stop.is_set():
                try:
                    await dispatcher.run_once()
                except Exception:
                    log.exception("web prompt tick failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK_SECONDS)

        ticking = asyncio.create_task(tick())
        try:
            await stop.wait()
        finally:
            await ticking
            await runner.cleanup()
