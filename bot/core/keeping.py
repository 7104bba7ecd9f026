"""issue 12: a reflection is kept only when the user says so, or has chosen to keep them all.

Before storing a reflection the bot shows the text it would keep and asks once (typed 'ja' /
'nee' or a button), unless the user chose "bewaar mijn antwoorden altijd" (`users.keep_answers`,
default off), changeable in words anywhere (`read_keep_setting`, a request reader) and in
/instellingen.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.nlu.text import fold

if TYPE_CHECKING:
    from bot.core.requests import Request

CONFIRM_STORE = (
    "Zo bewaar ik je antwoord, alleen voor jou:\n\n{text}\n\nZal ik het bewaren? Typ ‘ja’ of ‘nee’."
)
KEEP_YES = "Ja, bewaar"
KEEP_NO = "Nee, niet bewaren"
KEEP_ALWAYS = "Altijd bewaren zonder te vragen"
NOT_KEPT = "Oké, ik heb niets bewaard. Stel gerust een nieuwe vraag."
KEEP_ON = (
    "Vanaf nu bewaar ik je antwoorden meteen, zonder het eerst te vragen. "
    "Terugzetten: typ ‘vraag eerst voor je bewaart’ of kijk bij /instellingen."
)
KEEP_OFF = (
    "Vanaf nu laat ik je eerst zien wat ik bewaar, en vraag ik of het mag. "
    "Wil je dat niet? Typ ‘bewaar mijn antwoorden altijd’ of kijk bij /instellingen."
)
SETTINGS = (
    "Je instellingen:\n"
    "• Rol: {role}\n"
    "• Antwoorden bewaren: {keep}\n"
    "• Dagelijkse vraag: {daily}\n"
    "Wijzigen kan met de knoppen, of typ het gewoon, bijvoorbeeld ‘bewaar mijn antwoorden "
    "altijd’ of ‘om 9 uur’."
)
KEEP_ON_SHORT = "meteen, zonder te vragen"
KEEP_OFF_SHORT = "eerst vragen (standaard)"
ROLE_NAMES = {"professional": "klantmanager / begeleider", "manager": "leidinggevende / beleid"}
TURN_ON = "Altijd bewaren, niet meer vragen"
TURN_OFF = "Eerst vragen voor het bewaren"
CHANGE_ROLE = "Rol wijzigen"
CHANGE_TIME = "Dagelijkse vraag instellen"

KEEP_SETTING = "keep_answers_setting"
_ANSWERS = r"(?:mijn |m'n |je |de )?(?:antwoorden|reflecties|antwoord|reflectie)"
_ON = re.compile(
    r"^(?:(?:je mag |graag |wil je )?(?:bewaar|sla) " + _ANSWERS + r" (?:altijd|voortaan|"
    r"gewoon)(?: meteen| op)?|(?:altijd|voortaan|meteen) (?:bewaren|opslaan)|"
    r"(?:je hoeft |)niet (?:meer |steeds |telkens )?(?:te )?vragen (?:of|voor|voordat) "
    r"(?:je|ik) (?:het )?(?:bewaar|bewaart|opslaat))\W*$"
)
_OFF = re.compile(
    r"^(?:(?:eerst )?vraag (?:het )?(?:eerst |weer )*(?:voor|voordat|of) (?:je|jij) "
    r"(?:het |iets )?(?:bewaart|bewaar|opslaat)|(?:bewaar|sla) "
    + _ANSWERS
    + r" niet (?:meer )?(?:meteen|automatisch|zomaar)(?: op)?|niet (?:meer )?(?:automatisch|"
    r"meteen) (?:bewaren|opslaan))\W*$"
)


def read_keep_setting(text: str) -> Request | None:
    """'bewaar mijn antwoorden altijd' → on; 'vraag eerst voor je bewaart' → off."""
    from bot.core.requests import Request  # requests.READERS holds this reader

    folded = " ".join(fold(text).split())
    if _ON.match(folded):
        return Request(KEEP_SETTING, {"on": True})
    if _OFF.match(folded):
        return Request(KEEP_SETTING, {"on": False})
    return None


# -- first contact and role (issue 12, item 6) ---------------------------------------------------
AT_ROLE_SET = (
    "Schrijf in je antwoorden geen namen of andere gegevens van klanten. "
    "Je bewaarde antwoorden zie je met /mijnreflecties, downloaden kan met /export "
    "en wissen met /vergeet."
)
ROLE_CHECK = (
    "Je staat bij mij als {stored}. Je schrijft als {revealed}: zal ik je rol aanpassen? "
    "Dan krijg je de vragen die daarbij passen."
)
ROLE_CHECK_YES = "Ja, pas mijn rol aan"
ROLE_CHECK_NO = "Nee, laat zo"
_MANAGER = (
    r"teamleider|leidinggevende|manager|beleidsmedewerker|beleidsmaker|coordinator|"
    r"afdelingshoofd|teamcoach|unitmanager"
)
_PROFESSIONAL = (
    r"klantmanager|km|jobcoach|consulent|consulent werk|begeleider|trajectbegeleider|werkcoach|"
    r"casemanager|re-integratieconsulent"
)
_AS = r"\b(?:ik ben|ik werk als|als|in mijn rol als|vanuit mijn rol als)\s+(?:een\s+)?"
_REVEALS = (
    ("manager", re.compile(_AS + r"(?:" + _MANAGER + r")\b")),
    ("professional", re.compile(_AS + r"(?:" + _PROFESSIONAL + r")\b")),
)


def revealed_role(text: str) -> str | None:
    """The role a message says its writer has ('als teamleider wil ik…'), or None."""
    folded = " ".join(fold(text).split())
    return next((role for role, pattern in _REVEALS if pattern.search(folded)), None)
