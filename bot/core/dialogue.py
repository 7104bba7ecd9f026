"""Named dialogue states and the small, explicit rules that read a message in each state."""

from __future__ import annotations

from enum import StrEnum

from bot.nlu import Parse
from bot.nlu.engine import ABOUT, LESSON, META_INTENTS, OUT_OF_SCOPE


class State(StrEnum):
    IDLE = "idle"
    AWAIT_ROLE = "await_role"
    AWAIT_NEW = "await_new"
    AWAIT_REFLECTION = "await_reflection"
    AWAIT_FOLLOWUP = "await_followup"
    CONFIRM_REDACTION = "confirm_redaction"
    QUESTION_OR_REFLECTION = "question_or_reflection"
    CONFIRM_DELETE = "confirm_delete"
    AWAIT_SCHEDULE = "await_schedule"
    CONFIRM_STORE = "confirm_store"  # issue 12: keep this reflection?
    CONFIRM_ROLE = "confirm_role"  # issue 12: a message revealed another role than stored
    NB_CHOOSE = "nb_choose"  # issue 16: several notebook entries matched: which one?
    NB_CONFIRM_DELETE = "nb_confirm_delete"  # issue 16: delete this one entry?
    ERASED = "erased"


# Slots that belong to one flow (a question, a reflection, a pending choice): cleared on leaving it.
FLOW_SLOTS = (
    "lesson_id",
    "question_id",
    "prompt",
    "reflection_id",
    "pending_text",
    "pending_kinds",
    "pending_role",  # issue 12: the role a message revealed, until the user answers the check
    "return_state",
    "source",
    "theme",
    "pending_note",  # issue 16: the pending text is a note, an addition or a correction
    "nb_pending",  # issue 16: what a notebook choice or confirmation waits to do
    "nb_choice",  # issue 16: the entries (keys) of a notebook choice
)
REFLECTING = (State.AWAIT_REFLECTION, State.AWAIT_FOLLOWUP)
CANCEL_WORDS = {
    "stop",
    "stoppen",
    "annuleer",
    "annuleren",
    "cancel",
    "/annuleer",
    "/stop",
    "/cancel",
    "laat maar",
    "afbreken",
}
SKIP_WORDS = {
    "sla over",
    "overslaan",
    "skip",
    "/skip",
    "volgende",
    "sla maar over",
    "geen antwoord",
    "sla deze over",
}
YES_WORDS = {"ja", "jazeker", "ja graag", "graag", "yes", "ok", "oké", "oke", "zeker", "klopt"}
NO_WORDS = {"nee", "nee dank je", "no", "liever niet", "nope", "niet"}
QUESTION_WORDS = {
    "hoe",
    "wat",
    "wie",
    "waar",
    "wanneer",
    "welke",
    "welk",
    "waarom",
    "kan",
    "kun",
    "kunnen",
    "mag",
    "moet",
    "heb",
    "is",
    "zijn",
    "wil",
    "tips",
}
ROLE_WORDS = {
    "professional": (
        "klantmanager",
        "begeleider",
        "jobcoach",
        "consulent",
        "professional",
        "re-integratie",
        "reintegratie",
        "trajectbegeleider",
        "uitvoer",
    ),
    "manager": (
        "leidinggevende",
        "manager",
        "beleid",
        "teamleider",
        "coordinator",
        "coördinator",
        "afdelingshoofd",
    ),
}
COMMANDS = {
    "/start": "start",
    "/help": "help",
    "/hulp": "help",
    "/reflectie": "start_reflection",
    "/mijnreflecties": "my_reflections",
    "/dagelijks": "daily_prompt_settings",
    "/onboarding": "start_onboarding",
    "/export": "export_my_data",
    "/vergeet": "delete_my_data",
    "/privacy": "privacy_info",
    "/annuleer": "cancel",
    "/stop": "cancel",
    "/rol": "change_role",
    "/teamoverleg": "team_cards",  # issue 17:
    "/instellingen": "settings",  # issue 12
}
CASUAL = {"greet", "thanks", "goodbye"}


def normalised(text: str) -> str:
    return text.strip().lower().rstrip("!.? ")


def role_from_text(text: str) -> str | None:
    low = text.lower()
    if "km" in low.replace(",", " ").replace(".", " ").split():  # issue 12: "km" = klantmanager
        return "professional"
    for role, words in ROLE_WORDS.items():
        if any(w in low for w in words):
            return role
    return None


def read_answer(text: str, parse: Parse, reject_below: float) -> str:
    """Is a message typed during a reflection an answer, a new question, or unclear?

    Returns "reflection", "question" or "ambiguous". A short message the NLU reads with
    confidence as a command or a lesson question is a question; a question mark on a
    longer text, or a question word without one, is unclear and the user is asked.
    """
    words = text.split()
    first = words[0].lower().strip(",.:") if words else ""
    qmark = text.rstrip().endswith("?")
    if parse.intent in META_INTENTS:
        if parse.confidence >= 0.8 and len(words) <= (4 if parse.intent in CASUAL else 8):
            return "question"
        return "ambiguous" if qmark else "reflection"
    in_guide = parse.intent in (LESSON, ABOUT) and parse.confidence >= reject_below
    if qmark and in_guide and len(words) <= 12:
        return "question"
    # a short question the NLU places, with its kind, outside the guide (income, the bot's own
    # place, ...) is answered with its referral, as a lesson question is (issue 12)
    if qmark and parse.intent == OUT_OF_SCOPE and parse.kind and len(words) <= 12:
        return "question"
    if qmark and len(words) <= 30:
        return "ambiguous"
    if first in QUESTION_WORDS and in_guide and len(words) <= 10:
        return "ambiguous"
    return "reflection"
