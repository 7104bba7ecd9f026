"""`coach telegram` (long polling) for the kill/restart test: settings from the environment.

Run as ``python -m tests.channels.restart_bot`` from the project root.
"""

from __future__ import annotations

import asyncio
import logging

from bot.channels.telegram_run import run_telegram
from bot.logs import setup_logging
from bot.settings import load_settings


def main() -> None:
    settings = load_settings()
    setup_logging(logging.INFO)
    settings.require_telegram_token()
    asyncio.run(run_telegram(settings, None, "127.0.0.1", 0, "/telegram", use_webhook=False))


if __name__ == "__main__":
    main()
