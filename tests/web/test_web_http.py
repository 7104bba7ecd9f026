"""The web chat over HTTP: sessions, CSRF/origin, pacing, odd input, waiting prompts, /vergeet."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.channels.web import WebChannel
from bot.channels.web_prompts import WebSender
from bot.channels.web_sessions import COOKIE, Pacer
from bot.core.replies import Reply, UserRef
from bot.storage.models import Reflection, User, WebPending, WebSession


@pytest.fixture
async def client(coach: Any) -> Any:
    channel = WebChannel(coach, Pacer(rate=50.0, burst=10))
    async with TestClient(TestServer(channel.app())) as http:
        yield http


async def start(http: TestClient) -> str:
    res = await http.get("/api/session")
    assert res.status == 200
    data = await res.json()
    assert res.cookies[COOKIE]["httponly"] and res.cookies[COOKIE]["samesite"] == "Strict"
    return str(data["csrf"])


async def say(http: TestClient, csrf: str, **body: Any) -> dict[str, Any]:
    res = await http.post("/api/message", json=body, headers={"X-CSRF-Token": csrf})
    assert res.status == 200, await res.text()
    return dict(await res.json())


async def test_no_forged_or_expired_session_and_no_cross_origin(
    client: Any, coach: Any, clock: Any
) -> None:
    res = await client.post("/api/message", json={"text": "hoi"}, headers={"X-CSRF-Token": "x"})
    assert res.status == 401
    csrf = await start(client)
    assert (await client.post("/api/message", json={"text": "hoi"})).status == 403  # no token
    res = await client.post(
        "/api/message",
        json={"text": "hoi"},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert res.status == 403
    jar = client.session.cookie_jar
    real = next(c.value for c in jar if c.key == COOKIE)
    jar.clear()
    forged = {"X-CSRF-Token": csrf, "Cookie": f"{COOKIE}=forged-token"}
    assert (await client.post("/api/message", json={"text": "hoi"}, headers=forged)).status == 401
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 1
        stored = await session.scalar(select(WebSession.token_hash))
    assert len(stored) == 64  # a hash, not the token
    # expired: 31 days without use (COACH_WEB_SESSION_DAYS=30)
    valid = {"X-CSRF-Token": csrf, "Cookie": f"{COOKIE}={real}"}
    assert (await client.post("/api/message", json={"text": "hoi"}, headers=valid)).status == 200
    clock.advance(days=31)
    assert (await client.post("/api/message", json={"text": "hoi"}, headers=valid)).status == 401


async def test_lesson_question_answer_and_vergeet(client: Any, coach: Any) -> None:
    csrf = await start(client)
    await say(client, csrf, text="/start")
    await say(client, csrf, action="role:professional")
    await say(client, csrf, action="new:no")
    data = await say(client, csrf, text="werkgever wil geen vrouw met een hoofddoek aannemen")
    html = " ".join(r["html"] for r in data["replies"])
    assert "<b>" in html and "Bron:" in html
    assert any(
        b["action"].startswith("more:")
        for r in data["replies"]
        for row in r["buttons"]
        for b in row
    )
    shown = await say(
        client, csrf, text="Ik merkte dat ik snel een oordeel had en te weinig doorvroeg."
    )
    assert "Zal ik het bewaren?" in " ".join(r["html"] for r in shown["replies"])  # issue 12
    await say(client, csrf, action="keep:yes")
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 1
    export = await say(client, csrf, text="/export")
    assert any("document" in r for r in export["replies"])
    await say(client, csrf, text="/vergeet")
    gone = await say(client, csrf, action="delete:yes")
    assert gone["ended"] is True
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 0
    res = await client.post("/api/message", json={"text": "hoi"}, headers={"X-CSRF-Token": csrf})
    assert res.status == 401


async def test_flood_is_slowed_nothing_lost(client: Any) -> None:
    csrf = await start(client)
    await say(client, csrf, text="/start")
    results = await asyncio.gather(*(say(client, csrf, text=f"/help {i}") for i in range(100)))
    assert len(results) == 100 and all(r["replies"] for r in results)
    assert sum(r["slowed"] for r in results) >= 50  # beyond the burst of 10, paced at 50/s


async def test_long_and_binary_input_get_a_friendly_answer(client: Any) -> None:
    csrf = await start(client)
    long = await say(client, csrf, text="klant heeft schulden " * 500)
    assert long["replies"] and "lang" in long["replies"][0]["html"]
    res = await client.post(
        "/api/message",
        data=bytes(range(256)) * 8,
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert res.status == 200
    assert "alleen tekst" in (await res.json())["replies"][0]["html"]
    res = await client.post(
        "/api/message",
        data=b"x" * 100_000,
        headers={"X-CSRF-Token": csrf},
    )
    assert res.status == 200 and (await res.json())["replies"]


async def test_waiting_prompts_shown_once_in_order(client: Any, coach: Any) -> None:
    csrf = await start(client)
    await say(client, csrf, text="/start")
    async with coach.services.sessions() as session:
        ref = await session.scalar(select(User.channel_user_id))
    sender = WebSender(coach.services)
    await sender(UserRef("web", ref), [Reply("Je vraag van vandaag: een")])
    await sender(UserRef("web", ref), [Reply("Je vraag van vandaag: twee")])
    first = await (await client.get("/api/session")).json()
    assert [r["html"] for r in first["pending"]] == [
        "Je vraag van vandaag: een",
        "Je vraag van vandaag: twee",
    ]
    again = await (await client.get("/api/session")).json()
    assert again["pending"] == []
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WebPending)) == 0


async def test_page_headers(client: Any) -> None:
    res = await client.get("/")
    assert res.status == 200
    assert "script-src 'self'" in res.headers["Content-Security-Policy"]
    body = await res.text()
    assert "http" not in body.replace("http-equiv", "")  # nothing from elsewhere
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/metrics")).status == 200


async def test_metrics_are_not_open_through_the_proxy(coach: Any) -> None:
    """issue 15: Caddy forwards the web chat's paths from the internet; /metrics is for local
    requests only, or for COACH_METRICS_TOKEN when one is set."""
    async with TestClient(TestServer(WebChannel(coach, Pacer()).app())) as http:
        proxied = await http.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status == 404 and "coach_" not in await proxied.text()
    settings = coach.services.settings
    coach.services.settings = settings.model_copy(update={"coach_metrics_token": "m3tr1cs"})
    try:
        async with TestClient(TestServer(WebChannel(coach, Pacer()).app())) as http:
            assert (await http.get("/metrics")).status == 404
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status == 404
            right = await http.get("/metrics", headers={"Authorization": "Bearer m3tr1cs"})
            assert right.status == 200 and "coach_messages_total" in await right.text()
    finally:
        coach.services.settings = settings


async def _visitor(http: TestClient) -> dict[str, str]:
    """A new browser: its own session; the headers it sends (the cookie jar is left empty)."""
    http.session.cookie_jar.clear()
    csrf = await start(http)
    token = next(c.value for c in http.session.cookie_jar if c.key == COOKIE)
    http.session.cookie_jar.clear()
    return {"Cookie": f"{COOKIE}={token}", "X-CSRF-Token": csrf}


async def _as(
    http: TestClient, headers: dict[str, str], path: str = "/api/message", **body: Any
) -> tuple[int, dict[str, Any]]:
    res = await http.post(path, json=body, headers=headers)
    return res.status, (await res.json())


def _said(data: dict[str, Any]) -> str:
    """All a reply says, downloads included."""
    import base64

    parts = [r["html"] for r in data.get("replies", [])]
    parts += [
        base64.b64decode(r["document"]["content_b64"]).decode("utf-8", "replace")
        for r in data.get("replies", [])
        if "document" in r
    ]
    return "\n".join(parts)


async def test_no_session_reaches_another_users_data_by_changing_ids(
    client: Any, coach: Any
) -> None:
    mark = "Ik merkte dat ik de werkgever te weinig vroeg naar zijn eigen zorgen."
    one = await _visitor(client)
    for body in ({"text": "/start"}, {"action": "role:professional"}, {"action": "new:no"}):
        assert (await _as(client, one, **body))[0] == 200
    await _as(client, one, text="werkgever wil geen vrouw met een hoofddoek aannemen")
    await _as(client, one, text=mark)
    await _as(client, one, text="ja")  # issue 12: a typed reflection is kept after a yes
    async with coach.services.sessions() as session:
        first = (await session.execute(select(User.id, User.channel_user_id))).one()
        stored_hash = await session.scalar(select(WebSession.token_hash))
    assert mark in _said((await _as(client, one, text="/mijnreflecties"))[1])

    two = await _visitor(client)
    await _as(client, two, text="/start")
    ids = {"user_id": first.id, "channel": "web", "channel_user_id": first.channel_user_id}
    # the first user's ids in the body, the query string and headers change nothing
    for text in ("/mijnreflecties", "/export"):
        status, data = await _as(client, two, text=text, **ids)
        assert status == 200 and mark not in _said(data)
        res = await client.post(
            f"/api/message?user_id={first.id}&channel_user_id={first.channel_user_id}",
            json={"text": text, **ids},
            headers={**two, "X-User-Id": str(first.id), "X-Channel-User-Id": first.channel_user_id},
        )
        assert res.status == 200 and mark not in _said(await res.json())
    # the second session with the first one's CSRF token, or the first one's stored hash as
    # a cookie (what a copy of the database would give), is refused
    crossed = {"Cookie": two["Cookie"], "X-CSRF-Token": one["X-CSRF-Token"]}
    assert (await _as(client, crossed, text="/mijnreflecties"))[0] == 403
    leaked = {"Cookie": f"{COOKIE}={stored_hash}", "X-CSRF-Token": one["X-CSRF-Token"]}
    assert (await _as(client, leaked, text="/mijnreflecties"))[0] == 401
    # an erase or logout from the second session with the first one's ids ends only the second
    await _as(client, two, text="/vergeet", **ids)
    status, data = await _as(client, two, action="delete:yes", **ids)
    assert status == 200 and data["ended"] is True
    assert (await _as(client, two, path="/api/logout", **ids))[0] == 401
    async with coach.services.sessions() as session:
        assert list(await session.scalars(select(User.id))) == [first.id]
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 1
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 1
    assert mark in _said((await _as(client, one, text="/mijnreflecties"))[1])


async def test_daily_question_waits_for_the_next_visit(client: Any, coach: Any, clock: Any) -> None:
    """The real dispatcher with the web sender (as `coach web` runs it): what came due while
    the user was away is handed out at the next visit, in order, once."""
    from bot.core import texts
    from bot.scheduler import PromptDispatcher

    csrf = await start(client)
    for body in ({"text": "/start"}, {"action": "role:professional"}, {"action": "new:no"}):
        await say(client, csrf, **body)
    await say(client, csrf, text="/dagelijks elke dag om 08:30")
    web = PromptDispatcher(coach, {"web": WebSender(coach.services)}, worker="web")
    telegram_only = PromptDispatcher(coach, {"telegram": WebSender(coach.services)}, worker="tg")
    delivered = 0
    for _ in range(2 * 24 * 4):  # two days away, the dispatcher ticking every 15 minutes
        clock.advance(minutes=15)
        assert await telegram_only.run_once() == 0  # a web user is claimed by `coach web` only
        delivered += await web.run_once()
    assert delivered == 2  # one a day, each day's at 08:30
    async with coach.services.sessions() as session:
        waiting = await session.scalar(select(func.count()).select_from(WebPending))
    assert waiting == delivered
    first = await (await client.get("/api/session")).json()
    intros = [r for r in first["pending"] if texts.DAILY_INTRO in r["html"]]
    assert (
        len(intros) == 2
    )  # each prompt once (the order: test_waiting_prompts_shown_once_in_order)
    again = await (await client.get("/api/session")).json()
    assert again["pending"] == []
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WebPending)) == 0
