"""The channel-agnostic core: `Coach.handle(user, message) -> list[Reply]`.

Each turn, in one database transaction, loads the user's persisted dialogue state, reads the
message (commands, buttons, NLU), decides which rasa-sdk actions to run, runs them in-process
through rasa-sdk's `ActionExecutor`, applies the slots they set, and saves the state again:
a turn's writes land together or not at all. Channels only
translate their updates into `Incoming` and render the `Reply` objects.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk.executor import ActionExecutor
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import notebook, policy, texts  # notebook: issue 16
from bot.core.dialogue import (
    CANCEL_WORDS,
    COMMANDS,
    FLOW_SLOTS,
    NO_WORDS,
    REFLECTING,
    SKIP_WORDS,
    YES_WORDS,
    State,
    normalised,
    read_answer,
    role_from_text,
)
from bot.core.later import LATER_REPLY, read_later  # issue 16
from bot.core.replies import Button, Document, Incoming, Reply, UserRef
from bot.core.requests import read_request
from bot.core.safety import suggests_danger
from bot.core.schedule_text import parse_schedule  # issue 16
from bot.core.schedule_text import read_request as read_schedule_request  # issue 16
from bot.core.support import default_patterns as default_load_patterns  # issue 12
from bot.core.support import suggests_load  # issue 12
from bot.nlu import NLU, Parse
from bot.nlu.engine import ABOUT, LESSON, OUT_OF_SCOPE
from bot.nlu.text import MAX_NLU_CHARS, clean, has_letters, latin_share
from bot.services import Services
from bot.storage import repo
from bot.storage.db import checkpoint
from bot.team import reader as team_reader  # issue 17:
from bot.team import routing as team_routing  # issue 17:

log = logging.getLogger(__name__)
MAX_REFLECTION_CHARS = 4000
EMERGENCY_REPEAT_HOURS = 24
FLOOD_MESSAGES = 15
FLOOD_SECONDS = 30.0


@dataclass
class Step:
    action: str
    slots: dict[str, Any] = field(default_factory=dict)
    message: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    user_id: int
    role: str | None
    timezone: str
    state: str
    data: dict[str, Any]
    saved: tuple[str, dict[str, Any]] | None = field(default=None, repr=False)  # as loaded
    replies: list[Reply] = field(default_factory=list)

    def slots(self) -> dict[str, Any]:
        return {**self.data, "state": self.state, "role": self.role, "coach_user_id": self.user_id}


class Coach:
    def __init__(
        self, services: Services, nlu: NLU | Callable[[], NLU], executor: ActionExecutor
    ) -> None:
        """`nlu` may be a factory: then the model loads at the first message that needs it
        (a prompt dispatcher never does)."""
        self.services = services
        self._nlu = nlu
        self._nlu_loading = threading.Lock()
        self.executor = executor
        self._locks: OrderedDict[tuple[str, str], asyncio.Lock] = OrderedDict()
        self._recent: dict[tuple[str, str], deque[float]] = {}

    @property
    def nlu(self) -> NLU:
        if not isinstance(self._nlu, NLU):
            with self._nlu_loading:  # load_nlu's thread may be at it already
                if not isinstance(self._nlu, NLU):
                    self._nlu = self._nlu()
        return self._nlu

    async def load_nlu(self) -> None:
        """Load a lazy model in a thread, so that start-up work such as connecting to
        Telegram goes on meanwhile; a message that comes first waits for it."""
        await asyncio.to_thread(lambda: self.nlu)

    def _lock(self, user: UserRef) -> asyncio.Lock:
        key = (user.channel, user.id)
        lock = self._locks.pop(key, None) or asyncio.Lock()
        self._locks[key] = lock
        while len(self._locks) > 10_000:
            oldest, old = next(iter(self._locks.items()))
            if old.locked():
                break
            self._locks.pop(oldest)
        return lock

    async def handle(self, user: UserRef, message: Incoming | str) -> list[Reply]:
        """One turn for one user, in one transaction; a user's turns run one after the other."""
        if isinstance(message, str):
            message = Incoming(text=message)
        svc = self.services
        async with self._lock(user), svc.turn() as session:
            if not await repo.begin_turn(
                session, user.channel, user.id, message.delivery_id, svc.clock()
            ):
                return []  # a re-delivery of a turn that has already run
            if svc.settings.coach_access == "invite" and not await self._admit(
                session, user, message
            ):
                return [Reply(texts.NO_ACCESS)]
            turn = await self._load(session, user)
            if self._flooding(user):
                turn.replies.append(Reply(texts.SLOW_DOWN))
            for step in self._plan(turn, message):
                await self._run(turn, step)
            await self._save(session, turn)
        if turn.state == State.ERASED:
            # once the erase has committed (SQLite has one connection, which the turn held):
            # secure_delete zeroed the rows; the checkpoint takes them out of the WAL too
            await checkpoint(svc.engine)
        return turn.replies

    async def prompt(
        self,
        user: UserRef,
        deliver: Callable[[list[Reply]], Awaitable[None]] | None = None,  # issue 13:
    ) -> list[Reply]:
        """The daily prompt for one user: today's onboarding day, or a rotating question.

        issue 13: with `deliver`, the replies are sent before the turn commits, so a failed
        send rolls the turn back and the question is not recorded as asked."""
        from bot.storage.models import Onboarding, PromptSchedule

        svc = self.services
        async with self._lock(user), svc.turn() as session:
            await repo.begin_turn(session, user.channel, user.id, None, svc.clock())
            turn = await self._load(session, user)
            onboarding = await session.get(Onboarding, turn.user_id)
            schedule = await session.get(PromptSchedule, turn.user_id)
            steps: list[Step] = []
            if schedule is not None and schedule.weekly_review:
                local = svc.clock().astimezone(ZoneInfo(turn.timezone))
                if local.weekday() == 0:  # Mondays
                    steps.append(Step("action_weekly_review"))
            if onboarding is not None and onboarding.status == "active":
                steps.append(Step("action_onboarding_day"))
            else:
                steps.append(Step("action_ask_question", {"lesson_id": None, "source": "daily"}))
            for step in steps:
                await self._run(turn, step)
            await self._save(session, turn)
            if deliver is not None and turn.replies:  # issue 13: sent, then committed
                await deliver(turn.replies)
            return turn.replies

    def _flooding(self, user: UserRef) -> bool:
        """More than FLOOD_MESSAGES in FLOOD_SECONDS: say so once; every message is still read."""
        now = self.services.clock().timestamp()
        recent = self._recent.setdefault((user.channel, user.id), deque())
        while recent and now - recent[0] > FLOOD_SECONDS:
            recent.popleft()
        recent.append(now)
        if len(self._recent) > 10_000:
            self._recent.pop(next(iter(self._recent)))
        return len(recent) == FLOOD_MESSAGES + 1

    async def _admit(self, session: AsyncSession, user: UserRef, message: Incoming) -> bool:
        """Invite mode: known invited users, or a /start with a valid invite code."""
        from bot.storage import invites

        svc = self.services
        if await invites.admitted(session, user.channel, user.id):
            return True
        command, _, code = clean(message.text).partition(" ")
        if command.split("@")[0].lower() != "/start" or not code.strip():
            return False
        return await invites.redeem(
            session,
            code.strip()[:64],
            user.channel,
            user.id,
            svc.settings.coach_timezone,
            svc.clock(),
        )

    # -- state --------------------------------------------------------------------------
    async def _load(self, session: AsyncSession, user: UserRef) -> Turn:
        found = await repo.load_user_and_state(
            session, user.channel, user.id, self.services.settings.coach_timezone
        )
        saved = None if found.state is None else (found.state, found.data)
        return Turn(
            found.user_id,
            found.role,
            found.timezone,
            found.state or State.IDLE,
            dict(found.data),
            saved=saved,
        )

    async def _save(self, session: AsyncSession, turn: Turn) -> None:
        if turn.state == State.ERASED:
            return
        data = {k: v for k, v in turn.data.items() if v is not None}
        if turn.saved == (turn.state, data):
            return  # nothing changed
        await repo.save_state(
            session, turn.user_id, turn.state, data, exists=turn.saved is not None
        )

    # -- running actions ------------------------------------------------------------------
    async def _run(self, turn: Turn, step: Step) -> None:
        slots = {**turn.slots(), **step.slots}
        payload = {
            "next_action": step.action,
            "sender_id": str(turn.user_id),
            "tracker": {
                "sender_id": str(turn.user_id),
                "slots": slots,
                "latest_message": step.message,
                "events": [],
                "paused": False,
                "latest_action_name": None,
                "active_loop": {},
            },
            "domain": {},
        }
        result = await self.executor.run(payload)
        if result is None:
            return
        for event in result.events:
            if event.get("event") == "slot":
                name, value = event["name"], event["value"]
                if name == "state":
                    turn.state = value
                elif name == "role":
                    turn.role = value
                else:
                    turn.data[name] = value
        for response in result.responses:
            turn.replies.append(_reply(response))

    # -- deciding ------------------------------------------------------------------------
    def _plan(self, turn: Turn, message: Incoming) -> list[Step]:
        if message.action:
            return self._on_button(turn, message.action)
        text = clean(message.text)
        if not text:
            return self._say(turn, texts.EMPTY)
        command, _, rest = text.partition(" ")
        if command.startswith("/"):
            return self._on_command(turn, command.split("@")[0].lower(), rest.strip())
        if normalised(text) in CANCEL_WORDS or policy.control_word(text) == "stop":
            return self._cancel(turn)
        if not has_letters(text) and not notebook.in_state(turn.state, text):  # "2": issue 16
            return self._say(turn, texts.NO_WORDS)
        if not suggests_danger(text):
            if suggests_load(text):  # issue 12: support before content, no question pushed
                return self._support(turn)
            return self._on_text(turn, text)
        self._emergency(turn)
        # support before content: no lesson about a way of working, no reflection question
        return self._support(turn)

    def _say(
        self, turn: Turn, text: str, buttons: tuple[tuple[Button, ...], ...] = ()
    ) -> list[Step]:
        turn.replies.append(Reply(text, buttons))
        return []

    def _support(self, turn: Turn) -> list[Step]:  # issue 12: emotional load
        items = self.services.knowledge.items_by_id
        lessons = [i for i in default_load_patterns().lessons if i in items]
        buttons = tuple((Button(items[i].title, f"more:{i}"),) for i in lessons)
        return self._say(turn, texts.SUPPORT_LOAD, buttons)

    def _emergency(self, turn: Turn) -> None:
        """The emergency numbers, at most once a day."""
        now = self.services.clock().timestamp()
        last = turn.data.get("emergency_at")
        if last is None or now - float(last) > EMERGENCY_REPEAT_HOURS * 3600:
            turn.data["emergency_at"] = now
            turn.replies.append(Reply(texts.EMERGENCY))

    def _cancel(self, turn: Turn) -> list[Step]:
        was_busy = turn.state not in (State.IDLE, State.ERASED)
        turn.state = State.IDLE
        for key in FLOW_SLOTS:
            turn.data.pop(key, None)
        return self._say(turn, texts.CANCELLED if was_busy else texts.CANCELLED_NOTHING)

    def _on_command(self, turn: Turn, command: str, argument: str) -> list[Step]:
        name = COMMANDS.get(command)
        if name is None:
            return self._say(turn, texts.UNKNOWN_COMMAND.format(command=command[:40]))
        if name == "cancel":
            return self._cancel(turn)
        if name == "start":
            if argument:
                turn.data["start_param"] = argument[:64]
            return [Step("action_welcome")]
        if name == "change_role":
            return self._ask_role(turn)
        if name in ("daily_prompt_settings", "start_onboarding"):
            action = (
                "action_daily_settings"
                if name == "daily_prompt_settings"
                else "action_start_onboarding"
            )
            return [Step(action, message={"text": f"{command} {argument}".strip()})]
        return self._on_intent(turn, name, None)

    def _ask_role(self, turn: Turn) -> list[Step]:
        turn.state = State.AWAIT_ROLE
        return self._say(
            turn,
            texts.ASK_ROLE,
            (
                (Button(texts.ROLE_PROFESSIONAL, "role:professional"),),
                (Button(texts.ROLE_MANAGER, "role:manager"),),
            ),
        )

    def _on_button(self, turn: Turn, action: str) -> list[Step]:
        kind, _, value = action.partition(":")
        if kind not in policy.BUTTON_KINDS:
            return self._say(turn, texts.NOTHING_PENDING)
        if kind == "nb":  # issue 16: the notebook (actions/notebook.py)
            return [Step("action_notebook", message={"text": "", "nb": value})]
        knowledge = self.services.knowledge
        if team_request := team_routing.from_button(kind, value):  # issue 17:
            return [Step(*team_routing.action_for(team_request))]
        if kind == "more" and value in knowledge.items_by_id:
            return [Step("action_read_more", {"lesson_id": value})]
        if kind == "topic" and value in knowledge.topics_by_id:
            return [
                Step(
                    "action_read_topic", message={"entities": [{"entity": "topic", "value": value}]}
                )
            ]
        if kind == "lesson" and value in knowledge.items_by_id:
            return self._answer_lesson(turn, value)
        if kind == "role" and value in ("professional", "manager"):
            return [Step("action_set_role", {"role": value})]
        if kind == "new" and value in ("yes", "no"):
            return [Step("action_set_new_in_work", {"new_in_work": value == "yes"})]
        if kind == "skip":
            if turn.state in REFLECTING:
                turn.state = State.IDLE
                return self._say(turn, texts.SKIPPED)
            return self._say(turn, texts.NOTHING_PENDING)
        if kind == "delete" and turn.state == State.CONFIRM_DELETE:
            if value == "yes":
                return [Step("action_delete_data")]
            turn.state = State.IDLE
            return self._say(turn, texts.DELETE_KEPT)
        if kind == "as" and turn.state == State.QUESTION_OR_REFLECTION:
            pending = str(turn.data.get("pending_text") or "")
            turn.state = str(turn.data.pop("return_state", State.AWAIT_REFLECTION))
            if value == "reflection":
                return self._store_or_check(turn, pending, already_checked=True)
            turn.state = State.IDLE
            turn.data.pop("pending_text", None)
            return self._answer_text(turn, pending, self.nlu.parse(pending))
        if kind == "redact" and turn.state == State.CONFIRM_REDACTION:
            turn.state = str(turn.data.pop("return_state", State.AWAIT_REFLECTION))
            turn.data.pop("pending_kinds", None)
            if value == "store":
                return [Step("action_store_reflection")]
            turn.data.pop("pending_text", None)
            return self._say(turn, texts.REWRITE_ASK)
        if kind == "theme":
            return [Step("action_list_reflections", {"theme": value or None})]
        if kind == "daily":
            return [Step("action_daily_settings", message={"text": value})]
        if kind == "onboarding":
            return [Step("action_start_onboarding", message={"text": f"/onboarding {value}"})]
        if kind == "rephrase":
            return self._say(turn, texts.REPHRASE)
        if kind == "intent":
            return self._on_intent(turn, value, None)
        return self._say(turn, texts.NOTHING_PENDING)

    def _on_text(self, turn: Turn, text: str) -> list[Step]:
        state = turn.state
        low = normalised(text)
        if state == State.ERASED:
            turn.state = State.IDLE
        # 1. control words typed do what their button does in this state
        payload = policy.typed_button(state, text)
        if payload is not None:
            return self._on_button(turn, payload)
        if state in notebook.STATES:  # issue 16: a notebook choice or confirmation
            answer = notebook.in_state(state, text)
            if answer is not None:
                return [Step("action_notebook", message=answer)]
            turn.state = state = State.IDLE  # not an answer: read it afresh
            notebook.drop_pending(turn.data)
        # 3. a request about the bot's own features, wherever the user is
        request = read_request(text)
        if request is not None and state != State.AWAIT_SCHEDULE:
            self._leave_flow(turn)
            return self._on_intent(turn, request.intent, None, text)
        control = policy.control_word(text)
        later = read_later(text) if state in REFLECTING else None  # issue 16
        if state in REFLECTING and (control == "later" or later == "later"):
            return self._say(turn, LATER_REPLY)  # issue 16: stays open, nothing stored
        if state in REFLECTING and control is not None:
            # never stored as a reflection: a thanks, a goodbye, an 'ok' is not an answer
            self._leave_flow(turn)
            if control == "thanks":
                return [Step("action_thanks")]
            if control == "bye":
                return [Step("action_goodbye")]
            return self._say(turn, texts.NOT_A_REFLECTION)
        if state == State.AWAIT_ROLE:
            role = role_from_text(text)
            if role:
                return [Step("action_set_role", {"role": role})]
        if state == State.AWAIT_NEW and (low in YES_WORDS or low in NO_WORDS):
            return [Step("action_set_new_in_work", {"new_in_work": low in YES_WORDS})]
        if state == State.AWAIT_SCHEDULE and not self._about_schedule(text):
            turn.state = State.IDLE  # not an answer about the time: read it afresh
            return self._on_text(turn, text)
        if state == State.AWAIT_SCHEDULE:
            parse = self.nlu.parse(text)
            if parse.intent in (LESSON, ABOUT) and parse.confidence >= 0.6:
                turn.state = State.IDLE
                return self._answer_text(turn, text, parse)
            return [Step("action_daily_settings", message={"text": text})]
        team_request = team_reader.read_request(text)  # issue 17
        # "zet het in een agenda voor een uur" is a team request, not a schedule (issue 16)
        if state != State.CONFIRM_DELETE and not team_request and read_schedule_request(text):
            return [Step("action_daily_settings", message={"text": text})]
        if state == State.CONFIRM_DELETE:
            if low in ("ja", "ja, wis alles", "wis alles", "ja wis alles"):
                return [Step("action_delete_data")]
            turn.state = State.IDLE
            return self._say(turn, texts.DELETE_KEPT)
        if state in REFLECTING:
            if low in SKIP_WORDS or later == "skip":
                turn.state = State.IDLE
                return self._say(turn, texts.SKIPPED)
            parse = self.nlu.parse(text)
            reading = read_answer(text, parse, self.nlu.thresholds.reject_below)
            if reading == "question":
                turn.state = State.IDLE
                return self._answer_text(turn, text, parse)
            if reading == "ambiguous":
                return self._ask_question_or_reflection(turn, text)
            return self._store_or_check(turn, text)
        if state in (State.CONFIRM_REDACTION, State.QUESTION_OR_REFLECTION):
            # a new message instead of a button: the pending text is dropped, as chosen
            turn.state = str(turn.data.pop("return_state", State.IDLE))
            turn.data.pop("pending_text", None)
            turn.data.pop("pending_kinds", None)
            return self._on_text(turn, text)
        if team_request:  # issue 17: a team meeting request, in idle states only
            return [Step(*team_routing.action_for(team_request), message={"text": text})]
        if len(text) > MAX_NLU_CHARS:
            turn.replies.append(Reply(texts.TOO_LONG.format(n=MAX_NLU_CHARS)))
        if latin_share(text) < 0.5:
            return self._say(turn, texts.NOT_DUTCH)
        return self._answer_text(turn, text, self.nlu.parse(text))

    def _about_schedule(self, text: str) -> bool:
        """Does a message typed while a time is asked for say anything about the schedule?"""
        if read_schedule_request(text):
            return True
        today = self.services.clock().date()
        return parse_schedule(text, today).action != "unclear"

    def _answer_text(self, turn: Turn, text: str, parse: Parse) -> list[Step]:
        if parse.intent == LESSON and parse.lesson:
            if parse.ambiguous:
                return [Step("action_disambiguate", message=_message(text, parse))]
            return self._answer_lesson(turn, parse.lesson, text, parse)
        if parse.intent == ABOUT and parse.topic:
            return [Step("action_answer_topic", message=_message(text, parse))]
        if parse.intent == OUT_OF_SCOPE:
            return [Step("action_fallback", message=_message(text, parse))]
        return self._on_intent(turn, parse.intent, parse)

    def _answer_lesson(
        self, turn: Turn, lesson_id: str, text: str = "", parse: Parse | None = None
    ) -> list[Step]:
        message: dict[str, Any] = _message(text, parse) if parse else {"text": text}
        message["entities"] = [{"entity": "lesson", "value": lesson_id}]
        return [
            Step("action_answer_lesson", {"lesson_id": lesson_id}, message),
            Step("action_ask_question", {"lesson_id": lesson_id, "source": "dialogue"}),
        ]

    def _leave_flow(self, turn: Turn) -> None:
        """Back to idle; the pending choice or open question is dropped, nothing stored."""
        turn.state = State.IDLE
        for key in ("pending_text", "pending_kinds", "return_state"):
            turn.data.pop(key, None)

    def _on_intent(
        self, turn: Turn, intent: str, parse: Parse | None, text: str = ""
    ) -> list[Step]:
        simple = policy.INTENT_ACTIONS
        if intent == "cancel":
            return self._cancel(turn)
        if intent == "change_role":
            return self._ask_role(turn)
        if intent == "start":
            return [Step("action_welcome")]
        if intent == "greet" and turn.role is None:
            return [Step("action_welcome")]
        if intent == "start_reflection":
            turn.data.pop("lesson_id", None)
            return [Step("action_ask_question", {"lesson_id": None, "source": "dialogue"})]
        if intent == "my_reflections":
            return [Step("action_list_reflections", {"theme": None})]
        if intent in team_routing.ACTIONS:  # issue 17:
            return [Step(*team_routing.action_for(team_reader.Request(intent, {})))]
        action = simple.get(intent)
        if action is None or action not in self.executor.actions:
            return [Step("action_help")]
        message = _message(parse.text, parse) if parse else {"text": text} if text else {}
        return [Step(action, message=message)]

    def _ask_question_or_reflection(self, turn: Turn, text: str) -> list[Step]:
        turn.data["return_state"] = turn.state
        turn.data["pending_text"] = self._redacted(turn, text)
        turn.state = State.QUESTION_OR_REFLECTION
        return self._say(
            turn,
            texts.QUESTION_OR_REFLECTION,
            (
                (Button(texts.AS_REFLECTION, "as:reflection"),),
                (Button(texts.AS_QUESTION, "as:question"),),
            ),
        )

    def _redacted(self, turn: Turn, text: str) -> str:
        """The text as it may be kept: client data replaced, the kinds remembered."""
        guard = self.services.guard
        if len(text) > MAX_REFLECTION_CHARS:
            turn.replies.append(Reply(texts.REFLECTION_TOO_LONG.format(n=MAX_REFLECTION_CHARS)))
            text = text[:MAX_REFLECTION_CHARS]
        turn.data.pop("pending_kinds", None)
        if guard is None:
            return text
        scan = guard.scan(text)
        if scan.findings:
            turn.data["pending_kinds"] = scan.kinds()
            return scan.redacted(text)
        return text

    def _store_or_check(self, turn: Turn, text: str, already_checked: bool = False) -> list[Step]:
        """Store a reflection, unless it holds client data: then ask first."""
        kept = text if already_checked else self._redacted(turn, text)
        kinds = turn.data.get("pending_kinds")
        if kinds:
            turn.data["return_state"] = turn.state
            turn.data["pending_text"] = kept
            turn.state = State.CONFIRM_REDACTION
            return self._say(
                turn,
                texts.CLIENT_DATA_FOUND.format(kinds=", ".join(kinds), cleaned=kept[:700]),
                (
                    (Button(texts.STORE_REDACTED, "redact:store"),),
                    (Button(texts.REWRITE, "redact:rewrite"),),
                ),
            )
        turn.data["pending_text"] = kept
        return [Step("action_store_reflection")]


def _message(text: str, parse: Parse) -> dict[str, Any]:
    """Rasa's `latest_message` shape, plus the lesson ranking for 'Bedoel je…?'."""
    entities = []
    if parse.lesson:
        entities.append({"entity": "lesson", "value": parse.lesson})
    if parse.topic:
        entities.append({"entity": "topic", "value": parse.topic})
    return {
        "text": text,
        "intent": {"name": parse.intent, "confidence": parse.confidence},
        "entities": entities,
        "lesson_ranking": [{"id": c.id, "score": c.score} for c in parse.alternatives],
    }


def _reply(response: dict[str, Any]) -> Reply:
    rows: dict[int, list[Button]] = {}
    for button in response.get("buttons") or []:
        rows.setdefault(int(button.get("row", len(rows))), []).append(
            Button(str(button["title"]), str(button["payload"]))
        )
    document = None
    custom = response.get("custom") or {}
    if isinstance(custom, dict) and "document" in custom:
        doc = custom["document"]
        document = Document(doc["filename"], base64.b64decode(doc["content_b64"]), doc["mime"])
    return Reply(
        response.get("text") or "", tuple(tuple(r) for _, r in sorted(rows.items())), document
    )
