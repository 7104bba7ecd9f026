"""First contact, role, help, privacy, and the user's data rights (export, erase)."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.notebook import counted  # issue 16
from actions.runtime import go, idle, say, services, user_id
from bot.core import texts
from bot.core.export import export_markdown
from bot.core.replies import Button, Document
from bot.privacy.statement import privacy_text_for  # issue 14
from bot.storage import repo
from bot.storage.models import User

DomainDict = dict[str, Any]

# issue 16: the erase says what it covers and what it cannot reach
DELETE_CONFIRM_16 = (
    "Weet je het zeker? Ik wis dan al je reflecties, notities, instellingen en voortgang. "
    "Dit kan niet terug."
)
DELETED_16 = (
    "Alles is gewist: ik bewaar niets meer van je. Met /start begin je opnieuw "
    "(een nieuw bericht begint ook opnieuw)."
)
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


class _Reply:
    """Mixed into an action that only says a fixed text (not an Action itself, so rasa-sdk
    does not register it as one without a name)."""

    text = ""
    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, self.text)
        return []


class ActionHelp(_Reply, Action):
    action_name, text = "action_help", texts.HELP


class ActionGreet(_Reply, Action):
    action_name, text = "action_greet", texts.GREET


class ActionGoodbye(_Reply, Action):
    action_name, text = "action_goodbye", texts.GOODBYE


class ActionThanks(_Reply, Action):
    action_name, text = "action_thanks", texts.THANKS


class ActionPrivacy(Action):
    def name(self) -> str:
        return "action_privacy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, privacy_text_for(services()))  # issue 14: what is actually in force
        return []


class ActionWelcome(Action):
    """First contact: what the bot does and keeps, then the role."""

    def name(self) -> str:
        return "action_welcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, texts.WELCOME)
        say(dispatcher, texts.ASK_ROLE, ROLE_BUTTONS)
        return go("await_role")


class ActionSetRole(Action):
    def name(self) -> str:
        return "action_set_role"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        chosen = tracker.get_slot("role")
        if chosen not in texts.ROLE_SET:
            say(dispatcher, texts.ASK_ROLE, ROLE_BUTTONS)
            return go("await_role")
        svc = services()
        async with svc.transaction() as session:
            user = await session.get(User, await user_id(tracker))
            if user is not None:
                user.role = chosen
                asked_new = user.new_in_work is not None
        say(dispatcher, texts.ROLE_SET[chosen])
        if asked_new:
            return idle()
        say(dispatcher, texts.ASK_NEW, [[Button(texts.YES, "new:yes"), Button(texts.NO, "new:no")]])
        return go("await_new")


class ActionSetNewInWork(Action):
    def name(self) -> str:
        return "action_set_new_in_work"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        is_new = bool(tracker.get_slot("new_in_work"))
        svc = services()
        async with svc.transaction() as session:
            user = await session.get(User, await user_id(tracker))
            if user is not None:
                user.new_in_work = is_new
        if is_new:
            say(dispatcher, texts.NEW_YES, [[Button("Start onboarding", "onboarding:start")]])
        else:
            say(dispatcher, texts.NEW_NO)
        return [*idle(), SlotSet("new_in_work", None)]


class ActionExportData(Action):
    """All the user's data as a Markdown file and a JSON file."""

    def name(self) -> str:
        return "action_export_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        async with svc.transaction() as session:
            data = await repo.export_user(session, svc.cipher, await user_id(tracker))
        if data is None:
            say(dispatcher, texts.NO_REFLECTIONS)
            return []
        stamp = svc.clock().astimezone(svc.settings.timezone).strftime("%Y-%m-%d")
        markdown = export_markdown(data, svc.knowledge, svc.settings.timezone)
        say(
            dispatcher,
            # issue 16: how many reflections and notes, and that the file is personal
            texts.EXPORT_READY
            + "\n"
            + texts.EXPORT_COUNTS_16.format(
                counts=counted(len(data["reflections"]), len(data.get("notes", [])))
            ),
            document=Document(f"mijn-gegevens-{stamp}.md", markdown.encode(), "text/markdown"),
        )
        say(
            dispatcher,
            "JSON",
            document=Document(
                f"mijn-gegevens-{stamp}.json",
                json.dumps(data, ensure_ascii=False, indent=2).encode(),
                "application/json",
            ),
        )
        return []


class ActionConfirmDelete(Action):
    def name(self) -> str:
        return "action_confirm_delete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(
            dispatcher,
            DELETE_CONFIRM_16,
            [[Button(texts.DELETE_YES, "delete:yes"), Button(texts.DELETE_NO, "delete:no")]],
        )
        return go("confirm_delete")


class ActionDeleteData(Action):
    """Erase every row of this user, in every table."""

    def name(self) -> str:
        return "action_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        async with svc.transaction() as session:
            uid = await user_id(tracker)
            user = await session.get(User, uid)
            channel = user.channel if user is not None else ""
            await repo.erase_user(session, uid)
        # issue 16: nothing kept any more, /start begins anew, and what lies outside our reach
        say(dispatcher, DELETED_16 + "\n" + OUTSIDE_REACH.get(channel, OUTSIDE_REACH[""]))
        return [*go("erased")]
