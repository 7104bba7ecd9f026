"""Everything is built here, once: settings → database → knowledge → NLU → actions → coach."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from rasa_sdk.executor import ActionExecutor
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import CoachAction
from bot.clock import Clock, utcnow
from bot.core.coach import Coach
from bot.knowledge import Knowledge, load_knowledge
from bot.nlu import NLU
from bot.nlu.engine import build_nlu
from bot.privacy.guard import ClientDataGuard, preload
from bot.privacy.lists import keep_vocabulary_in
from bot.services import Services
from bot.settings import Settings
from bot.storage.crypto import TextCipher, resolve_keys
from bot.storage.db import make_engine, session_factory, upgrade

log = logging.getLogger(__name__)


def action_classes() -> list[type[CoachAction]]:
    """Every action class of the `actions` package (the ones with a name)."""
    import importlib
    import pkgutil

    import actions

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    found: list[type[CoachAction]] = []
    todo = list(CoachAction.__subclasses__())
    while todo:
        cls = todo.pop(0)
        todo += cls.__subclasses__()
        if cls.action_name and cls.__module__.startswith("actions."):
            found.append(cls)
    return sorted(found, key=lambda c: c.action_name)


def action_names() -> list[str]:
    return [cls.action_name for cls in action_classes()]


def build_actions(services: Services) -> list[CoachAction]:
    """Every action, constructed with its dependencies."""
    return [cls(services) for cls in action_classes()]


def build_executor(services: Services, executor: ActionExecutor | None = None) -> ActionExecutor:
    """rasa-sdk's executor with our action instances registered."""
    executor = executor or ActionExecutor()
    for action in build_actions(services):
        executor.register_action(action)
    return executor


def make_guard(settings: Settings, clock: Clock) -> ClientDataGuard:
    """Names by title words and a first-name list; deduce only when asked for.

    deduce costs about 12 s to load and 1.1 GB of memory and adds little over the word
    lists (bench/privacy_detection.py --eval [--deduce]), so it is opt-in:
    COACH_NAME_DETECTION=deduce.
    """
    keep_vocabulary_in(settings.model_dir)  # the Dutch words' trie, read at the next start
    guard = ClientDataGuard(use_deduce=settings.coach_name_detection == "deduce", clock=clock)
    if settings.coach_name_detection == "deduce":
        preload(use_deduce=True)
    return guard


def _keep_agendas_as_notes(services: Services) -> None:
    """A team meeting's agenda (issue 17) is kept as a note in the notebook (issue 16)."""
    from bot.storage import repo
    from bot.team import notes
    from bot.team.texts import AGENDA_TITLE

    async def store(session: AsyncSession, user_id: int, title: str, markdown: str) -> None:
        await repo.add_note(
            session, services.cipher, user_id, f"{title}\n\n{markdown}", services.clock()
        )

    async def listing(session: AsyncSession, user_id: int) -> list[str]:
        texts = await repo.note_texts(session, services.cipher, user_id)
        return [t.split("\n", 1)[0] for t in texts if t.startswith(AGENDA_TITLE.split("(")[0])]

    notes.use_note_store(store, listing)


@asynccontextmanager
async def services_for(
    settings: Settings,
    clock: Clock = utcnow,
    migrate: bool = True,
    knowledge: Knowledge | None = None,
) -> AsyncIterator[Services]:
    """Open the database (migrated) and load the knowledge; close on exit."""
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            await upgrade(engine)
        services = Services(
            settings=settings,
            knowledge=knowledge or load_knowledge(settings.coach_knowledge_dir),
            engine=engine,
            sessions=session_factory(engine),
            cipher=TextCipher(
                resolve_keys(
                    settings.coach_encryption_key, settings.coach_data_dir, settings.coach_env
                )
            ),  # issue 14
            clock=clock,
            guard=make_guard(settings, clock),
        )
        _keep_agendas_as_notes(services)
        yield services
    finally:
        await engine.dispose()


@asynccontextmanager
async def coach_for(
    settings: Settings, clock: Clock = utcnow, nlu: NLU | None = None, lazy_nlu: bool = False
) -> AsyncIterator[Coach]:
    """The wired core; with `lazy_nlu` the model loads only when a message needs it."""
    async with services_for(settings, clock) as services:
        load = partial(build_nlu, settings, services.knowledge)
        chosen: NLU | Callable[[], NLU] = nlu if nlu is not None else load if lazy_nlu else load()
        coach = Coach(services, chosen, build_executor(services))
        services.nlu = lambda: coach.nlu  # issue 16: patterns read stored texts with it
        yield coach
