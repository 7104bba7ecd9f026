"""First contact, role, help, privacy, and the user's data rights (export, erase)."""

from __future__ import annotations

import json

from actions.base import Call, CoachAction, Outcome
from actions.notebook import counted  # issue 16
from bot.core import keeping, texts
from bot.core.dialogue import State
from bot.core.export import export_json, export_markdown
from bot.core.replies import Button, Document
from bot.privacy.statement import privacy_text_for  # issue 14
from bot.storage import repo
from bot.storage.models import User

# issue 16: the erase says what lies outside its reach
OUTSIDE_REACH = {
    "telegram": (
        "De berichten in deze Telegram-chat zelf kan ik niet wissen: die staan bij Telegram. "
        "Verwijder ze zelf met ‘Chat wissen’ of ‘Geschiedenis wissen’ in Telegram."
    ),
    "web": (
        "Het gesprek in dit browservenster staat alleen in je browser. Sluit het tabblad om "
        "het te wissen."
    ),
    "": "Berichten die je buiten de coach bewaarde (kopieën, exports) kan ik niet wissen.",
}
ROLE_BUTTONS = [
    [Button(texts.ROLE_PROFESSIONAL, "role:professional")],
    [Button(texts.ROLE_MANAGER, "role:manager")],
]


class _Reply(CoachAction):
    """An action that only says a fixed text."""

    text = ""

    async def act(self, call: Call) -> Outcome:
        return Outcome().say(self.text)


class ActionHelp(_Reply):
    action_name, text = "action_help", texts.HELP


class ActionGreet(_Reply):
    action_name, text = "action_greet", texts.GREET


class ActionGoodbye(_Reply):
    action_name, text = "action_goodbye", texts.GOODBYE


class ActionThanks(_Reply):
    action_name, text = "action_thanks", texts.THANKS


class ActionPrivacy(CoachAction):
    action_name = "action_privacy"

    async def act(self, call: Call) -> Outcome:
        return Outcome().say(privacy_text_for(self.services))  # issue 14: what is in force


class ActionWelcome(CoachAction):
    """First contact: what the bot does and keeps, then the role."""

    action_name = "action_welcome"

    async def act(self, call: Call) -> Outcome:
        out = Outcome().say(texts.WELCOME).say(texts.ASK_ROLE, ROLE_BUTTONS)
        return out.then(State.AWAIT_ROLE)


class ActionSetRole(CoachAction):
    """args: role ("professional" or "manager")."""

    action_name = "action_set_role"

    async def act(self, call: Call) -> Outcome:
        chosen = call.arg("role")
        if chosen not in texts.ROLE_SET:
            return Outcome().say(texts.ASK_ROLE, ROLE_BUTTONS).then(State.AWAIT_ROLE)
        asked_new = False
        async with self.services.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is not None:
                user.role = chosen
                asked_new = user.new_in_work is not None
        # issue 12: at role confirmation, what not to write and how to see, export, erase
        out = Outcome(role=chosen).say(f"{texts.ROLE_SET[chosen]}\n{keeping.AT_ROLE_SET}")
        if asked_new:
            return out.done()
        out.say(texts.ASK_NEW, [[Button(texts.YES, "new:yes"), Button(texts.NO, "new:no")]])
        return out.then(State.AWAIT_NEW)


class ActionSetNewInWork(CoachAction):
    """args: new_in_work (bool)."""

    action_name = "action_set_new_in_work"

    async def act(self, call: Call) -> Outcome:
        is_new = bool(call.arg("new_in_work"))
        async with self.services.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is not None:
                user.new_in_work = is_new
        out = Outcome()
        if is_new:
            out.say(texts.NEW_YES, [[Button("Start onboarding", "onboarding:start")]])
        else:
            out.say(texts.NEW_NO)
        return out.done()


class ActionExportData(CoachAction):
    """All the user's data as a Markdown file and a JSON file."""

    action_name = "action_export_data"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            data = await repo.export_user(session, svc.cipher, call.user_id)
        if data is None:
            return Outcome().say(texts.NO_REFLECTIONS)
        stamp = svc.clock().astimezone(svc.settings.timezone).strftime("%Y-%m-%d")
        markdown = export_markdown(data, svc.knowledge, svc.settings.timezone)
        out = Outcome().say(
            # issue 16: how many reflections and notes, and that the file is personal
            texts.EXPORT_READY
            + "\n"
            + texts.EXPORT_COUNTS_16.format(
                counts=counted(len(data["reflections"]), len(data.get("notes", [])))
            ),
            document=Document(f"mijn-gegevens-{stamp}.md", markdown.encode(), "text/markdown"),
        )
        return out.say(
            "JSON",
            document=Document(
                f"mijn-gegevens-{stamp}.json",
                json.dumps(
                    export_json(data, svc.knowledge, svc.settings.timezone),
                    ensure_ascii=False,
                    indent=2,
                ).encode(),
                "application/json",
            ),
        )


class ActionConfirmDelete(CoachAction):
    action_name = "action_confirm_delete"

    async def act(self, call: Call) -> Outcome:
        return (
            Outcome()
            .say(
                texts.DELETE_CONFIRM,
                [[Button(texts.DELETE_YES, "delete:yes"), Button(texts.DELETE_NO, "delete:no")]],
            )
            .then(State.CONFIRM_DELETE)
        )


class ActionDeleteData(CoachAction):
    """Erase every row of this user, in every table."""

    action_name = "action_delete_data"

    async def act(self, call: Call) -> Outcome:
        async with self.services.transaction() as session:
            user = await session.get(User, call.user_id)
            channel = user.channel if user is not None else ""
            await repo.erase_user(session, call.user_id)
        # issue 16: nothing kept any more, /start begins anew, and what lies outside our reach
        said = texts.DELETED + "\n" + OUTSIDE_REACH.get(channel, OUTSIDE_REACH[""])
        return Outcome().say(said).then(State.ERASED)
