"""`coach actions`: the same actions served over Rasa's action-server protocol.

This is the only place the Rasa JSON protocol is spoken: rasa-sdk's endpoint hands each call
to `CoachAction.run`, which turns the tracker into a `Call` and the `Outcome` into events.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult
from sanic import Sanic

from bot.core.replies import plain
from bot.services import Services
from bot.settings import Settings


class PlainTextExecutor(ActionExecutor):
    """The actions for a Rasa server, each call one transaction as a turn of our own core is
    (an action's writes land together; on SQLite a second transaction inside it would wait
    for the one connection forever). Rasa's channels get plain text, without the bold
    markers that our own channels render."""

    services: Services | None = None

    async def run(self, *args: Any, **kwargs: Any) -> ActionExecutorRunResult | None:
        if self.services is None:
            raise RuntimeError("the action server has not started")
        async with self.services.turn():
            result = await super().run(*args, **kwargs)
        for response in result.responses if result is not None else []:
            if isinstance(response.get("text"), str):
                response["text"] = plain(response["text"])
        return result


def build_app(settings: Settings, name: str = "coach_actions") -> Sanic:
    """rasa-sdk's Sanic app (/webhook, /health, /actions) with our services bound at start."""
    from bot.wiring import build_executor, services_for

    executor = PlainTextExecutor()
    app = create_app(executor)
    resources: dict[str, object] = {}

    @app.before_server_start
    async def _open(_app: Sanic) -> None:
        context = services_for(settings)
        resources["context"] = context
        services = await context.__aenter__()
        executor.services = services
        build_executor(services, executor)  # the action instances, with their dependencies

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
