"""docker-compose.yml refers only to commands that exist and variables that are documented."""

from __future__ import annotations

import re

import click
import yaml

from bot.cli import main as cli
from bot.settings import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
EXAMPLE = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _resolve(argv: list[str]) -> click.Command:
    command: click.Command = cli
    for word in argv[1:]:
        if word.startswith("-") or not isinstance(command, click.Group):
            break
        assert word in command.commands, f"`{' '.join(argv)}`: no command {word!r}"
        command = command.commands[word]
    return command


def test_every_service_command_exists() -> None:
    for name, service in COMPOSE["services"].items():
        argv = service.get("command")
        if not argv:
            continue
        assert argv[0] == "coach", name
        command = _resolve(argv)
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        for word in argv[1:]:
            if word.startswith("--"):
                assert word in options, f"{name}: {word} is not an option of {command.name}"


def test_every_variable_is_documented() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", EXAMPLE, re.M))
    used = set(re.findall(r"\$\{([A-Z_]+)\}", (PROJECT_ROOT / "docker-compose.yml").read_text()))
    assert used <= documented
    settings = {name.upper() for name in Settings.model_fields}
    assert settings <= documented
    for name in documented - {"POSTGRES_PASSWORD", "TELEGRAM_BOT_USERNAME", "TELEGRAM_WEBHOOK_URL"}:
        assert name in settings, f"{name} in .env.example is not a setting"
    for name in settings:
        assert name in README, f"{name} is not in the README"


def test_webhook_replicas_and_health_checks() -> None:
    services = COMPOSE["services"]
    assert services["bot"]["deploy"]["replicas"] >= 2
    assert "--webhook" in services["bot"]["command"]
    for name in ("postgres", "bot", "actions"):
        assert "healthcheck" in services[name], name
    assert services["migrate"]["command"] == ["coach", "db", "upgrade"]
