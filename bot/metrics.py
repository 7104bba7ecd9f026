"""Prometheus metrics, served on /metrics of the webhook server and the web chat."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

if TYPE_CHECKING:
    from bot.settings import Settings

MESSAGES = Counter("coach_messages_total", "Incoming messages by kind.", ["channel", "kind"])
TURN_SECONDS = Histogram(
    "coach_turn_seconds",
    "Time to handle one turn in the core.",
    ["channel"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
PROMPTS_SENT = Counter("coach_prompts_sent_total", "Daily prompts delivered.", ["kind"])
ERRORS = Counter("coach_errors_total", "Errors by where they happened.", ["where"])


LOCAL = frozenset({"127.0.0.1", "::1"})


def metrics_allowed(settings: Settings, request: web.Request) -> bool:
    """/metrics with COACH_METRICS_TOKEN as a bearer token; without one, local requests
    only (not through a reverse proxy, which adds X-Forwarded-For)."""
    token = settings.coach_metrics_token
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.remote in LOCAL and "X-Forwarded-For" not in request.headers


def metrics_response(settings: Settings, request: web.Request) -> web.Response:
    """issue 15: the metrics for whoever may read them; a plain 404 for anyone else."""
    if not metrics_allowed(settings, request):
        return web.Response(status=404, text="not found")
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
