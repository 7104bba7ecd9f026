"""The policy registry routes everything, control words typed do what buttons do, and a
message that is not a reflection is never stored as one (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.channels.telegram import COMMANDS_NL
from bot.core import policy
from bot.core.coach import Coach
from bot.core.dialogue import COMMANDS, State
from bot.core.requests import READERS, Request, read_request
from bot.storage.models import DialogueState, Reflection, User
from tests.helpers import actions, onboard, press, texts, user

ROOT = Path(__file__).resolve().parents[2]


def _nlu_intents() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "nlu_data").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block:
                found.add(str(block["intent"]).split("/")[0])
    return found


def _payload_kinds() -> set[str]:
    """Every button payload literal written in the bot's code, by kind."""
    kinds: set[str] = set()
    pattern = re.compile(r"""(?:Button\([^)]*?,\s*|payload["']?\s*[:=]\s*)f?["']([a-z_]+):""")
    for folder in ("bot", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            kinds.update(pattern.findall(path.read_text(encoding="utf-8")))
    return kinds


def test_every_nlu_intent_is_routed() -> None:
    intents = _nlu_intents()
    assert len(intents) >= 14
    assert [i for i in sorted(intents) if not policy.routed(i)] == []


def test_every_menu_command_is_routed() -> None:
    for name, _ in COMMANDS_NL:
        intent = COMMANDS.get(f"/{name}")
        assert intent is not None, name
        assert policy.routed(intent), name


def test_every_button_payload_is_routed() -> None:
    kinds = _payload_kinds()
    assert {"role", "new", "redact", "delete", "more", "daily"} <= kinds
    assert sorted(kinds - policy.BUTTON_KINDS) == []


def test_every_intent_action_exists(coach: Coach) -> None:
    missing = [a for a in policy.INTENT_ACTIONS.values() if a not in coach.executor.actions]
    assert missing == []


def test_every_reader_intent_is_routed() -> None:
    samples = [
        "mijn notities zien",
        "kun je de dagelijkse vraag later zetten",
        "mijn gegevens downloaden",
        "wat bewaar je van mij?",
        "rol wijzigen",
        "wat kan je allemaal?",
        "bewaar mijn antwoorden altijd",
    ]
    found = [read_request(s) for s in samples]
    assert all(isinstance(r, Request) for r in found), found
    assert {r.intent for r in found if r} == {
        "my_reflections",
        "daily_prompt_settings",
        "export_my_data",
        "privacy_info",
        "change_role",
        "help",
        "keep_answers_setting",
    }
    assert len(READERS) >= 10  # issue 16: notebook, about me, patterns
    assert all(policy.routed(r.intent) for r in found if r)


@pytest.mark.parametrize(
    "text",
    [
        "ik merk dat mijn klant moeite heeft met de taal en ik wil haar beter helpen",
        "hoe bespreek ik discriminatie met mijn klant?",
        "ik schreef gisteren in mijn notities dat de werkgever weinig tijd had",
    ],
)
def test_readers_leave_other_messages_alone(text: str) -> None:
    assert read_request(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ja graag!", "yes"),
        ("jep", "yes"),
        ("doe maar", "yes"),
        ("nee hoor", "no"),
        ("hoeft niet", "no"),
        ("nee hoeft niet, bedankt", "no"),
        ("sla maar over", "skip"),
        ("straks", "later"),
        ("druk vandaag, later", "later"),
        ("stop", "stop"),
        ("oeps", "undo"),
        ("dank je wel", "thanks"),
        ("doei", "bye"),
    ],
)
def test_control_words_as_people_type_them(text: str, kind: str) -> None:
    assert policy.control_word(text) == kind


def test_control_words_cover_every_kind() -> None:
    assert set(policy.control_words().values()) == set(policy.CONTROL_KINDS)
    assert policy.control_word("ja, ik heb de werkgever gebeld en dat ging goed") is None


@pytest.mark.parametrize(
    ("state", "typed", "payload"),
    [
        ("await_new", "ja hoor", "new:yes"),
        ("await_new", "nee", "new:no"),
        ("confirm_redaction", "ja, bewaar de versie zonder naam", "redact:store"),
        ("confirm_redaction", "nee", "redact:rewrite"),
        ("confirm_delete", "nee hoor", "delete:no"),
        ("await_reflection", "sla maar over", "skip:"),
        ("await_reflection", "nee hoor", "skip:"),
        ("question_or_reflection", "als reflectie", "as:reflection"),
        ("question_or_reflection", "vraag", "as:question"),
    ],
)
def test_typed_equivalent_of_each_button(state: str, typed: str, payload: str) -> None:
    assert policy.typed_button(state, typed) == payload
    assert payload.partition(":")[0] in policy.BUTTON_KINDS


async def _reflections(coach: Coach) -> list[Reflection]:
    async with coach.services.sessions() as session:
        return list(await session.scalars(select(Reflection)))


async def _state(coach: Coach) -> str:
    async with coach.services.sessions() as session:
        user_id = await session.scalar(select(User.id).where(User.channel_user_id == "anna"))
        row = await session.get(DialogueState, user_id)
        return row.state if row else State.IDLE


@pytest.mark.parametrize(
    "message",
    [
        "ok prima",
        "nee hoeft niet, bedankt",
        "druk vandaag, later",
        "dank je wel",
        "mijn notities zien",
        "wat bewaar je van mij?",
        "kun je de dagelijkse vraag later zetten",
    ],
)
async def test_not_a_reflection_is_never_stored(coach: Coach, message: str) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/reflectie")
    assert await _state(coach) == State.AWAIT_REFLECTION
    replies = await coach.handle(anna, message)
    assert replies and "Bewaard" not in texts(replies)
    assert await _reflections(coach) == []
    # a "later" keeps the question open for later today (issue 16), stored or not it is not
    still_open = await _state(coach) == State.AWAIT_REFLECTION
    assert not still_open or "dagelijkse" in message or message.endswith("later")


async def test_typed_yes_to_new_in_work_does_what_the_button_does(coach: Coach) -> None:
    anna = user()
    await coach.handle(anna, "/start")
    await coach.handle(anna, press("role:professional"))
    replies = await coach.handle(anna, "ja graag")
    assert "/onboarding" in texts(replies)
    async with coach.services.sessions() as session:
        row = await session.scalar(select(User))
        assert row is not None and row.new_in_work is True


async def test_typed_request_to_change_role_asks_role(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, "rol wijzigen")
    assert actions(replies) == ["role:professional", "role:manager"]
    assert await _state(coach) == State.AWAIT_ROLE


async def test_unknown_command_is_named_not_a_help_dump(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, "/bestaatniet")
    assert "/bestaatniet" in texts(replies)


def _wordings() -> list[tuple[str, str]]:
    rows = []
    for line in (ROOT / "tests" / "data" / "danger_wordings.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, _, text = line.partition("\t")
            rows.append((label, text))
    return rows


def test_danger_wordings_recall_and_false_alarms() -> None:
    from bot.core.safety import suggests_danger

    rows = _wordings()
    assert len(rows) >= 60
    danger = [t for label, t in rows if label == "danger"]
    safe = [t for label, t in rows if label == "safe"]
    missed = [t for t in danger if not suggests_danger(t)]
    alarms = [t for t in safe if suggests_danger(t)]
    # figures in the README: recall and false alarms on this list
    assert missed == [] and alarms == [], (missed, alarms)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("km", "professional"),
        ("ik ben km", "professional"),
        ("ik ben jobcoach", "professional"),
        ("werkcoach", "professional"),
        ("klantmanager", "professional"),
        ("teamleider", "manager"),
        ("beleidsmedewerker", "manager"),
        ("5 kilometer", None),
    ],
)
def test_typed_roles(text: str, role: str | None) -> None:
    from bot.core.dialogue import role_from_text

    assert role_from_text(text) == role


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("hervat", "resume"),
        ("Hervatten!", "resume"),
        ("hervat maar", "resume"),
        ("herstart graag", "resume"),
        ("klant wil zijn werk hervatten na ziekte", None),  # about work, not the schedule
        ("hoe help ik een klant het werk te hervatten?", None),
    ],
)
def test_resume_alone_is_the_daily_question(text: str, action: str | None) -> None:
    from bot.core.schedule_text import read_request

    request = read_request(text)
    assert (request.args["action"] if request else None) == action
