"""Requests about the bot's own features, recognised anywhere in a conversation.

A *request reader* is a pure function `(text) -> Request | None`. The dialogue policy
(`bot.core.policy`) consults every reader in `READERS` at step 3 of its reading order, after
control words and what the current state expects, before the guide. To add a feature: write a
reader in your own module, add it to `READERS`, and map its intent to an action in
`bot.core.policy.INTENT_ACTIONS`; `tests/core/test_policy.py` checks every intent is routed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.nlu.text import fold


@dataclass(frozen=True)
class Request:
    intent: str
    args: dict[str, Any] = field(default_factory=dict)


Reader = Callable[[str], "Request | None"]


def _reader(intent: str, pattern: str) -> Reader:
    compiled = re.compile(pattern)

    def read(text: str) -> Request | None:
        return Request(intent) if compiled.search(fold(text)) else None

    read.__name__ = f"read_{intent}"
    return read


# Short, explicit wordings only: a long message that merely mentions "notities" is a
# reflection or a question for the guide, not a request.
_ASK = r"^(?:(?:kun|kan|wil) (?:je|jij) (?:me |mij )?|ik wil (?:graag )?|graag |laat (?:me|mij) )?"
read_daily_settings = _reader(
    "daily_prompt_settings",
    _ASK + r"(?:(?:de |mijn |het )?(?:dagelijkse|dagelijks)\w* (?:vraag|tijd|moment)\w*"
    r"|(?:de |een )?(?:andere|ander) tijd(?:stip)?|(?:de )?tijd (?:aan)?passen|"
    r"(?:de )?(?:vraag|herinnering) (?:later|eerder|om \d))",
)
read_my_reflections = _reader(
    "my_reflections",
    _ASK + r"(?:(?:mijn|m'n) (?:notities|reflecties|antwoorden|aantekeningen)"
    r"(?: (?:zien|bekijken|teruglezen|lezen))?|(?:wat heb ik|wat ik heb) (?:opgeschreven|bewaard|"
    r"geschreven))\W*$",
)
read_export = _reader(
    "export_my_data",
    _ASK + r"(?:(?:mijn|m'n|al mijn) (?:gegevens|data) (?:downloaden|exporteren|hebben)|"
    r"export(?:eer|eren)?(?: mijn (?:gegevens|data|reflecties))?)\W*$",
)
read_privacy = _reader(
    "privacy_info",
    r"^(?:wat (?:bewaar|sla|onthoud) (?:je|jij)(?: van mij| op| over mij)?|"
    r"(?:hoe zit het met )?(?:de |mijn )?privacy|wie kan (?:mijn|m'n) (?:reflecties|antwoorden|"
    r"notities) (?:zien|lezen))\W*$",
)
read_role = _reader(
    "change_role",
    r"^(?:(?:ik wil )?(?:mijn |m'n )?rol (?:wijzigen|aanpassen|veranderen)|andere rol|"
    r"(?:rol|mijn rol) (?:is )?(?:fout|verkeerd))\W*$",
)
read_help = _reader(
    "help",
    r"^(?:help|hulp|wat kan (?:je|jij|de coach)(?: allemaal)?(?: doen)?|"
    r"wat (?:doe|ben) (?:je|jij)|hoe werk(?:t)? (?:je|jij|dit|deze bot))\W*$",
)


# issue 16: the notebook's readers live in bot.core.notebook (imported when first used: it
# reads dates with bot.core.schedule_text, which imports this module)
def read_notebook(text: str) -> Request | None:
    from bot.core import notebook

    return notebook.read_request(text)


def read_about_me(text: str) -> Request | None:
    from bot.core import notebook

    return notebook.read_about_me(text)


def read_patterns(text: str) -> Request | None:
    from bot.core import notebook

    return notebook.read_patterns(text)


from bot.core.keeping import read_keep_setting  # noqa: E402  (issue 12; it uses Request)

READERS: tuple[Reader, ...] = (
    read_keep_setting,
    # issue 16: the notebook, "wat weet je van mij?" and patterns, before the shorter readers
    read_notebook,
    read_about_me,
    read_patterns,
    read_daily_settings,
    read_my_reflections,
    read_export,
    read_privacy,
    read_role,
    read_help,
)


def read_request(text: str, readers: tuple[Reader, ...] = READERS) -> Request | None:
    """The first request any reader recognises in the text, or None."""
    for reader in readers:
        found = reader(text)
        if found is not None:
            return found
    return None
