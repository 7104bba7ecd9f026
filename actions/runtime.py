"""The services the actions use, bound once by the wiring (in-process or `coach actions`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.core.dialogue import FLOW_SLOTS
from bot.core.replies import Button, Document
from bot.knowledge import Audience
from bot.services import Services

_services: Services | None = None


def bind(services: Services) -> None:
    global _services
    _services = services


def services() -> Services:
    if _services is None:
        raise RuntimeError("actions are not wired; start them through `coach` (bot.wiring)")
    return _services


async def user_id(tracker: Tracker) -> int:
    """Our user id: a slot when the core runs the action, else the Rasa conversation's user."""
    known = tracker.get_slot("coach_user_id")
    if known is not None:
        return int(known)
    from bot.storage import repo

    svc = services()
    async with svc.transaction() as session:
        user = await repo.get_or_create_user(
            session, "rasa", str(tracker.sender_id)[:64], svc.settings.coach_timezone
        )
        return user.id


def role(tracker: Tracker) -> Audience:
    return "manager" if tracker.get_slot("role") == "manager" else "professional"


def say(
    dispatcher: CollectingDispatcher,
    text: str,
    buttons: Iterable[Iterable[Button]] = (),
    document: Document | None = None,
) -> None:
    """Send text with button rows; rows are kept with a `row` key Rasa channels ignore."""
    payload: list[dict[str, Any]] = [
        {"title": b.label, "payload": b.action, "row": r}
        for r, row in enumerate(buttons)
        for b in row
    ]
    kwargs: dict[str, Any] = {}
    if document is not None:
        import base64

        kwargs["json_message"] = {
            "document": {
                "filename": document.filename,
                "mime": document.mime,
                "content_b64": base64.b64encode(document.content).decode(),
            }
        }
    dispatcher.utter_message(text=text, buttons=payload or None, **kwargs)


def go(state: str, **slots: Any) -> list[dict[str, Any]]:
    """Events that move the dialogue to `state` and set (or clear, with None) slots."""
    return [SlotSet("state", state), *(SlotSet(k, v) for k, v in slots.items())]


def idle() -> list[dict[str, Any]]:
    return go("idle", **dict.fromkeys(FLOW_SLOTS))
