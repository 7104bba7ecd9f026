"""Named dialogue states and the small, explicit rules that read a message in each state."""

from __future__ import annotations

import re
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
        "werkcoach",
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
    "/team": "team_cards",  # an alias of /teamoverleg (not in the Telegram menu)
    "/instellingen": "settings",  # issue 12
}
CASUAL = {"greet", "thanks", "goodbye"}
# issue 12: a question the user puts to themselves about what they did, in the first person
# and in the past or conditional ("had ik eerder moeten doorvragen?", "zou ik meer ruimte
# moeten geven?", "was het beter geweest als ik ..."), answers a reflection question; it is
# no new question for the guide. Present-tense questions ("hoe bespreek ik ...", "is het beter
# om ...", "hoe zou ik ...") and polite ones ("zou ik tips kunnen krijgen ...") stay questions.
_FILLER = r"(?:(?:misschien|eigenlijk|achteraf(?: gezien)?|maar|en|of|nou|tja|hm+|ja|dus)[,\s]+)*"
SELF_QUESTION = re.compile(
    r"^" + _FILLER + r"(?:"
    r"(?:(?:wat|hoe|waarom|wanneer)\s+)?(?:had|hadden)\s+(?:ik|we|wij)\b"
    r"|(?:zou|zouden)\s+(?:ik|we|wij)\b.*\b(?:moeten|beter|anders|eerder)\b"
    r"|was\s+het\s+(?:niet\s+)?(?:beter|slim|slimmer|verstandig|verstandiger|handig|handiger|"
    r"goed|wel|te|fout|een\s+fout|verkeerd|dom|nodig|terecht|wijs)\b"
    r"|(?:heb|hebben)\s+(?:ik|we|wij)\s+(?:misschien\s+|toen\s+|daar\s+)?"
    r"(?:het|dat|hem|haar|iets|te|genoeg|wel|niet|goed|verkeerd|fout)\b"
    r"|(?:ben|zijn)\s+(?:ik|we|wij)\s+(?:misschien\s+|toen\s+)?(?:te|niet)\b"
    r"|waarom\s+(?:heb|had|deed|zei|ben|was)\s+ik\b"
    r"|deed\s+ik\b"
    r")",
    re.IGNORECASE,
)


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


def is_self_question(text: str) -> bool:
    """Is the question (the sentence that ends the message) one the user asks themselves about
    what they did, in the past or conditional: "had ik eerder moeten doorvragen?"."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?;])\s+", text.strip()) if s.strip()]
    return any(SELF_QUESTION.match(s) for s in (text.strip(), *sentences[-1:]))


def read_answer(text: str, parse: Parse, reject_below: float) -> str:
    """Is a message typed during a reflection an answer, a new question, or unclear?

    Returns "reflection", "question" or "ambiguous". A question the user asks themselves
    about what they did ("had ik ... moeten?", `is_self_question`) is a reflection. A short
    message the NLU reads with confidence as a command or a lesson question is a question; a
    question mark on a longer text, or a question word without one, is unclear and the user
    is asked.
    """
    words = text.split()
    first = words[0].lower().strip(",.:") if words else ""
    qmark = text.rstrip().endswith("?")
    if qmark and is_self_question(text):
        return "reflection"
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
