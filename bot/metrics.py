"""Prometheus metrics, served on the webhook server's /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

MESSAGES = Counter("coach_messages_total", "Incoming messages by kind.", ["channel", "kind"])
TURN_SECONDS = Histogram(
    "coach_turn_seconds",
    "Time to handle one turn in the core.",
    ["channel"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
PROMPTS_SENT = Counter("coach_prompts_sent_total", "Daily prompts delivered.", ["kind"])
ERRORS = Counter("coach_errors_total", "Errors by where they happened.", ["where"])
