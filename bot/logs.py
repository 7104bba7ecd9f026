"""Structured (JSON) logs that never carry message text."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_SAFE_EXTRAS = ("user_id", "update_id", "action", "intent", "state", "duration_ms", "chat_type")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _SAFE_EXTRAS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# issue 15: loggers of our own code, which log ids and names of actions, never content
_OWN = ("bot",)
WITHHELD = "[withheld: third-party log arguments]"


class ContentFilter(logging.Filter):
    """Keeps message text, names and Telegram user data out of the log, at every level.

    Third-party libraries (python-telegram-bot, aiohttp, SQLAlchemy, rasa-sdk, asyncio) log
    whole updates, request bodies and statement parameters at DEBUG. Their records keep only
    the format template: the arguments (where the content is) are dropped, and a message
    without arguments (it may have been formatted from content) is withheld whole. Exception
    texts of third-party records are dropped too (they can quote a request); the type stays.
    Installed on the handler, so it sees records of every logger, including ones that do not
    propagate through the root's own filters.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in _OWN or getattr(record, "_coach_cleaned", False):
            return True  # ours, or cleaned already by another handler's filter
        record._coach_cleaned = True
        if record.args:
            record.msg = f"{record.msg} {WITHHELD}"
            record.args = None
        else:
            # a message formatted before logging may have been built from content
            record.msg = WITHHELD
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContentFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "sanic.access", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
