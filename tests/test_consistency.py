"""Cross-file consistency: actions, intents, commands, docs and Rasa files agree."""

from __future__ import annotations

import re

import click
import pytest
import yaml

from bot.channels.telegram import COMMANDS_NL
from bot.cli import main as cli
from bot.core import texts
from bot.core.dialogue import COMMANDS
from bot.core.quick import META_REPLIES
from bot.nlu.engine import META_INTENTS
from bot.rasa_export import INTENT_ACTIONS
from bot.settings import PROJECT_ROOT
from bot.wiring import action_names

SOURCES = [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").rglob("*.py")]
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_action_the_core_runs_is_registered() -> None:
    registered = set(action_names())
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r'"(action_[a-z_]+)"(?!:)', path.read_text(encoding="utf-8")))
    assert used - registered == set()
    assert set(INTENT_ACTIONS.values()) <= registered


def test_every_meta_intent_is_routed() -> None:
    assert set(META_INTENTS) <= set(META_REPLIES)
    assert set(META_INTENTS) <= set(INTENT_ACTIONS)


def test_every_telegram_command_is_understood_and_helped() -> None:
    for name, _ in COMMANDS_NL:
        assert f"/{name}" in COMMANDS, name
        if name not in ("start", "help"):
            assert f"/{name}" in texts.HELP, name


def _commands(group: click.Group, prefix: str = "coach") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


@pytest.mark.parametrize("command", _commands(cli))
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"`{command}" in README or f"{command}`" in README, command


def test_rasa_files_are_current(knowledge) -> None:  # type: ignore[no-untyped-def]
    from bot.rasa_export import domain

    written = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert written == domain(knowledge, sorted(action_names()))
