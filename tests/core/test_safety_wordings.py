"""issue 12: the danger wordings (bot/core/data/danger.yaml) against a list written apart."""

from pathlib import Path

import pytest

from bot.core.safety import DangerDataError, load_patterns, report, suggests_danger

WORDINGS = Path(__file__).parents[1] / "data" / "danger_wordings.yaml"


def test_recall_and_false_alarms_on_the_wordings_list():
    r = report(WORDINGS)
    assert r["danger"] + r["not_danger"] >= 70
    assert r["recall"] >= 0.95, r["missed"]
    assert r["false_alarms"] <= 0.05, r["alarms"]


@pytest.mark.parametrize(
    "text",
    [
        "ik ga dood van de werkdruk",
        "ik zie het niet zitten om dat formulier in te vullen",
        "die deadline vermoordt me",
    ],
)
def test_figures_of_speech_are_not_danger(text):
    assert not suggests_danger(text)


def test_a_bad_pattern_names_the_file(tmp_path):
    bad = tmp_path / "danger.yaml"
    bad.write_text("danger:\n  - name: x\n    pattern: '(unclosed'\n", encoding="utf-8")
    with pytest.raises(DangerDataError, match=str(bad)):
        load_patterns(bad)
    bad.write_text("figurative: []\n", encoding="utf-8")
    with pytest.raises(DangerDataError, match="danger"):
        load_patterns(bad)
