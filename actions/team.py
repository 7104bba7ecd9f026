"""Team meetings for managers: thin rasa-sdk wrappers over bot.team.service."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import say, services, user_id
from bot.team import service
from bot.team.service import Said

DomainDict = dict[str, Any]


def _out(dispatcher: CollectingDispatcher, said: Said) -> list[dict[str, Any]]:
    if said.document is not None and said.caption:
        say(dispatcher, said.text, said.buttons)  # a caption holds only 1024 characters
        say(dispatcher, said.caption, document=said.document)
    else:
        say(dispatcher, said.text, said.buttons, said.document)
    return [SlotSet(k, v) for k, v in said.slots.items()]


def _text(tracker: Tracker) -> str:
    return str(tracker.get_slot("team_text") or tracker.latest_message.get("text") or "")


class ActionTeamCards(Action):
    def name(self) -> str:
        return "action_team_cards"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        team = service.team_for(services().knowledge)
        theme = tracker.get_slot("team_theme")
        if not theme:
            return _out(dispatcher, service.choose_theme(team))
        with_pro = bool(tracker.get_slot("team_with_professional"))
        return _out(dispatcher, service.theme_questions(team, str(theme), with_pro))


class ActionTeamSubject(Action):
    def name(self) -> str:
        return "action_team_subject"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        team = service.team_for(services().knowledge)
        return _out(dispatcher, service.subject_questions(team, _text(tracker)))


class ActionTeamAgenda(Action):
    def name(self) -> str:
        return "action_team_agenda"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        minutes = tracker.get_slot("team_minutes")
        said = service.make_agenda(
            service.team_for(svc.knowledge),
            int(minutes) if minutes is not None else None,
            tracker.get_slot("team_questions"),
            svc.clock(),
        )
        return _out(dispatcher, said)


class ActionTeamSaveAgenda(Action):
    def name(self) -> str:
        return "action_team_save_agenda"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        async with svc.transaction() as session:
            said = await service.save_agenda(
                session,
                service.team_for(svc.knowledge),
                uid,
                tracker.get_slot("team_agenda"),
                svc.clock(),
            )
        return _out(dispatcher, said)


class ActionTeamMyAgendas(Action):
    def name(self) -> str:
        return "action_team_my_agendas"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        async with svc.transaction() as session:
            return _out(dispatcher, await service.my_agendas(session, uid))


class ActionTeamNorm(Action):
    def name(self) -> str:
        return "action_team_norm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        team = service.team_for(services().knowledge)
        return _out(dispatcher, service.norm(team, _text(tracker)))


class ActionTeamInsight(Action):
    def name(self) -> str:
        return "action_team_insight"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        async with svc.transaction() as session:
            said = await service.team_insight(
                session, svc.knowledge, uid, tracker.get_slot("role"), svc.clock()
            )
        return _out(dispatcher, said)
