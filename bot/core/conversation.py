"""The dialogue policy: one table of states, one reader of messages, one writer of the state.

In the spirit of python-telegram-bot's `ConversationHandler`: `TABLE` holds, for every named
state (`bot.core.dialogue.State`), what the state expects — its buttons and its rules, in
reading order — and where it goes next. Every message is read in this order:

  0. anywhere: a pressed button; an empty message; a /command; stop; danger or emotional load;
  1. control words typed as buttons (`policy.TYPED_BUTTONS`, data/control_words.yml);
  2. a request about the bot's own features (`bot.core.requests.READERS`), unless the state
     says it takes every message itself (`requests=False`);
  3. the state's own rules (`Spec.rules`), first fit wins;
  4. what is left (`FALLBACKS`): a schedule request, a team request, the guide (NLU).

A rule returns the steps to run (actions with their arguments) or None when the message does
not fit it. Actions (`actions/`) report what happened in an `Outcome`, with the state they
ask for; `Policy.after` applies it. The state is written in `_enter` only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from actions.base import Call, Outcome
from bot.core import keeping, notebook, policy, texts
from bot.core.dialogue import (
    CANCEL_WORDS,
    COMMANDS,
    FLOW_SLOTS,
    NO_WORDS,
    SKIP_WORDS,
    YES_WORDS,
    State,
    normalised,
    read_answer,
    role_from_text,
)
from bot.core.followup import CONTEXT, read_followup  # issue 12
from bot.core.later import LATER_REPLY, read_later  # issue 16
from bot.core.replies import Button, Incoming, Reply, bold
from bot.core.requests import Request, read_request
from bot.core.safety import suggests_danger
from bot.core.schedule_text import parse_schedule  # issue 16
from bot.core.schedule_text import read_request as read_schedule_request  # issue 16
from bot.core.support import default_patterns as default_load_patterns  # issue 12
from bot.core.support import suggests_load  # issue 12
from bot.nlu.engine import ABOUT, LESSON, OUT_OF_SCOPE
from bot.nlu.text import MAX_NLU_CHARS, clean, has_letters, latin_share
from bot.team import reader as team_reader  # issue 17
from bot.team import routing as team_routing  # issue 17

if TYPE_CHECKING:
    from bot.nlu import NLU, Parse
    from bot.services import Services

MAX_REFLECTION_CHARS = 4000
EMERGENCY_REPEAT_HOURS = 24
Steps = list["Step"]


@dataclass
class Step:
    """One action to run, with this call's own arguments (never persisted)."""

    action: str
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""


@dataclass
class Turn:
    user_id: int
    role: str | None
    timezone: str
    state: str
    data: dict[str, Any]
    saved: tuple[str, dict[str, Any]] | None = field(default=None, repr=False)  # as loaded
    reason: str = field(default="", repr=False)  # issue 14: why this text identifies someone
    replies: list[Reply] = field(default_factory=list)
    keep_answers: bool = False  # issue 12: keep reflections without asking first
    context_lesson: str | None = None  # issue 12: the lesson the last message was about


class Said:
    """One message being read; each reading is made once, when a rule first needs it."""

    def __init__(self, text: str, nlu: Callable[[], NLU], reread: bool = False) -> None:
        self.text = text
        self.reread = reread  # read again after a check: the check is not made twice
        self.low = normalised(text)
        self._nlu = nlu

    @cached_property
    def control(self) -> str | None:
        return policy.control_word(self.text)

    @cached_property
    def later(self) -> str | None:
        return read_later(self.text)

    @cached_property
    def team(self) -> Request | None:
        return team_reader.read_request(self.text)

    @cached_property
    def parse(self) -> Parse:
        return self._nlu().parse(self.text)


Rule = Callable[["Policy", Turn, Said], "Steps | None"]
Press = Callable[["Policy", Turn, str], "Steps | None"]


# -- the rules, by state ---------------------------------------------------------------------
def role_revealed(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'als teamleider wil ik…' from a user stored as a professional: a short check first;
    the message itself is read once the user has answered (issue 12)."""
    revealed = keeping.revealed_role(m.text) if turn.role and not m.reread else None
    if revealed is None or revealed == turn.role:
        return None
    turn.data["return_state"] = turn.state
    turn.data["pending_text"] = m.text[:MAX_REFLECTION_CHARS]
    turn.data["pending_role"] = revealed
    p.enter(turn, State.CONFIRM_ROLE)
    names = keeping.ROLE_NAMES
    return p.say(
        turn,
        keeping.ROLE_CHECK.format(stored=names[turn.role or ""], revealed=names[revealed]),
        (
            (
                Button(keeping.ROLE_CHECK_YES, "rolecheck:yes"),
                Button(keeping.ROLE_CHECK_NO, "rolecheck:no"),
            ),
        ),
    )


def follow_up(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'en verder?', 'waarom?', 'hoe had ik het anders kunnen aanpakken?' right after a lesson
    or a reflection on one: about that lesson (issue 12). The open question stays open."""
    if turn.context_lesson is None or turn.context_lesson not in p.services.knowledge.items_by_id:
        return None
    kind = read_followup(m.text)
    if kind is None:
        return None
    return [Step("action_follow_up", {"lesson_id": turn.context_lesson, "kind": kind}, m.text)]


def nothing_open(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'sla maar over', 'nee hoor', 'straks' with nothing open: say so, not 'not in the guide'."""
    if m.control in ("yes", "no", "skip", "later", "undo"):
        return p.say(turn, texts.NOTHING_PENDING)
    return None


def role_typed(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'ik ben jobcoach', 'km', 'teamleider'."""
    role = role_from_text(m.text)
    return [Step("action_set_role", {"role": role})] if role else None


def yes_or_no(p: Policy, turn: Turn, m: Said) -> Steps | None:
    if m.low in YES_WORDS or m.low in NO_WORDS:
        return [Step("action_set_new_in_work", {"new_in_work": m.low in YES_WORDS})]
    return None


def keep_open_for_later(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'straks', 'druk vandaag, later': the question stays open, nothing stored (issue 16)."""
    return p.say(turn, LATER_REPLY) if "later" in (m.control, m.later) else None


# a yes that means "I will answer"; a plain "ok", "prima" or "top" is only heard (the team's
# wording, not the guide's; every one of them is also a "yes" in data/control_words.yml)
WILLING = frozenset(
    {"ja", "ja graag", "graag", "jazeker", "zeker", "ja hoor", "doe maar"}
    | {"ja doe maar", "yes", "jep", "jup", "is goed", "ja is goed", "goed"}
)


def yes_to_the_question(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'ja' to 'Wil je hier even bij stilstaan?' is a yes to answering: the question stays
    open and is shown again; nothing is stored ('nee' is a typed 'Sla over':
    policy.TYPED_BUTTONS)."""
    if m.control != "yes" or policy.match_key(m.text) not in WILLING:
        return None
    prompt = str(turn.data.get("prompt") or "")
    text = texts.ANSWER_WELCOME.format(prompt=bold(prompt)) if prompt else texts.REFLECT_HINT
    return p.say(turn, text, ((Button(texts.SKIP, "skip"),),))


def leave_on_control_word(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """A thanks, a goodbye, an 'ok' is not an answer: leave the question, store nothing."""
    if m.control is None:
        return None
    p.leave_flow(turn)
    if m.control == "thanks":
        return [Step("action_thanks")]
    if m.control == "bye":
        return [Step("action_goodbye")]
    return p.say(turn, texts.NOT_A_REFLECTION)


def skip_words(p: Policy, turn: Turn, m: Said) -> Steps | None:
    if m.low in SKIP_WORDS or m.later == "skip":
        return skip_question(p, turn, "")
    return None


def answer_or_question(p: Policy, turn: Turn, m: Said) -> Steps:
    """A reflection, a new question, or unclear (then the user is asked which)."""
    reading = read_answer(m.text, m.parse, p.nlu.thresholds.reject_below)
    if reading == "question":
        p.enter(turn, State.IDLE)
        return p.answer(turn, m.text, m.parse)
    if reading == "ambiguous":
        return p.ask_question_or_reflection(turn, m.text)
    return p.store_or_check(turn, m.text)


def leave_unless_about_schedule(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """A message that says nothing about the time leaves the time question, read afresh."""
    if read_schedule_request(m.text):
        return None
    if parse_schedule(m.text, p.services.clock().date()).action != "unclear":
        return None
    p.enter(turn, State.IDLE)
    return p.read_text(turn, m)


def guide_if_confident(p: Policy, turn: Turn, m: Said) -> Steps | None:
    if m.parse.intent in (LESSON, ABOUT) and m.parse.confidence >= 0.6:
        p.enter(turn, State.IDLE)
        return p.answer(turn, m.text, m.parse)
    return None


def daily_settings(p: Policy, turn: Turn, m: Said) -> Steps:
    return [Step("action_daily_settings", text=m.text)]


def erase_if_confirmed(p: Policy, turn: Turn, m: Said) -> Steps:
    if m.low in ("ja", "ja, wis alles", "wis alles", "ja wis alles"):
        return [Step("action_delete_data")]
    p.enter(turn, State.IDLE)
    return p.say(turn, texts.DELETE_KEPT)


def drop_pending_and_reread(p: Policy, turn: Turn, m: Said) -> Steps:
    """A new message instead of a button: the pending text is dropped, as chosen, and the
    user is told so (an answer offered for keeping does not vanish without a word)."""
    offered = turn.state in (
        State.CONFIRM_STORE,
        State.CONFIRM_REDACTION,
        State.QUESTION_OR_REFLECTION,
    )
    p.enter(turn, str(turn.data.pop("return_state", None) or State.IDLE))
    if turn.data.pop("pending_text", None) and offered:
        p.say(turn, texts.PENDING_DROPPED)
    turn.data.pop("pending_kinds", None)
    turn.data.pop("pending_note", None)  # issue 16
    return p.read_text(turn, m)


def drop_pending_role_and_reread(p: Policy, turn: Turn, m: Said) -> Steps:
    turn.data.pop("pending_role", None)
    return drop_pending_and_reread(p, turn, m)


def notebook_answer(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """issue 16: '2', 'de eerste', 'ja, verwijder maar' typed in a notebook choice or
    confirmation (bot.core.notebook.in_state)."""
    answer = notebook.in_state(turn.state, m.text)
    return [Step("action_notebook", {"nb": answer["nb"]}, m.text)] if answer else None


def drop_notebook_choice_and_reread(p: Policy, turn: Turn, m: Said) -> Steps:
    """issue 16: not an answer to the notebook's choice: it is dropped, the message read afresh."""
    p.enter(turn, State.IDLE)
    for key in notebook.PENDING:
        turn.data.pop(key, None)
    return p.read_text(turn, m)


def schedule_request(p: Policy, turn: Turn, m: Said) -> Steps | None:
    """'zet de vraag op 9 uur' — but 'zet het in een agenda' is a team request (issue 16/17)."""
    if not m.team and read_schedule_request(m.text):
        return daily_settings(p, turn, m)
    return None


def team_request(p: Policy, turn: Turn, m: Said) -> Steps | None:  # issue 17
    if m.team is None:
        return None
    name, args = team_routing.action_for(m.team)
    return [Step(name, args, m.text)]


def guide(p: Policy, turn: Turn, m: Said) -> Steps:
    """The guide: a lesson, a framing topic, or out of scope."""
    if len(m.text) > MAX_NLU_CHARS:
        turn.replies.append(Reply(texts.TOO_LONG.format(n=MAX_NLU_CHARS)))
    if latin_share(m.text) < 0.5:
        return p.say(turn, texts.NOT_DUTCH)
    return p.answer(turn, m.text, m.parse)


# -- the buttons, by kind ("kind:value") -----------------------------------------------------
def skip_question(p: Policy, turn: Turn, value: str) -> Steps:
    p.enter(turn, State.IDLE)
    return p.say(turn, texts.SKIPPED)


def erase_or_keep(p: Policy, turn: Turn, value: str) -> Steps:
    if value == "yes":
        return [Step("action_delete_data")]
    p.enter(turn, State.IDLE)
    return p.say(turn, texts.DELETE_KEPT)


def reflection_or_question(p: Policy, turn: Turn, value: str) -> Steps:
    pending = str(turn.data.get("pending_text") or "")
    p.enter(turn, str(turn.data.pop("return_state", None) or State.AWAIT_REFLECTION))
    if value == "reflection":  # 'Bewaar als antwoord': asked and answered
        return p.store_or_check(turn, pending, already_checked=True, confirmed=True)
    p.enter(turn, State.IDLE)
    turn.data.pop("pending_text", None)
    return p.answer(turn, pending, p.nlu.parse(pending))


def keep_redacted_or_rewrite(p: Policy, turn: Turn, value: str) -> Steps:
    p.enter(turn, str(turn.data.pop("return_state", None) or State.AWAIT_REFLECTION))
    turn.data.pop("pending_kinds", None)
    note = turn.data.pop("pending_note", None)  # issue 16: a note, an addition, a correction
    if value == "store" and note:  # stored as asked: no keep-question after this one
        text = str(turn.data.pop("pending_text", None) or "")
        return [Step("action_notebook", {"checked": True}, text)]
    if value == "store":
        return [Step("action_store_reflection", {"text": turn.data.get("pending_text") or ""})]
    turn.data.pop("pending_text", None)
    return p.say(turn, texts.REWRITE_NOTE if note else texts.REWRITE_ASK)


def change_role_or_not(p: Policy, turn: Turn, value: str) -> Steps | None:
    """rolecheck:yes / rolecheck:no; then the message that revealed the role is read."""
    if value not in ("yes", "no"):
        return None
    role = turn.data.pop("pending_role", None)
    pending = str(turn.data.pop("pending_text", None) or "")
    p.enter(turn, str(turn.data.pop("return_state", None) or State.IDLE))
    steps: Steps = []
    if value == "yes" and role in ("professional", "manager"):
        steps.append(Step("action_set_role", {"role": role}))
        turn.role = role  # the message is read for the new role
    if pending:
        steps += p.read_text(turn, Said(pending, lambda: p.nlu, reread=True))
    return steps


def keep_or_not(p: Policy, turn: Turn, value: str) -> Steps | None:
    """issue 12: keep:yes, keep:no, keep:always — the answer to 'Zal ik het bewaren?'."""
    if value not in ("yes", "no", "always"):
        return None
    pending = str(turn.data.pop("pending_text", None) or "")
    p.enter(turn, str(turn.data.pop("return_state", None) or State.AWAIT_REFLECTION))
    if value == "no" or not pending:
        p.enter(turn, State.IDLE)
        for key in FLOW_SLOTS:
            turn.data.pop(key, None)
        return p.say(turn, keeping.NOT_KEPT)
    store = Step("action_store_reflection", {"text": pending})
    if value == "always":
        return [Step("action_keep_answers", {"on": True}), store]
    return [store]


def _if(ok: Callable[[Policy, str], bool], make: Press) -> Press:
    return lambda p, turn, value: make(p, turn, value) if ok(p, value) else None


def _team(p: Policy, turn: Turn, value: str, kind: str) -> Steps | None:
    request = team_routing.from_button(kind, value)
    return [Step(*team_routing.action_for(request))] if request else None


# buttons that mean the same in every state
BUTTONS: dict[str, Press] = {
    "more": _if(
        lambda p, v: v in p.services.knowledge.items_by_id,
        lambda p, t, v: [Step("action_read_more", {"lesson_id": v})],
    ),
    "topic": _if(
        lambda p, v: v in p.services.knowledge.topics_by_id,
        lambda p, t, v: [Step("action_read_topic", {"topic": v})],
    ),
    "lesson": _if(
        lambda p, v: v in p.services.knowledge.items_by_id,
        lambda p, t, v: p.answer_lesson(t, v),
    ),
    "role": _if(
        lambda p, v: v in ("professional", "manager"),
        lambda p, t, v: [Step("action_set_role", {"role": v})],
    ),
    "new": _if(
        lambda p, v: v in ("yes", "no"),
        lambda p, t, v: [Step("action_set_new_in_work", {"new_in_work": v == "yes"})],
    ),
    "theme": lambda p, t, v: [Step("action_list_reflections", {"theme": v or None})],
    "daily": lambda p, t, v: [Step("action_daily_settings", text=v)],
    "onboarding": lambda p, t, v: [Step("action_start_onboarding", text=f"/onboarding {v}")],
    "rephrase": lambda p, t, v: p.say(t, texts.REPHRASE),
    "intent": lambda p, t, v: p.intent(t, v),
    "setting": _if(  # issue 12: /instellingen
        lambda p, v: v in ("keep_on", "keep_off"),
        lambda p, t, v: [Step("action_keep_answers", {"on": v == "keep_on"})],
    ),
    "team": lambda p, t, v: _team(p, t, v, "team"),  # issue 17
    "teampro": lambda p, t, v: _team(p, t, v, "teampro"),  # issue 17
    # issue 16: the notebook (nb:more:5, nb:pick:r12, nb:del:n3, nb:del-yes, nb:del-no)
    "nb": lambda p, t, v: [Step("action_notebook", {"nb": v})],
}


# -- the table ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """What a state expects and where it goes next."""

    expects: str
    rules: tuple[Rule, ...] = ()  # read in order after control words and requests
    buttons: dict[str, Press] = field(default_factory=dict)  # kinds valid in this state only
    requests: bool = True  # do feature requests ("mijn notities zien") leave this state?
    next: str = ""


def _reflecting(next: str) -> Spec:
    return Spec(
        "an answer to the open question",
        rules=(
            keep_open_for_later,
            yes_to_the_question,
            leave_on_control_word,
            role_revealed,
            follow_up,
            schedule_request,
            skip_words,
            answer_or_question,
        ),
        buttons={"skip": skip_question},
        next=next,
    )


_PENDING = (schedule_request, drop_pending_and_reread)

TABLE: dict[str, Spec] = {
    State.IDLE: Spec(
        "a question, a command or a request",
        rules=(role_revealed, follow_up, nothing_open),
        next="a lesson and its question → await_reflection; /start → await_role",
    ),
    State.AWAIT_ROLE: Spec(
        "a role, pressed or typed ('jobcoach', 'km', 'teamleider')",
        rules=(role_typed,),
        next="await_new (first time) or idle",
    ),
    State.AWAIT_NEW: Spec(
        "yes or no: new in this work?",
        rules=(yes_or_no,),
        next="idle",
    ),
    State.AWAIT_REFLECTION: _reflecting(
        "stored → await_followup; 'later' stays; skip, thanks, a question → idle"
    ),
    State.AWAIT_FOLLOWUP: _reflecting(
        "stored → idle; 'later' stays; skip, thanks, a question → idle"
    ),
    State.QUESTION_OR_REFLECTION: Spec(
        "which of the two: 'als reflectie' or 'vraag', typed or pressed",
        rules=_PENDING,
        buttons={"as": reflection_or_question},
        next="stored (→ await_followup) or answered (→ idle); a new message drops it",
    ),
    State.CONFIRM_REDACTION: Spec(
        "keep the text without the client's data?",
        rules=_PENDING,
        buttons={"redact": keep_redacted_or_rewrite},
        next="stored → await_followup, or rewrite → the question again",
    ),
    State.CONFIRM_STORE: Spec(
        "keep this reflection? 'ja', 'nee' or 'altijd'",
        rules=_PENDING,
        buttons={"keep": keep_or_not},
        next="stored → await_followup (or idle after a follow-up); 'nee' → idle, nothing kept",
    ),
    State.CONFIRM_ROLE: Spec(
        "change the stored role to the one a message revealed? 'ja' or 'nee'",
        rules=(schedule_request, drop_pending_role_and_reread),
        buttons={"rolecheck": change_role_or_not},
        next="the role set or kept, then the message that revealed it is read",
    ),
    State.CONFIRM_DELETE: Spec(
        "'ja, wis alles' or anything else (kept)",
        rules=(erase_if_confirmed,),
        buttons={"delete": erase_or_keep},
        next="erased, or idle with nothing erased",
    ),
    State.AWAIT_SCHEDULE: Spec(
        "a time or a schedule setting",
        rules=(leave_unless_about_schedule, guide_if_confident, daily_settings),
        requests=False,
        next="idle; unclear → asked again; anything else is read afresh in idle",
    ),
    State.NB_CHOOSE: Spec(  # issue 16
        "which notebook entry: a number of the choice, typed or pressed",
        rules=(notebook_answer, drop_notebook_choice_and_reread),
        requests=False,
        next="the entry opened, added to or asked about; anything else is read afresh in idle",
    ),
    State.NB_CONFIRM_DELETE: Spec(  # issue 16
        "delete this one notebook entry? 'ja' or 'nee'",
        rules=(notebook_answer, drop_notebook_choice_and_reread),
        requests=False,
        next="deleted or kept → idle; anything else is read afresh in idle",
    ),
    State.ERASED: Spec("nothing: the data is gone", next="the next message is read in idle"),
}
FALLBACKS: tuple[Rule, ...] = (schedule_request, team_request, guide)
# rules that read every message they get: nothing after them is reached
CONSUMING = frozenset(
    {
        answer_or_question,
        daily_settings,
        erase_if_confirmed,
        drop_pending_and_reread,
        drop_pending_role_and_reread,
        drop_notebook_choice_and_reread,
        guide,
    }
)


def describe() -> str:
    """The table as Markdown, for the README (a test keeps the two the same)."""
    rows = [
        "| state | expects | buttons | typed equivalents | then, in order | next |",
        "|---|---|---|---|---|---|",
    ]
    for state, spec in TABLE.items():
        typed = policy.TYPED_BUTTONS.get(state, {})
        typed_text = ", ".join(f"{k} = `{v}`" for k, v in typed.items()) or "–"
        buttons = ", ".join(f"`{k}:`" for k in spec.buttons) or "–"
        rules = [*(["requests"] if spec.requests else []), *(r.__name__ for r in spec.rules)]
        if not set(spec.rules) & CONSUMING:
            rules.append("fallbacks")
        then = ", ".join(rules)
        rows.append(
            f"| {state} | {spec.expects} | {buttons} | {typed_text} | {then} | {spec.next} |"
        )
    fallbacks = ", ".join(r.__name__ for r in FALLBACKS)
    anywhere = ", ".join(f"`{k}:`" for k in BUTTONS)
    return "\n".join(rows) + f"\n\nfallbacks: {fallbacks}. Buttons in every state: {anywhere}."


# -- the policy --------------------------------------------------------------------------------
class Policy:
    """Reads one message against the table and applies what the actions did."""

    services: Services

    def __init__(
        self, services: Services, nlu: Callable[[], NLU], actions: Collection[str]
    ) -> None:
        self.services = services
        self._nlu = nlu
        self.actions = actions

    @property
    def nlu(self) -> NLU:
        return self._nlu()

    # the one writer of the dialogue state
    def enter(self, turn: Turn, state: str) -> None:
        turn.state = state

    def after(self, turn: Turn, step: Step, outcome: Outcome) -> None:
        """Apply an action's outcome: its replies, its flow data, the state it asked for."""
        turn.replies += outcome.replies
        if outcome.forget_flow:
            for key in FLOW_SLOTS:
                turn.data.pop(key, None)
        for key, value in outcome.remember.items():
            if value is None:
                turn.data.pop(key, None)
            else:
                turn.data[key] = value
        if outcome.next is not None:
            self.enter(turn, outcome.next)
        if outcome.role is not None:
            turn.role = outcome.role

    def call(self, turn: Turn, step: Step) -> Call:
        return Call(
            user_id=turn.user_id,
            role=turn.role,
            state=turn.state,
            data=MappingProxyType(turn.data),
            text=step.text,
            args=step.args,
        )

    # -- reading -----------------------------------------------------------------------------
    def read(self, turn: Turn, message: Incoming) -> Steps:
        """Step 0, in every state; then the text against the table."""
        # issue 12: what the last message was about counts for this one only
        turn.context_lesson = turn.data.pop(CONTEXT, None)
        if message.action:
            return self.press(turn, message.action)
        text = clean(message.text)
        if not text:
            return self.say(turn, texts.EMPTY)
        command, _, rest = text.partition(" ")
        if command.startswith("/"):
            return self.command(turn, command.split("@")[0].lower(), rest.strip())
        control = policy.control_word(text)
        if normalised(text) in CANCEL_WORDS or control == "stop":
            return self.cancel(turn)
        if (
            not has_letters(text)
            and not notebook.in_state(turn.state, text)  # "2": issue 16
            and control is None  # "👍"
        ):
            return self.say(turn, texts.NO_WORDS)
        if suggests_danger(text):
            self.emergency(turn)
            return self.support(turn)  # support before content: no lesson, no question
        if suggests_load(text):  # issue 12: support before content, no question pushed
            return self.support(turn)
        return self.read_text(turn, Said(text, lambda: self.nlu))

    def read_text(self, turn: Turn, m: Said) -> Steps:
        if turn.state == State.ERASED:
            self.enter(turn, State.IDLE)
        spec = TABLE.get(turn.state, TABLE[State.IDLE])
        payload = policy.typed_button(turn.state, m.text)
        if payload is not None:
            return self.press(turn, payload)
        if spec.requests and (request := read_request(m.text)) is not None:
            self.leave_flow(turn)
            return self.intent(turn, request.intent, text=m.text, args=request.args)
        for rule in (*spec.rules, *FALLBACKS):
            steps = rule(self, turn, m)
            if steps is not None:
                return steps
        return []  # not reached: the guide reads everything

    def prompt(self, weekly_review: bool, onboarding: bool) -> Steps:
        """The daily prompt's steps (an entry point of its own, not a message)."""
        steps = [Step("action_weekly_review")] if weekly_review else []
        if onboarding:
            return [*steps, Step("action_onboarding_day")]
        return [*steps, Step("action_ask_question", {"lesson_id": None, "source": "daily"})]

    def press(self, turn: Turn, action: str) -> Steps:
        kind, _, value = action.partition(":")
        spec = TABLE.get(turn.state, TABLE[State.IDLE])
        handler = spec.buttons.get(kind) or BUTTONS.get(kind)
        steps = handler(self, turn, value) if kind in policy.BUTTON_KINDS and handler else None
        return self.say(turn, texts.NOTHING_PENDING) if steps is None else steps

    def command(self, turn: Turn, command: str, argument: str) -> Steps:
        name = COMMANDS.get(command)
        if name is None:
            return self.say(turn, texts.UNKNOWN_COMMAND.format(command=command[:40]))
        if name == "start" and argument:
            turn.data["start_param"] = argument[:64]
        if name in ("daily_prompt_settings", "start_onboarding"):
            action = policy.INTENT_ACTIONS[name]
            return [Step(action, text=f"{command} {argument}".strip())]
        if name == team_reader.TEAM_CARDS and argument:  # "/team gezondheid": that subject
            request = Request(team_reader.TEAM_CARDS, {"text": argument[:200]})
            return [Step(*team_routing.action_for(request), argument[:200])]
        return self.intent(turn, name)

    def intent(
        self,
        turn: Turn,
        intent: str,
        parse: Parse | None = None,
        text: str = "",
        args: dict[str, Any] | None = None,
    ) -> Steps:
        if intent == "cancel":
            return self.cancel(turn)
        if intent == "change_role":
            return self.ask_role(turn)
        if intent == "greet" and turn.role is None:
            return [Step("action_welcome")]
        if intent == "start_reflection":
            turn.data.pop("lesson_id", None)
            return [Step("action_ask_question", {"lesson_id": None, "source": "dialogue"})]
        if intent in team_routing.ACTIONS:  # issue 17
            return [Step(*team_routing.action_for(Request(intent, {})))]
        action = policy.INTENT_ACTIONS.get(intent)
        if action is None or action not in self.actions:
            return [Step("action_help")]
        if intent == notebook.NOTEBOOK and (args or {}).get("op") in notebook.WRITES:
            return self.notebook_write(turn, text, dict(args or {}))
        return [Step(action, dict(args or {}), parse.text if parse else text)]

    def notebook_write(self, turn: Turn, text: str, args: dict[str, Any]) -> Steps:
        """issue 16: a note, an addition or a correction passes the same client-data check as
        a reflection (its text; the words that name the entry stay as typed); with client
        data it waits in confirm_redaction. No keep-question: the user asked to keep it."""
        said = text.strip()
        ask = notebook.read_notebook(said)
        body = ask.text if ask is not None else ""
        head = said[: len(said) - len(body)] if body and said.endswith(body) else ""
        kept = head + self.redacted(turn, said[len(head) :])
        kinds = turn.data.get("pending_kinds")
        if not kinds:
            return [Step("action_notebook", {**args, "checked": True}, kept)]
        ask = notebook.read_notebook(kept)
        turn.data["return_state"] = State.IDLE
        turn.data["pending_text"] = kept
        turn.data["pending_note"] = args.get("op")
        self.enter(turn, State.CONFIRM_REDACTION)
        return self.say(
            turn,
            texts.CLIENT_DATA_FOUND.format(
                kinds=", ".join(kinds),
                cleaned=(ask.text if ask is not None and ask.text else kept)[:700],
                reason=f"{texts.capitalised(turn.reason)}. " if turn.reason else "",
            ),
            (
                (Button(texts.STORE_REDACTED, "redact:store"),),
                (Button(texts.REWRITE, "redact:rewrite"),),
            ),
        )

    def answer(self, turn: Turn, text: str, parse: Parse) -> Steps:
        """What the guide says to a message the NLU has read."""
        if parse.intent == LESSON and parse.lesson:
            if parse.ambiguous:
                ranking = [{"id": c.id, "score": c.score} for c in parse.alternatives]
                return [Step("action_disambiguate", {"ranking": ranking}, text)]
            return self.answer_lesson(turn, parse.lesson, text)
        if parse.intent == ABOUT and parse.topic:
            return [Step("action_answer_topic", {"topic": parse.topic}, text)]
        if parse.intent == OUT_OF_SCOPE:
            args = {"intent": parse.intent, "confidence": parse.confidence}
            if parse.kind:  # issue 12: what sort of question, for the referral
                args["kind"] = parse.kind
            return [Step("action_fallback", args, text)]
        return self.intent(turn, parse.intent, parse)

    def answer_lesson(self, turn: Turn, lesson_id: str, text: str = "") -> Steps:
        return [
            Step("action_answer_lesson", {"lesson_id": lesson_id}, text),
            Step("action_ask_question", {"lesson_id": lesson_id, "source": "dialogue"}),
        ]

    # -- the policy's own small moves --------------------------------------------------------
    def say(self, turn: Turn, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Steps:
        turn.replies.append(Reply(text, buttons))
        return []

    def cancel(self, turn: Turn) -> Steps:
        was_busy = turn.state not in (State.IDLE, State.ERASED)
        self.enter(turn, State.IDLE)
        for key in FLOW_SLOTS:
            turn.data.pop(key, None)
        return self.say(turn, texts.CANCELLED if was_busy else texts.CANCELLED_NOTHING)

    def leave_flow(self, turn: Turn) -> None:
        """Back to idle; the pending choice or open question is dropped, nothing stored."""
        self.enter(turn, State.IDLE)
        for key in (
            "pending_text",
            "pending_kinds",
            "pending_role",
            "return_state",
            "pending_note",
        ):
            turn.data.pop(key, None)

    def ask_role(self, turn: Turn) -> Steps:
        self.enter(turn, State.AWAIT_ROLE)
        return self.say(
            turn,
            texts.ASK_ROLE,
            (
                (Button(texts.ROLE_PROFESSIONAL, "role:professional"),),
                (Button(texts.ROLE_MANAGER, "role:manager"),),
            ),
        )

    def support(self, turn: Turn) -> Steps:  # issue 12: emotional load
        items = self.services.knowledge.items_by_id
        lessons = [i for i in default_load_patterns().lessons if i in items]
        buttons = tuple((Button(items[i].title, f"more:{i}"),) for i in lessons)
        return self.say(turn, texts.SUPPORT_LOAD, buttons)

    def emergency(self, turn: Turn) -> None:
        """The emergency numbers, at most once a day."""
        now = self.services.clock().timestamp()
        last = turn.data.get("emergency_at")
        if last is None or now - float(last) > EMERGENCY_REPEAT_HOURS * 3600:
            turn.data["emergency_at"] = now
            turn.replies.append(Reply(texts.EMERGENCY))

    def ask_question_or_reflection(self, turn: Turn, text: str) -> Steps:
        turn.data["return_state"] = turn.state
        turn.data["pending_text"] = self.redacted(turn, text)
        self.enter(turn, State.QUESTION_OR_REFLECTION)
        return self.say(
            turn,
            texts.QUESTION_OR_REFLECTION,
            (
                (Button(texts.AS_REFLECTION, "as:reflection"),),
                (Button(texts.AS_QUESTION, "as:question"),),
            ),
        )

    def redacted(self, turn: Turn, text: str) -> str:
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
            turn.reason = scan.reason  # "naam, woonplaats en werkgever samen maken…"
            return scan.redacted(text)
        return text

    def store_or_check(
        self, turn: Turn, text: str, already_checked: bool = False, confirmed: bool = False
    ) -> Steps:
        """Store a reflection once the user agrees: a text with client data shows its cleaned
        version and asks; any other is shown and asked about once (issue 12), unless the
        user keeps their answers always or has just said it is one."""
        kept = text if already_checked else self.redacted(turn, text)
        kinds = turn.data.get("pending_kinds")
        if kinds:
            turn.data["return_state"] = turn.state
            turn.data["pending_text"] = kept
            self.enter(turn, State.CONFIRM_REDACTION)
            return self.say(
                turn,
                texts.CLIENT_DATA_FOUND.format(
                    kinds=", ".join(kinds),
                    cleaned=kept[:700],
                    reason=f"{texts.capitalised(turn.reason)}. " if turn.reason else "",
                ),
                (
                    (Button(texts.STORE_REDACTED, "redact:store"),),
                    (Button(texts.REWRITE, "redact:rewrite"),),
                ),
            )
        if confirmed or turn.keep_answers:
            turn.data.pop("pending_text", None)
            return [Step("action_store_reflection", {"text": kept})]
        turn.data["return_state"] = turn.state
        turn.data["pending_text"] = kept
        self.enter(turn, State.CONFIRM_STORE)
        return self.say(
            turn,
            keeping.CONFIRM_STORE.format(text=kept[:700]),
            (
                (Button(keeping.KEEP_YES, "keep:yes"), Button(keeping.KEEP_NO, "keep:no")),
                (Button(keeping.KEEP_ALWAYS, "keep:always"),),
            ),
        )
