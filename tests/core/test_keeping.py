"""issue 12: the keep-setting reader and the acknowledgments (reviewed templates as data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import acknowledge
from bot.core.keeping import KEEP_SETTING, read_keep_setting


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("bewaar mijn antwoorden altijd", True),
        ("Bewaar mijn reflecties voortaan meteen", True),
        ("altijd bewaren", True),
        ("je hoeft niet meer te vragen of je het bewaart", True),
        ("vraag eerst voor je bewaart", False),
        ("vraag het weer voordat je het bewaart", False),
        ("bewaar mijn antwoorden niet meer automatisch", False),
        ("niet meer automatisch bewaren", False),
    ],
)
def test_the_keep_setting_in_words(text: str, on: bool) -> None:
    found = read_keep_setting(text)
    assert found is not None and found.intent == KEEP_SETTING and found.args == {"on": on}


@pytest.mark.parametrize(
    "text",
    [
        "ik bewaar mijn antwoorden altijd in een schrift",
        "bewaar",
        "hoe bewaar ik afstand tot mijn klant?",
        "de klant vroeg of ik zijn papieren altijd bewaar",
    ],
)
def test_other_messages_about_keeping_are_left_alone(text: str) -> None:
    assert read_keep_setting(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("volgende keer bel ik eerst de werkgever", "plan"),
        ("ik neem me voor om eerst te luisteren", "plan"),
        ("ik twijfel of ik het goed aanpakte", "doubt"),
        ("ik weet het niet, misschien was ik te streng", "doubt"),
        ("het gesprek liep vast op de taal", "difficulty"),
        ("het lukte niet om haar gerust te stellen", "difficulty"),
        ("het is gelukt, ze begint maandag bij de bakker", "success"),
        ("ik was trots op hoe het ging", "success"),
        ("hoe moet ik dit met mijn team bespreken?", "question"),
        ("ik vroeg naar haar werkervaring in Syrië", "other"),
    ],
)
def test_a_reflection_is_acknowledged_by_its_kind(text: str, kind: str) -> None:
    assert acknowledge.kind_of(text) == kind
    reply = acknowledge.acknowledgment(text)
    assert reply in next(k.replies for k in acknowledge.kinds() if k.name == kind)


def test_every_kind_has_reviewed_replies_that_add_no_facts() -> None:
    kinds = acknowledge.kinds()
    assert tuple(k.name for k in kinds) == acknowledge.KINDS
    for kind in kinds:
        assert len(kind.replies) >= 2
        for reply in kind.replies:
            assert len(reply) <= 120 and "{" not in reply  # nothing filled in from the text


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("kinds: {plan: {cues: [x], replies: [a]}}", "expected the kinds"),
        (
            "kinds: {question: {cues: [x], replies: [a]}, doubt: {cues: [x], replies: []},"
            " plan: {cues: [x], replies: [a]}, difficulty: {cues: [x], replies: [a]},"
            " success: {cues: [x], replies: [a]}, other: {replies: [a]}}",
            "needs replies",
        ),
        (
            "kinds: {question: {cues: [x], replies: [a]}, doubt: {cues: [x], replies: [a]},"
            " plan: {replies: [a]}, difficulty: {cues: [x], replies: [a]},"
            " success: {cues: [x], replies: [a]}, other: {replies: [a]}}",
            "needs cues",
        ),
    ],
)
def test_bad_acknowledgment_data_is_refused_by_name(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = tmp_path / "acknowledgments.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        acknowledge.load(path)
