"""Turning core replies into safe Telegram HTML, split under Telegram's 4,096-unit limit.

Telegram measures the limit in UTF-16 code units, so an emoji counts twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.replies import BOLD_END, BOLD_START, Button

MAX_MESSAGE = 4096
CALLBACK_LIMIT = 64
_SIG_LEN = 10


def to_html(text: str) -> str:
    """Escape all text; only the core's bold markers become tags."""
    return escape(text, quote=False).replace(BOLD_START, "<b>").replace(BOLD_END, "</b>")


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split raw text (with bold markers) into chunks whose HTML fits in one message.

    Splits at paragraph, then line, then word boundaries; a bold span cut in two is
    closed at the end of one chunk and reopened at the start of the next.
    """
    chunks: list[str] = []
    rest = text
    while utf16_len(to_html(rest)) > limit:
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head.count(BOLD_START) > head.count(BOLD_END):
            head += BOLD_END
            rest = BOLD_START + rest
        chunks.append(head)
    chunks.append(rest)
    return [to_html(c) for c in chunks if c.strip(BOLD_START + BOLD_END + " \n")]


def _cut_point(text: str, limit: int) -> int:
    # the longest prefix whose HTML fits, leaving room for a closing tag
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if utf16_len(to_html(text[:mid])) + 4 <= limit:
            low = mid
        else:
            high = mid - 1
    window = text[:low]
    for sep in ("\n\n", "\n", ". ", " "):
        at = window.rfind(sep)
        if at > low // 2:
            return at + len(sep)
    return low


class CallbackSigner:
    """Binds callback data to the user it was sent to, so it cannot act for someone else."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(secret.encode()).digest()

    def _sig(self, user_id: int, action: str) -> str:
        mac = hmac.new(self._key, f"{user_id}:{action}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode()[:_SIG_LEN]

    def sign(self, user_id: int, action: str) -> str:
        data = f"{action}|{self._sig(user_id, action)}"
        if len(data.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"callback data too long: {action!r}")
        return data

    def verify(self, user_id: int, data: str) -> str | None:
        action, sep, sig = data.rpartition("|")
        # bytes: compare_digest raises TypeError on non-ASCII str (callback data is any bytes)
        if not sep or not hmac.compare_digest(sig.encode(), self._sig(user_id, action).encode()):
            return None
        return action


def keyboard(
    buttons: tuple[tuple[Button, ...], ...], user_id: int, signer: CallbackSigner
) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, callback_data=signer.sign(user_id, b.action))
                for b in row
            ]
            for row in buttons
        ]
    )
