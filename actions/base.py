"""The actions' common ground: rasa-sdk `Action`s built with their dependencies.

Every action is constructed once with the `Services` it uses (`bot.wiring.build_actions`) and
registered as an instance on rasa-sdk's `ActionExecutor`. The core calls `act(call)` in-process
with a typed `Call` and gets an `Outcome` back: the replies, the flow data to remember and the
state the action asks for. The dialogue policy (`bot.core.conversation`) writes the state; an
action never does. Rasa's JSON protocol (`run(dispatcher, tracker, domain)`, events) lives only
at the `coach actions` edge, where `run` turns a tracker into a `Call` and an `Outcome` into
events.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.core.dialogue import FLOW_SLOTS, State
from bot.core.replies import Button, Document, Reply
from bot.knowledge import Audience
from bot.nlu.engine import OOS_KIND_ENTITY
from bot.services import Services

DomainDict = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One call of an action: who, where in the dialogue, and this call's own arguments."""

    user_id: int
    role: str | None = None
    state: str = State.IDLE
    data: Mapping[str, Any] = field(default_factory=dict)  # the flow's remembered data
    text: str = ""  # the user's message, when the action reads it
    args: Mapping[str, Any] = field(default_factory=dict)  # e.g. lesson_id, theme, ranking

    def arg(self, name: str, default: Any = None) -> Any:
        value = self.args.get(name)
        return default if value is None else value

    @property
    def audience(self) -> Audience:
        return "manager" if self.role == "manager" else "professional"


@dataclass
class Outcome:
    """What an action did: its replies, the flow data to set, and the state it asks for."""

    replies: list[Reply] = field(default_factory=list)
    next: State | None = None  # None: the state stays as the policy left it
    remember: dict[str, Any] = field(default_factory=dict)  # None clears a value
    forget_flow: bool = False  # drop the flow's data (FLOW_SLOTS) before `remember`
    role: str | None = None  # the user's role, when the action changed it

    def say(
        self,
        text: str,
        buttons: Iterable[Iterable[Button]] = (),
        document: Document | None = None,
    ) -> Outcome:
        self.replies.append(Reply(text, tuple(tuple(row) for row in buttons), document))
        return self

    def then(self, state: State, **remember: Any) -> Outcome:
        """Ask for `state` next and remember (or, with None, clear) flow data."""
        self.next = state
        self.remember.update(remember)
        return self

    def done(self, **remember: Any) -> Outcome:
        """The flow is over: back to idle, its data dropped."""
        self.forget_flow = True
        return self.then(State.IDLE, **remember)

    def extend(self, other: Outcome) -> Outcome:
        self.replies += other.replies
        if other.forget_flow:
            self.forget_flow = True
            self.remember = {k: v for k, v in self.remember.items() if k not in FLOW_SLOTS}
        self.remember.update(other.remember)
        if other.next is not None:
            self.next = other.next
        self.role = other.role or self.role
        return self

    def events(self) -> list[dict[str, Any]]:
        """The outcome as Rasa events (the `coach actions` edge only)."""
        events: list[dict[str, Any]] = []
        if self.next is not None:
            events.append(SlotSet("state", str(self.next)))
        if self.forget_flow:
            events += [SlotSet(k, None) for k in FLOW_SLOTS if k not in self.remember]
        events += [SlotSet(k, v) for k, v in self.remember.items()]
        if self.role is not None:
            events.append(SlotSet("role", self.role))
        return events


def client_data_in(services: Services, text: str) -> list[str]:
    """The kinds of client data still in a text about to be stored (none: an empty list).

    The dialogue policy checks and cleans a text before it reaches a storing action; this is
    the last line for callers that bypass it, such as a Rasa server at the `coach actions`
    edge. A text the policy cleaned is not flagged again."""
    guard = services.guard
    if guard is None:
        return []
    scan = guard.scan(text)
    return scan.kinds() if scan.findings else []


class CoachAction(Action):
    """An action with its dependencies. Subclasses set `action_name` and write `act`."""

    action_name = ""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return self.action_name

    async def act(self, call: Call) -> Outcome:
        raise NotImplementedError

    # -- the `coach actions` edge: Rasa's tracker in, Rasa's events out --------------------
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        outcome = await self.act(await call_from_tracker(self.services, tracker))
        for reply in outcome.replies:
            utter(dispatcher, reply)
        return outcome.events()


async def call_from_tracker(services: Services, tracker: Tracker) -> Call:
    """A Rasa server's tracker as a `Call`: slots, entities and the ResponseSelector's pick."""
    slots = dict(tracker.current_slot_values())
    message = tracker.latest_message or {}
    args = dict(slots)
    for entity in message.get("entities") or []:
        if entity.get("entity") == "lesson":
            args["lesson_id"] = entity.get("value")
        if entity.get("entity") == "topic":
            args["topic"] = entity.get("value")
        if entity.get("entity") == OOS_KIND_ENTITY:  # issue 12: the referral's kind
            args["kind"] = entity.get("value")
    selected = (message.get("response_selector") or {}).get("ask_lesson") or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    if key.startswith("ask_lesson/"):
        args["lesson_id"] = key.split("/", 1)[1]
    args["ranking"] = message.get("lesson_ranking") or []
    known = slots.get("coach_user_id")
    if known is not None:
        uid = int(known)
    else:
        from bot.storage import repo

        async with services.transaction() as session:
            user = await repo.get_or_create_user(
                session, "rasa", str(tracker.sender_id)[:64], services.settings.coach_timezone
            )
            uid = user.id
    return Call(
        user_id=uid,
        role=slots.get("role"),
        state=str(slots.get("state") or State.IDLE),
        data=slots,
        text=str(message.get("text") or ""),
        args=args,
    )


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """A reply as a Rasa response; button rows kept with a `row` key Rasa channels ignore."""
    payload: list[dict[str, Any]] = [
        {"title": b.label, "payload": b.action, "row": r}
        for r, row in enumerate(reply.buttons)
        for b in row
    ]
    kwargs: dict[str, Any] = {}
    if reply.document is not None:
        doc = reply.document
        kwargs["json_message"] = {
            "document": {
                "filename": doc.filename,
                "mime": doc.mime,
                "content_b64": base64.b64encode(doc.content).decode(),
            }
        }
    dispatcher.utter_message(text=reply.text, buttons=payload or None, **kwargs)
