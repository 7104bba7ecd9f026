"""issue 12: /instellingen and 'bewaar mijn antwoorden altijd' (users.keep_answers)."""

from __future__ import annotations

from actions.base import Call, CoachAction, Outcome
from bot.core import keeping, schedule
from bot.core.replies import Button
from bot.storage.models import User


class ActionKeepAnswers(CoachAction):
    """Keep reflections without asking first, or ask again. args: on (bool)."""

    action_name = "action_keep_answers"

    async def act(self, call: Call) -> Outcome:
        on = bool(call.arg("on", False))
        async with self.services.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is not None:
                user.keep_answers = on
        return Outcome().say(keeping.KEEP_ON if on else keeping.KEEP_OFF)


class ActionSettings(CoachAction):
    """What is set: role, keeping answers, the daily question; buttons to change them."""

    action_name = "action_settings"

    async def act(self, call: Call) -> Outcome:
        async with self.services.transaction() as session:
            user = await session.get(User, call.user_id)
            row = await schedule.get(session, call.user_id)
        keep = bool(user and user.keep_answers)
        role = keeping.ROLE_NAMES.get((user.role if user else None) or "", "nog niet gekozen")
        toggle = (
            Button(keeping.TURN_OFF, "setting:keep_off")
            if keep
            else Button(keeping.TURN_ON, "setting:keep_on")
        )
        return Outcome().say(
            keeping.SETTINGS.format(
                role=role,
                keep=keeping.KEEP_ON_SHORT if keep else keeping.KEEP_OFF_SHORT,
                daily=schedule.describe_row(row),
            ),
            [
                [toggle],
                [Button(keeping.CHANGE_ROLE, "intent:change_role")],
                [Button(keeping.CHANGE_TIME, "intent:daily_prompt_settings")],
            ],
        )
