"""`coach actions`: the same actions served over Rasa's action-server protocol."""

from __future__ import annotations

from rasa_sdk.endpoint import create_app
from sanic import Sanic

from bot.settings import Settings


def build_app(settings: Settings, name: str = "coach_actions") -> Sanic:
    """rasa-sdk's Sanic app (/webhook, /health, /actions) with our services bound at start."""
    from bot.wiring import build_executor, services_for

    executor = build_executor()
    app = create_app(executor)
    resources: dict[str, object] = {}

    @app.before_server_start
    async def _open(_app: Sanic) -> None:
        context = services_for(settings)
        resources["context"] = context
        await context.__aenter__()

    @app.after_server_stop
    async def _close(_app: Sanic) -> None:
        context = resources.pop("context", None)
        if context is not None:
            await context.__aexit__(None, None, None)  # type: ignore[attr-defined]

    return app


def serve(settings: Settings, host: str, port: int) -> None:
    app = build_app(settings)
    app.run(host=host, port=port, single_process=True, access_log=False)


__all__ = ["build_app", "serve"]
