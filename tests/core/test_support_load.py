"""issue 12: emotional load gets support first, no reflection question, and lessons that fit."""

import pytest

from bot.core.support import default_patterns, suggests_load
from bot.knowledge import load_knowledge


@pytest.mark.parametrize(
    "text",
    [
        "ik trek het niet meer",
        "mijn klant stortte in tijdens het gesprek",
        "ik lig er wakker van",
        "het wordt me allemaal te veel",
        "ik kan het niet meer aan",
    ],
)
def test_load_is_seen(text):
    assert suggests_load(text)


@pytest.mark.parametrize(
    "text",
    ["hoe begeleid ik een klant naar werk?", "de markt stortte niet in", "wat is een broodbaan?"],
)
def test_plain_questions_are_not_load(text):
    assert not suggests_load(text)


def test_the_lessons_exist():
    items = load_knowledge().items_by_id
    assert default_patterns().lessons
    assert all(i in items for i in default_patterns().lessons)
