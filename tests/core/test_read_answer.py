"""How a message typed while a reflection question is open is read (bot.core.dialogue)."""

from __future__ import annotations

from bot.core.dialogue import read_answer
from bot.nlu.engine import OUT_OF_SCOPE, Parse

REJECT_BELOW = 0.03


def _oos(text: str, kind: str | None) -> Parse:
    return Parse(text, OUT_OF_SCOPE, 0.6, kind=kind)


def test_a_short_question_outside_the_guide_with_a_kind_is_a_question() -> None:
    text = "hoeveel bijstand krijgt mijn klant?"
    assert read_answer(text, _oos(text, "income"), REJECT_BELOW) == "question"


def test_without_a_kind_or_a_question_mark_it_is_not_taken_for_a_question() -> None:
    asked = "had ik dat anders moeten doen?"
    assert read_answer(asked, _oos(asked, None), REJECT_BELOW) == "ambiguous"
    said = "ik vond het gesprek over de bijstand lastig"
    assert read_answer(said, _oos(said, "income"), REJECT_BELOW) == "reflection"


def test_a_long_question_with_a_kind_is_asked_about() -> None:
    text = " ".join(["ik"] * 13) + " wat vind jij?"
    assert read_answer(text, _oos(text, "income"), REJECT_BELOW) == "ambiguous"
