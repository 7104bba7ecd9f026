"""How a message typed while a reflection question is open is read (bot.core.dialogue)."""

from __future__ import annotations

import pytest

from bot.core.dialogue import is_self_question, read_answer
from bot.nlu.engine import LESSON, OUT_OF_SCOPE, Parse

REJECT_BELOW = 0.03


def _oos(text: str, kind: str | None) -> Parse:
    return Parse(text, OUT_OF_SCOPE, 0.6, kind=kind)


def test_a_short_question_outside_the_guide_with_a_kind_is_a_question() -> None:
    text = "hoeveel bijstand krijgt mijn klant?"
    assert read_answer(text, _oos(text, "income"), REJECT_BELOW) == "question"


def test_without_a_kind_or_a_question_mark_it_is_not_taken_for_a_question() -> None:
    asked = "hoe zit dat eigenlijk met de regels?"
    assert read_answer(asked, _oos(asked, None), REJECT_BELOW) == "ambiguous"
    said = "ik vond het gesprek over de bijstand lastig"
    assert read_answer(said, _oos(said, "income"), REJECT_BELOW) == "reflection"


def test_a_long_question_with_a_kind_is_asked_about() -> None:
    text = " ".join(["ik"] * 13) + " wat vind jij?"
    assert read_answer(text, _oos(text, "income"), REJECT_BELOW) == "ambiguous"


def _lesson(text: str, confidence: float = 0.7) -> Parse:
    return Parse(text, LESSON, confidence, lesson="vertrouwensband")


# issue 12: during a reflection, a question the user asks themselves about what they did
SELF_QUESTIONS = [
    "had ik misschien eerder moeten doorvragen?",
    "hadden we de werkgever niet eerder moeten bellen?",
    "zou ik haar meer ruimte moeten geven om zelf te kiezen?",
    "was het beter geweest als ik eerst naar zijn slaap had gevraagd?",
    "achteraf gezien, had ik de intake over twee gesprekken moeten verdelen?",
    "Ik heb het gesprek kort gehouden. Heb ik te weinig gevraagd naar zijn familie?",
    "ben ik te snel over werk begonnen?",
    "wat had ik anders kunnen zeggen tegen die werkgever?",
    "waarom heb ik niet gevraagd hoe het thuis gaat?",
    "tja, was het slim om hem meteen naar de schoonmaak te sturen?",
]


@pytest.mark.parametrize("text", SELF_QUESTIONS)
def test_a_question_to_oneself_about_what_one_did_is_a_reflection(text: str) -> None:
    # even when the NLU places it in the guide, or outside it with a kind
    assert read_answer(text, _lesson(text), REJECT_BELOW) == "reflection"
    assert read_answer(text, _oos(text, "income"), REJECT_BELOW) == "reflection"
    assert read_answer(text, _oos(text, None), REJECT_BELOW) == "reflection"


GUIDE_QUESTIONS = [
    "hoe bespreek ik discriminatie?",
    "hoe zou ik een intake het beste voorbereiden?",
    "is het beter om eerst de taal te leren?",
    "zou ik tips kunnen krijgen over vrijwilligerswerk?",
    "mag ik een klant vragen naar zijn gezondheid?",
    "wat doe ik met een klant die nachtmerries heeft?",
    "heb je iets over kinderopvang?",
    "moet ik de werkgever na de plaatsing nog bellen?",
]


@pytest.mark.parametrize("text", GUIDE_QUESTIONS)
def test_a_new_question_for_the_guide_is_still_a_question(text: str) -> None:
    assert not is_self_question(text)
    assert read_answer(text, _lesson(text), REJECT_BELOW) == "question"


def test_a_self_question_needs_the_question_mark_and_the_first_person() -> None:
    said = "had ik maar eerder doorgevraagd"
    assert read_answer(said, _lesson(said), REJECT_BELOW) != "question"
    assert not is_self_question("had de klant eerder hulp moeten krijgen?")
    assert not is_self_question("zou jij het anders doen?")
    assert is_self_question("Hij zweeg steeds. Zou ik het anders moeten aanpakken?")
