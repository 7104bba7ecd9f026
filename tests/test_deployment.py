"""docker-compose.yml refers only to commands that exist and variables that are documented."""

from __future__ import annotations

import re

import click
import pytest
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
        if not argv or service.get("image", "").split(":")[0] in ("redis", "rasa/rasa"):
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
    for name in documented - {
        "POSTGRES_PASSWORD",
        "TELEGRAM_BOT_USERNAME",
        "TELEGRAM_WEBHOOK_URL",
        "COACH_DOMAIN",
    }:
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


# issue 13: the deployment files, complete


def _example_env() -> dict[str, str]:
    pairs = re.findall(r"^([A-Z_]+)=(.*)$", EXAMPLE, re.M)
    return {name: value for name, value in pairs}


def test_env_example_values_work_and_production_wants_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.settings import SettingsError, load_settings
    from bot.storage.crypto import TextCipher

    for name, value in _example_env().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="COACH_ENV=production needs an encryption key"):
        load_settings()
    monkeypatch.setenv("COACH_ENCRYPTION_KEY", TextCipher.new_key())
    settings = load_settings()
    assert settings.coach_redis_url == "redis://redis:6379/0"
    assert settings.database_url.startswith("postgresql://")


def test_compose_has_redis_restart_policies_proxy_and_a_rasa_profile() -> None:
    services = COMPOSE["services"]
    assert {"postgres", "redis", "migrate", "bot", "proxy"} <= set(services)
    for name in ("postgres", "redis", "bot", "proxy"):
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert "redis" in services["bot"]["depends_on"]
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert services["actions"]["profiles"] == ["rasa"] == services["rasa"]["profiles"]
    endpoints = yaml.safe_load((PROJECT_ROOT / "deploy" / "rasa-endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"
    caddy = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$COACH_DOMAIN}" in caddy and "reverse_proxy bot:8080" in caddy
    assert "COACH_DOMAIN" in _example_env()


def test_image_runs_as_its_own_user_with_the_model_outside_the_volume() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE=python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^USER coach$", dockerfile, re.M)
    assert "COACH_MODEL_DIR=/app/model" in dockerfile and "VOLUME /app/data" in dockerfile
    assert "chmod -R a+rX /app" in dockerfile and "chown coach:coach /app/data" in dockerfile
    # training happens before the permissions are opened up, in the same layer
    assert dockerfile.index("coach train") < dockerfile.index("chmod -R a+rX")


def test_env_example_uses_the_model_trained_into_the_image() -> None:
    # .env.example once pointed COACH_MODEL_DIR into the (empty) data volume, so every
    # container trained again at start, and the image's trained model went unused
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    [model_dir] = re.findall(r"COACH_MODEL_DIR=(\S+)", dockerfile)
    assert _example_env()["COACH_MODEL_DIR"] == model_dir
    assert not model_dir.startswith(_example_env()["COACH_DATA_DIR"])


def test_ci_builds_and_smoke_tests_the_image() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    script = (PROJECT_ROOT / "scripts" / "ci_image.sh").read_text()
    assert "bash scripts/ci_image.sh" in ci
    assert "deploy/build-base.sh" in script and "scripts/image_smoke.py" in script
    assert "--build-arg BASE=" in script and "PIP_ARGS=--no-index" in script
    smoke = (PROJECT_ROOT / "scripts" / "image_smoke.py").read_text()
    # the smoke test runs the compose file's own commands
    assert 'compose_command("migrate")' in smoke and 'compose_command("bot")' in smoke
