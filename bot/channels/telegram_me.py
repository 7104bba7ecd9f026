"""The bot's own @username, read from Telegram's getMe (issue 13).

`coach invite create` prints a t.me link; the username in it comes from the bot token (what
Telegram says with getMe), so an operator does not have to know or type it, and a link never
carries a placeholder. A plain blocking call: the CLI runs it once, before the invite is made.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.settings import Settings

TIMEOUT = 10.0


class UsernameError(Exception):
    """One line for the operator: why the username could not be read."""


def read_username(settings: Settings, timeout: float = TIMEOUT) -> str:
    """getMe's `username`; never puts the token (part of the URL) in an error."""
    token = settings.telegram_bot_token
    if not token:
        raise UsernameError(
            "TELEGRAM_BOT_TOKEN is not set, so the bot's username cannot be read from "
            "Telegram: set it, or give --bot-username (or TELEGRAM_BOT_USERNAME)"
        )
    url = f"{settings.telegram_api_base_url}{token}/getMe"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        raise UsernameError(
            f"Telegram refused getMe (HTTP {exc.code}): check TELEGRAM_BOT_TOKEN"
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise UsernameError(
            f"could not read the bot's username from Telegram (getMe: {reason}); "
            "give --bot-username or set TELEGRAM_BOT_USERNAME"
        ) from None
    result = body.get("result") if isinstance(body, dict) else None
    username = result.get("username") if isinstance(result, dict) else None
    if not isinstance(username, str) or not username:
        raise UsernameError("Telegram's getMe gave no username; give --bot-username")
    return username
