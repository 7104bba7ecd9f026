"""The web chat's deployment: a `web` service like the bot's, behind the same reverse proxy."""

from __future__ import annotations

import yaml

from bot.settings import PROJECT_ROOT

COMPOSE_TEXT = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def test_web_service_shares_the_image_data_and_proxy() -> None:
    services = yaml.safe_load(COMPOSE_TEXT)["services"]
    web, bot = services["web"], services["bot"]
    assert web["command"][:2] == ["coach", "web"]
    port = web["command"][web["command"].index("--port") + 1]
    for key in ("image", "env_file", "volumes", "restart"):  # the key file is in the volume
        assert web[key] == bot[key], key
    assert "healthcheck" in web and f"{port}/healthz" in str(web["healthcheck"]["test"])
    assert services["proxy"]["environment"]["COACH_WEB_BASE_PATH"] == "${COACH_WEB_BASE_PATH}"
    caddy = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "handle {$COACH_WEB_BASE_PATH}* {" in caddy
    assert f"reverse_proxy web:{port}" in caddy
