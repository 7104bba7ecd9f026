"""Team meetings for managers: thin rasa-sdk wrappers over bot.team.service."""

from __future__ import annotations

from actions.base import Call, CoachAction, Outcome
from bot.team import service
from bot.team.service import Said


def _out(said: Said) -> Outcome:
    out = Outcome()
    if said.document is not None and said.caption:
        out.say(said.text, said.buttons)  # a caption holds only 1024 characters
        out.say(said.caption, document=said.document)
    else:
        out.say(said.text, said.buttons, said.document)
    out.remember.update(said.slots)
    return out


def _text(call: Call) -> str:
    return str(call.arg("team_text") or call.text)


class ActionTeamCards(CoachAction):
    action_name = "action_team_cards"

    async def act(self, call: Call) -> Outcome:
        team = service.team_for(self.services.knowledge)
        theme = call.arg("team_theme")
        if not theme:
            return _out(service.team_cards(team, str(call.arg("team_text") or "")))
        with_pro = bool(call.arg("team_with_professional"))
        return _out(service.theme_questions(team, str(theme), with_pro))


class ActionTeamSubject(CoachAction):
    action_name = "action_team_subject"

    async def act(self, call: Call) -> Outcome:
        team = service.team_for(self.services.knowledge)
        return _out(service.subject_questions(team, _text(call)))


class ActionTeamAgenda(CoachAction):
    action_name = "action_team_agenda"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        minutes = call.arg("team_minutes")
        said = service.make_agenda(
            service.team_for(svc.knowledge),
            int(minutes) if minutes is not None else None,
            call.data.get("team_questions"),
            svc.clock(),
            str(call.arg("team_text") or ""),
        )
        return _out(said)


class ActionTeamSaveAgenda(CoachAction):
    action_name = "action_team_save_agenda"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        uid = call.user_id
        async with svc.transaction() as session:
            said = await service.save_agenda(
                session,
                service.team_for(svc.knowledge),
                uid,
                call.data.get("team_agenda"),
                svc.clock(),
            )
        return _out(said)


class ActionTeamMyAgendas(CoachAction):
    action_name = "action_team_my_agendas"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        uid = call.user_id
        async with svc.transaction() as session:
            return _out(await service.my_agendas(session, uid, call.data.get("team_agenda")))


class ActionTeamNorm(CoachAction):
    action_name = "action_team_norm"

    async def act(self, call: Call) -> Outcome:
        team = service.team_for(self.services.knowledge)
        return _out(service.norm(team, _text(call)))


class ActionTeamInsight(CoachAction):
    action_name = "action_team_insight"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        uid = call.user_id
        async with svc.transaction() as session:
            said = await service.team_insight(session, svc.knowledge, uid, call.role, svc.clock())
        return _out(said)
