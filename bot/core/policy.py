"""The dialogue policy's registry: what every intent, command, button and control word does.

Reading order of one message (issue 12), with the state as context:
  1. control words, typed or pressed alike (`control_word`, data in data/control_words.yml);
  2. what the current state expects (a role, yes/no, a time, a confirmation, a reflection);
  3. requests about the bot's own features, anywhere (`bot.core.requests.READERS`);
  4. the guide (NLU: lessons, topics);
  5. what is none of these (out of scope).
A message that is not a reflection is never stored as one.

`INTENT_ACTIONS` maps every routed intent to the action that serves it; intents handled by the
coach itself (a state change, not an action) are in `COACH_INTENTS`. `tests/core/test_policy.py`
checks that every NLU intent, every Telegram menu command and every button payload is routed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bot.nlu.text import fold
from bot.team.routing import ACTIONS as TEAM_ACTIONS

CONTROL_KINDS = ("yes", "no", "skip", "later", "stop", "undo", "thanks", "bye")
_DATA = Path(__file__).with_name("data") / "control_words.yml"

# intent -> rasa-sdk action name
INTENT_ACTIONS: dict[str, str] = {
    "greet": "action_greet",
    "goodbye": "action_goodbye",
    "thanks": "action_thanks",
    "help": "action_help",
    "my_reflections": "action_list_reflections",
    "export_my_data": "action_export_data",
    "delete_my_data": "action_confirm_delete",
    "privacy_info": "action_privacy",
    "daily_prompt_settings": "action_daily_settings",
    "start_onboarding": "action_start_onboarding",
    "start_reflection": "action_ask_question",
    "start": "action_welcome",
    "notebook": "action_notebook",  # issue 16: list, open, search, add to, delete one; notes
    "about_me": "action_about_me",  # issue 16: "wat weet je van mij?"
    "patterns": "action_patterns",  # issue 16: "zie je een patroon in wat ik schrijf?"
    **TEAM_ACTIONS,  # issue 17: a team meeting (cards by theme, subject, agenda, norms, insight)
    "settings": "action_settings",  # issue 12: /instellingen
    "keep_answers_setting": "action_keep_answers",  # issue 12: bewaar mijn antwoorden altijd
}
# intents the coach serves by a state change of its own
COACH_INTENTS = frozenset({"cancel", "change_role"})
# NLU intents that name the guide, routed by entity (lesson / topic) or to the fallback
GUIDE_INTENTS = frozenset({"ask_lesson", "about_guide", "out_of_scope"})
# button payload kinds ("kind:value") the coach reads; every one has a typed equivalent
BUTTON_KINDS = frozenset(
    {
        "more",
        "topic",
        "lesson",
        "role",
        "new",
        "skip",
        "delete",
        "as",
        "redact",
        "theme",
        "daily",
        "onboarding",
        "rephrase",
        "intent",
        "team",  # issue 17: team:<theme>
        "teampro",  # issue 17: teampro:<theme> (the professionals' cards as well)
        "keep",  # issue 12: keep:yes / keep:no / keep:always, before storing a reflection
        "setting",  # issue 12: setting:keep_on / setting:keep_off (/instellingen)
        "rolecheck",  # issue 12: rolecheck:yes / rolecheck:no, another role revealed
        "nb",  # issue 16: the notebook (nb:more:5, nb:pick:r12, nb:del:n3, nb:del-yes)
    }
)
# typed equivalents of the confirmation buttons, by state (control word kind -> payload)
TYPED_BUTTONS: dict[str, dict[str, str]] = {
    "await_new": {"yes": "new:yes", "no": "new:no"},
    "confirm_redaction": {"yes": "redact:store", "no": "redact:rewrite"},
    "confirm_delete": {"no": "delete:no", "stop": "delete:no"},
    # "later" keeps the question open for later today (bot.core.later), it is not a skip
    "await_reflection": {"skip": "skip:", "no": "skip:"},
    "await_followup": {"skip": "skip:", "no": "skip:"},
    "confirm_store": {"yes": "keep:yes", "no": "keep:no", "skip": "keep:no"},  # issue 12
    "confirm_role": {"yes": "rolecheck:yes", "no": "rolecheck:no"},  # issue 12
    # issue 16: the notebook's delete confirmation (a note with client data: confirm_redaction)
    "nb_confirm_delete": {"yes": "nb:del-yes", "no": "nb:del-no", "stop": "nb:del-no"},
}


def routed(intent: str) -> bool:
    return intent in INTENT_ACTIONS or intent in COACH_INTENTS or intent in GUIDE_INTENTS


@cache
def control_words() -> dict[str, str]:
    """Folded wording -> control kind, from the validated data file."""
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != set(CONTROL_KINDS):
        raise ValueError(f"{_DATA.name}: expected exactly the kinds {CONTROL_KINDS}")
    words: dict[str, str] = {}
    for kind, wordings in raw.items():
        if not isinstance(wordings, list) or not wordings:
            raise ValueError(f"{_DATA.name}: {kind} needs a list of wordings")
        for wording in wordings:
            key = match_key(str(wording))
            if key in words and words[key] != kind:
                raise ValueError(f"{_DATA.name}: {wording!r} is both {words[key]} and {kind}")
            words[key] = str(kind)
    return words


# an emoji's skin tone and presentation selector: "👍🏽" is "👍"
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def match_key(text: str) -> str:
    """A message as control words are matched: folded, trimmed, no end punctuation."""
    text = _EMOJI_MODIFIERS.sub("", text)
    return " ".join(fold(text).replace(",", " ").strip().rstrip("!.? ").split())


# words that turn a short reply into a no: "nee toch niet", "doe maar niet", "liever toch niet"
_NO_WORDS = frozenset({"nee", "neen", "niet", "nope", "nah"})


def short_no(key: str) -> bool:
    """A short reply (at most five words) with a no in it and no yes: the answer to
    'Zal ik het bewaren?' or 'Zonder naam bewaren?' when it is not in the list."""
    words = key.split()
    return (
        0 < len(words) <= 5
        and any(w in _NO_WORDS for w in words)
        and not any(w in ("ja", "jawel", "altijd", "wel") for w in words)
    )


def control_word(text: str) -> str | None:
    """The control kind of a message that is (only) a control word, else None."""
    key = match_key(text)
    if len(key) > 40:
        return None
    return control_words().get(key)


# 'ja, bewaar de versie zonder naam', 'ja bewaar zonder naam': yes plus what to keep
def typed_button(state: str, text: str) -> str | None:
    """The payload a typed message stands for in this state, or None."""
    kind = control_word(text)
    key = match_key(text)
    yes_and = key.startswith(("ja ", "jep ", "oke ", "ok ", "prima "))
    if kind is None and yes_and and state == "confirm_redaction" and "bewaar" in key:
        kind = "yes"
    if state == "confirm_store" and kind is None:  # issue 12
        if "altijd" in key.split() and "niet" not in key.split():
            return "keep:always"
        if yes_and and "bewaar" in key:
            kind = "yes"
    if kind is None and state in ("confirm_store", "confirm_redaction") and short_no(key):
        kind = "no"
    if kind is None and state == "question_or_reflection":
        if key in ("reflectie", "als reflectie", "het is een reflectie", "bewaar als reflectie"):
            return "as:reflection"
        if key in ("vraag", "als vraag", "het is een vraag", "een vraag"):
            return "as:question"
    if kind is None:
        return None
    return TYPED_BUTTONS.get(state, {}).get(kind)
