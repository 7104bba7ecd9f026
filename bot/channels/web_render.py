"""Core replies as the web chat's JSON: escaped HTML with only <b>, buttons, downloads."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from bot.core.replies import BOLD_END, BOLD_START, Reply


def to_html(text: str) -> str:
    """Escape all text; only the core's bold markers become tags (a span cut open is closed)."""
    html = escape(text, quote=False).replace(BOLD_START, "<b>").replace(BOLD_END, "</b>")
    return html + "</b>" * max(0, html.count("<b>") - html.count("</b>"))


def render(reply: Reply) -> dict[str, Any]:
    out: dict[str, Any] = {
        "html": to_html(reply.text),
        "buttons": [[{"label": b.label, "action": b.action} for b in row] for row in reply.buttons],
    }
    if reply.document is not None:
        out["document"] = {
            "filename": reply.document.filename,
            "mime": reply.document.mime,
            "content_b64": base64.b64encode(reply.document.content).decode(),
        }
    return out


def notice(text: str) -> dict[str, Any]:
    """A line the web channel says itself (not the core)."""
    return {"html": escape(text, quote=False), "buttons": []}
