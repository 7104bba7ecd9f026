"""issue 16: the JSON export names every saved dialogue step and every channel in Dutch."""

from __future__ import annotations

from bot.core.dialogue import State
from bot.core.export import CHANNEL_NL, STATE_NL


def test_every_saved_state_has_a_dutch_name() -> None:
    assert set(STATE_NL) == set(State) - {State.ERASED}


def test_every_channel_has_a_dutch_name() -> None:
    from bot.channels.telegram import CHANNEL as TELEGRAM
    from bot.channels.web import CHANNEL as WEB

    assert {TELEGRAM, WEB, "shell", "rasa"} <= set(CHANNEL_NL)
