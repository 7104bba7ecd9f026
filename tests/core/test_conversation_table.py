"""The dialogue policy's table, state by state: what each state reads and where it goes.

These are unit tests of `bot.core.conversation.Policy.read`: no action runs and no database is
touched; each case starts in one state with its flow data, reads one message, and checks the
steps the policy plans (action and arguments), the state it wrote and what it said itself.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from actions.base import Call, Outcome
from bot.clock import FrozenClock
from bot.core import conversation, keeping, policy, texts
from bot.core.conversation import BUTTONS, TABLE, Policy, Step, Turn
from bot.core.dialogue import State
from bot.core.later import LATER_REPLY
from bot.core.replies import Incoming
from bot.knowledge import Knowledge
from bot.nlu import NLU
from bot.privacy.guard import ClientDataGuard
from bot.wiring import action_names

ROOT = Path(__file__).resolve().parents[2]
REFLECTION = (
    "ik merk dat ik te snel zelf een oplossing aandraag; volgende keer laat ik de klant "
    "eerst vertellen wat zij zelf al geprobeerd heeft"
)
QUESTION_DATA = {"question_id": "q1", "prompt": "Wat deed je?", "lesson_id": "discriminatie"}
PENDING = {**QUESTION_DATA, "pending_text": REFLECTION, "return_state": "await_reflection"}
ASKED = "Zal ik het bewaren?"
CONTEXT = {"context_lesson": "discriminatie"}
ROLE_PENDING = {
    "pending_text": "als teamleider wil ik weten hoe ik discriminatie bespreek",
    "pending_role": "manager",
    "return_state": "idle",
}


@pytest.fixture
def read(knowledge: Knowledge, nlu: NLU, clock: FrozenClock) -> Any:
    services: Any = SimpleNamespace(
        knowledge=knowledge, clock=clock, guard=ClientDataGuard(clock=clock)
    )
    p = Policy(services, lambda: nlu, set(action_names()))

    def run(state: str, message: str | Incoming, **data: Any) -> tuple[list[Step], Turn]:
        keep = bool(data.pop("_keep", False))
        turn = Turn(1, "professional", "Europe/Amsterdam", state, dict(data), keep_answers=keep)
        incoming = Incoming(text=message) if isinstance(message, str) else message
        return p.read(turn, incoming), turn

    return run


def said(turn: Turn) -> str:
    return "\n".join(r.plain_text for r in turn.replies)


# (state, flow data, message) -> (first action or None, its arguments ⊇, state after, said ∋)
CASES: list[tuple[str, dict[str, Any], str, str | None, dict[str, Any], str, str]] = [
    # idle: the guide, the bot's features, a schedule request
    (
        State.IDLE,
        {},
        "hoe bespreek ik discriminatie met een klant?",
        "action_answer_lesson",
        {"lesson_id": "discriminatie"},
        State.IDLE,
        "",
    ),
    (State.IDLE, {}, "mijn notities zien", "action_list_reflections", {}, State.IDLE, ""),
    (
        State.IDLE,
        {},
        "zet de dagelijkse vraag om 9 uur",
        "action_daily_settings",
        {},
        State.IDLE,
        "",
    ),
    (State.IDLE, {}, "sla maar over", None, {}, State.IDLE, texts.NOTHING_PENDING),
    # issue 12: follow-ups right after a lesson or a reflection refer to that lesson
    (
        State.IDLE,
        CONTEXT,
        "waarom?",
        "action_follow_up",
        {"lesson_id": "discriminatie", "kind": "why"},
        State.IDLE,
        "",
    ),
    (
        State.IDLE,
        CONTEXT,
        "wat kan ik nog meer doen?",
        "action_follow_up",
        {"kind": "what_else"},
        State.IDLE,
        "",
    ),
    (
        State.AWAIT_REFLECTION,
        {**QUESTION_DATA, **CONTEXT},
        "en verder?",
        "action_follow_up",
        {"kind": "more"},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.AWAIT_FOLLOWUP,
        {**QUESTION_DATA, **CONTEXT},
        "hoe had ik het anders kunnen aanpakken?",
        "action_follow_up",
        {"kind": "otherwise"},
        State.AWAIT_FOLLOWUP,
        "",
    ),
    (State.IDLE, CONTEXT, "vertel meer", "action_follow_up", {"kind": "more"}, State.IDLE, ""),
    # issue 12: a message revealing another role than the stored one gets a short check
    (
        State.IDLE,
        {},
        "als teamleider wil ik weten hoe ik discriminatie bespreek",
        None,
        {},
        State.CONFIRM_ROLE,
        "zal ik je rol aanpassen?",
    ),
    (
        State.CONFIRM_ROLE,
        ROLE_PENDING,
        "ja",
        "action_set_role",
        {"role": "manager"},
        State.IDLE,
        "",
    ),
    (
        State.CONFIRM_ROLE,
        ROLE_PENDING,
        "nee",
        "action_answer_lesson",
        {"lesson_id": "discriminatie"},
        State.IDLE,
        "",
    ),
    # await_role: typed roles
    (
        State.AWAIT_ROLE,
        {},
        "ik ben jobcoach",
        "action_set_role",
        {"role": "professional"},
        State.AWAIT_ROLE,
        "",
    ),
    (State.AWAIT_ROLE, {}, "km", "action_set_role", {"role": "professional"}, State.AWAIT_ROLE, ""),
    (
        State.AWAIT_ROLE,
        {},
        "teamleider",
        "action_set_role",
        {"role": "manager"},
        State.AWAIT_ROLE,
        "",
    ),
    # await_new: yes / no as people type them
    (
        State.AWAIT_NEW,
        {},
        "ja graag",
        "action_set_new_in_work",
        {"new_in_work": True},
        State.AWAIT_NEW,
        "",
    ),
    (
        State.AWAIT_NEW,
        {},
        "nee hoor",
        "action_set_new_in_work",
        {"new_in_work": False},
        State.AWAIT_NEW,
        "",
    ),
    # await_reflection: later keeps it open; control words leave; a reflection is stored
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "druk vandaag, later",
        None,
        {},
        State.AWAIT_REFLECTION,
        LATER_REPLY,
    ),
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "ok prima",
        None,
        {},
        State.IDLE,
        texts.NOT_A_REFLECTION,
    ),
    # a yes to "Wil je hier even bij stilstaan?" is a yes to answering: the question again
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "Ja!",
        None,
        {},
        State.AWAIT_REFLECTION,
        "Typ je antwoord maar, kort of lang.\nWat deed je?",
    ),
    (
        State.AWAIT_FOLLOWUP,
        QUESTION_DATA,
        "ja graag",
        None,
        {},
        State.AWAIT_FOLLOWUP,
        "Wat deed je?",
    ),
    (State.AWAIT_REFLECTION, QUESTION_DATA, "nee", None, {}, State.IDLE, texts.SKIPPED),
    # not sure yet: like 'later', the question stays open and nothing is kept
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "weet ik niet",
        None,
        {},
        State.AWAIT_REFLECTION,
        LATER_REPLY,
    ),
    (State.AWAIT_REFLECTION, QUESTION_DATA, "Geen idee", None, {}, State.AWAIT_REFLECTION, ""),
    # a new question coming: the open one is left
    (State.AWAIT_REFLECTION, QUESTION_DATA, "ik heb een nieuwe vraag", None, {}, State.IDLE, ""),
    # 'Lees meer' typed: the lesson in context, read on (not kept as an answer)
    (
        State.AWAIT_REFLECTION,
        {**QUESTION_DATA, **CONTEXT},
        "lees meer",
        "action_follow_up",
        {"lesson_id": "discriminatie", "kind": "more"},
        State.AWAIT_REFLECTION,
        "",
    ),
    (State.AWAIT_FOLLOWUP, QUESTION_DATA, "nee dank je", None, {}, State.IDLE, texts.SKIPPED),
    (State.AWAIT_REFLECTION, QUESTION_DATA, "sla maar over", None, {}, State.IDLE, texts.SKIPPED),
    (State.AWAIT_REFLECTION, QUESTION_DATA, "dank je wel", "action_thanks", {}, State.IDLE, ""),
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "mijn notities zien",
        "action_list_reflections",
        {},
        State.IDLE,
        "",
    ),
    (
        State.AWAIT_REFLECTION,
        QUESTION_DATA,
        "kun je de dagelijkse vraag om 10 uur zetten",
        "action_daily_settings",
        {},
        State.IDLE,
        "",
    ),
    # issue 12: a reflection is shown and asked about once, unless the user keeps them all
    (State.AWAIT_REFLECTION, QUESTION_DATA, REFLECTION, None, {}, State.CONFIRM_STORE, ASKED),
    (
        State.AWAIT_REFLECTION,
        {**QUESTION_DATA, "_keep": True},
        REFLECTION,
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    # await_followup: the same reading as await_reflection
    (
        State.AWAIT_FOLLOWUP,
        {**QUESTION_DATA, "reflection_id": 1, "_keep": True},
        REFLECTION,
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_FOLLOWUP,
        "",
    ),
    (State.AWAIT_FOLLOWUP, QUESTION_DATA, REFLECTION, None, {}, State.CONFIRM_STORE, ASKED),
    # confirm_store: yes, no, always, as people type them; anything else is read afresh
    (
        State.CONFIRM_STORE,
        PENDING,
        "ja",
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.CONFIRM_STORE,
        PENDING,
        "ja, bewaar het maar",
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.CONFIRM_STORE,
        PENDING,
        "doe maar",
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    (State.CONFIRM_STORE, PENDING, "nee, niet bewaren", None, {}, State.IDLE, keeping.NOT_KEPT),
    # a short no that is not in the list is still a no, and the answer is not replaced by it
    (State.CONFIRM_STORE, PENDING, "nee toch niet", None, {}, State.IDLE, keeping.NOT_KEPT),
    (State.CONFIRM_STORE, PENDING, "Doe maar niet.", None, {}, State.IDLE, keeping.NOT_KEPT),
    (State.CONFIRM_STORE, PENDING, "liever toch niet", None, {}, State.IDLE, keeping.NOT_KEPT),
    (
        State.CONFIRM_STORE,
        PENDING,
        "👍🏽",
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    # something else instead of yes or no: the answer is dropped, and the user told so
    (
        State.CONFIRM_STORE,
        PENDING,
        "wat moet ik doen als een werkgever geen hoofddoek wil?",
        "action_answer_lesson",
        {},
        State.IDLE,
        texts.PENDING_DROPPED,
    ),
    (
        State.CONFIRM_STORE,
        PENDING,
        "altijd",
        "action_keep_answers",
        {"on": True},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.CONFIRM_STORE,
        PENDING,
        "mijn notities zien",
        "action_list_reflections",
        {},
        State.IDLE,
        "",
    ),
    (
        State.CONFIRM_STORE,
        PENDING,
        "bewaar mijn antwoorden altijd",
        "action_keep_answers",
        {"on": True},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.AWAIT_FOLLOWUP,
        QUESTION_DATA,
        "nee hoeft niet, bedankt",
        None,
        {},
        State.IDLE,
        texts.SKIPPED,
    ),
    # question_or_reflection: which of the two, typed
    (
        State.QUESTION_OR_REFLECTION,
        {**QUESTION_DATA, "pending_text": REFLECTION, "return_state": "await_reflection"},
        "als reflectie",
        "action_store_reflection",
        {"text": REFLECTION},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.QUESTION_OR_REFLECTION,
        {
            "pending_text": "hoe bespreek ik discriminatie met een klant?",
            "return_state": "await_reflection",
        },
        "vraag",
        "action_answer_lesson",
        {"lesson_id": "discriminatie"},
        State.IDLE,
        "",
    ),
    # confirm_redaction: keep the cleaned text, typed
    (
        State.CONFIRM_REDACTION,
        {
            **QUESTION_DATA,
            "pending_text": "[naam] kwam te laat",
            "pending_kinds": ["naam"],
            "return_state": "await_reflection",
        },
        "ja, bewaar de versie zonder naam",
        "action_store_reflection",
        {"text": "[naam] kwam te laat"},
        State.AWAIT_REFLECTION,
        "",
    ),
    (
        State.CONFIRM_REDACTION,
        {"pending_text": "[naam] kwam te laat", "return_state": "await_reflection"},
        "nee",
        None,
        {},
        State.AWAIT_REFLECTION,
        texts.REWRITE_ASK,
    ),
    # confirm_delete: only a clear yes erases
    (State.CONFIRM_DELETE, {}, "ja, wis alles", "action_delete_data", {}, State.CONFIRM_DELETE, ""),
    (State.CONFIRM_DELETE, {}, "nee hoor", None, {}, State.IDLE, texts.DELETE_KEPT),
    (State.CONFIRM_DELETE, {}, "waarom eigenlijk", None, {}, State.IDLE, texts.DELETE_KEPT),
    # await_schedule: a time is read here; anything else is read afresh
    (State.AWAIT_SCHEDULE, {}, "om half 9", "action_daily_settings", {}, State.AWAIT_SCHEDULE, ""),
    (State.AWAIT_SCHEDULE, {}, "mijn notities zien", "action_list_reflections", {}, State.IDLE, ""),
    # erased: the next message starts afresh
    (
        State.ERASED,
        {},
        "hoe bespreek ik discriminatie met een klant?",
        "action_answer_lesson",
        {},
        State.IDLE,
        "",
    ),
]


@pytest.mark.parametrize(
    ("state", "data", "message", "action", "args", "after", "reply"),
    CASES,
    ids=[f"{c[0]}:{c[2][:30]}" for c in CASES],
)
def test_each_state_reads_what_it_expects(
    read: Any,
    state: str,
    data: dict[str, Any],
    message: str,
    action: str | None,
    args: dict[str, Any],
    after: str,
    reply: str,
) -> None:
    steps, turn = read(state, message, **data)
    assert (steps[0].action if steps else None) == action, (steps, said(turn))
    if steps:
        assert args.items() <= steps[0].args.items()
    assert turn.state == after
    if reply:
        assert reply in said(turn)
    if action not in ("action_store_reflection", "action_keep_answers"):
        # nothing else keeps the message as a reflection
        assert all(s.action != "action_store_reflection" for s in steps)


def test_a_reflection_with_client_data_asks_first_and_keeps_only_the_cleaned_text(
    read: Any,
) -> None:
    text = "Mevrouw Jansen belde mij op 06-12345678 over haar sollicitatie bij de bakker"
    steps, turn = read(State.AWAIT_REFLECTION, text, **QUESTION_DATA)
    assert steps == []
    assert turn.state == State.CONFIRM_REDACTION
    assert turn.data["return_state"] == State.AWAIT_REFLECTION
    assert "Jansen" not in turn.data["pending_text"]
    assert "06-12345678" not in turn.data["pending_text"]


def test_buttons_valid_only_in_their_state_say_nothing_is_pending(read: Any) -> None:
    for payload in ("skip", "delete:yes", "as:reflection", "redact:store"):
        steps, turn = read(State.IDLE, Incoming(action=payload))
        assert steps == [] and said(turn) == texts.NOTHING_PENDING, payload
    steps, turn = read(State.CONFIRM_DELETE, Incoming(action="delete:yes"))
    assert [s.action for s in steps] == ["action_delete_data"]


def test_every_state_has_a_row_and_every_button_kind_a_handler() -> None:
    assert set(TABLE) == set(State)
    handled = set(BUTTONS) | {k for spec in TABLE.values() for k in spec.buttons}
    assert handled == set(policy.BUTTON_KINDS)
    for state, typed in policy.TYPED_BUTTONS.items():
        for payload in typed.values():
            kind = payload.partition(":")[0]
            assert kind in BUTTONS or kind in TABLE[state].buttons, (state, payload)


def test_every_planned_action_exists() -> None:
    names = set(action_names())
    source = Path(conversation.__file__).read_text(encoding="utf-8")
    planned = set(__import__("re").findall(r'Step\(\s*"(action_[a-z_]+)"', source))
    assert planned and planned <= names


def test_the_state_is_written_in_one_place() -> None:
    """Only `Policy.enter` assigns a turn's state; actions ask for one in their Outcome."""
    writers = []
    for folder in ("bot", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AugAssign | ast.AnnAssign)
                    else []
                )
                for target in targets:
                    if isinstance(target, ast.Attribute) and target.attr == "state":
                        writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert len(writers) == 1 and writers[0].startswith("bot/core/conversation.py"), writers
    for path in (ROOT / "actions").rglob("*.py"):
        assert 'SlotSet("state"' not in path.read_text(encoding="utf-8") or path.name == "base.py"


def test_the_policy_applies_an_outcome() -> None:
    services: Any = SimpleNamespace()
    p = Policy(services, lambda: None, set())  # type: ignore[arg-type, return-value]
    turn = Turn(1, None, "UTC", State.AWAIT_REFLECTION, {"question_id": "q1", "keep": 1})
    p.after(turn, Step("x"), Outcome().say("ok").done(reflection_id=7))
    assert turn.state == State.IDLE
    assert turn.data == {"keep": 1, "reflection_id": 7}
    assert [r.text for r in turn.replies] == ["ok"]
    assert Call(user_id=1, args={"a": None}).arg("a", 3) == 3


def test_the_readme_shows_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert conversation.describe() in readme


def test_a_follow_up_without_a_lesson_in_context_is_read_as_usual(read: Any) -> None:
    for text in ("waarom?", "en verder?", "wat kan ik nog meer doen?"):
        steps, turn = read(State.IDLE, text)
        assert all(s.action != "action_follow_up" for s in steps), text
    # the context counts for the next message only
    steps, turn = read(State.IDLE, "hoe bespreek ik gezondheid met een klant?", **CONTEXT)
    assert "context_lesson" not in turn.data


def test_after_the_role_check_the_message_is_read_for_the_new_role(read: Any) -> None:
    steps, turn = read(State.CONFIRM_ROLE, "ja", **ROLE_PENDING)
    assert [s.action for s in steps] == [
        "action_set_role",
        "action_answer_lesson",
        "action_ask_question",
    ]
    assert turn.role == "manager" and "pending_role" not in turn.data
    steps, turn = read(State.CONFIRM_ROLE, "nee", **ROLE_PENDING)
    assert turn.role == "professional" and steps[0].action == "action_answer_lesson"


def test_a_question_to_oneself_during_a_reflection_is_kept_as_the_reflection(read: Any) -> None:
    # issue 12: first person, past or conditional: the answer to the open question
    for text in (
        "had ik hem eerder naar zijn ervaringen met werkgevers moeten vragen?",
        "was het verstandiger geweest als ik zelf de werkgever had gebeld?",
        "zou ik bij het volgende gesprek meer moeten doorvragen over zijn afwijzingen?",
    ):
        steps, turn = read(State.AWAIT_REFLECTION, text, **QUESTION_DATA)
        assert steps == [] and turn.state == State.CONFIRM_STORE, (text, said(turn))
        assert ASKED in said(turn)
    # a new question for the guide still leaves the reflection and is answered
    steps, turn = read(
        State.AWAIT_REFLECTION, "hoe maak ik discriminatie bespreekbaar?", **QUESTION_DATA
    )
    assert turn.state == State.IDLE
    assert [s.action for s in steps][:1] in (["action_answer_lesson"], ["action_disambiguate"])
