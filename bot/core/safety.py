"""Signals of acute danger in a message, so the bot can point to 112 and 113 once."""

from __future__ import annotations

import re

from bot.nlu.text import fold

_DANGER = re.compile(
    r"\b(zelfmoord|suicid\w*|zelfdoding|113|"
    r"(wil|wilt|willen) niet meer leven|niet meer (wil|wilt|willen )?\s?leven|"
    r"(een )?eind(e)? aan (zijn|haar|mijn|z'n|m'n) leven|"
    r"(zichzelf|mezelf|zich) (iets )?(aan ?doen|van kant maken|ophangen)|"
    r"van kant (te )?maken|overdosis|"
    r"(dreigt|dreigde|bedreigd|bedreigt)\b.{0,40}\b(mes|vermoorden|doodmaken|dood te maken|geweld)|"
    r"(slaat|sloeg|mishandelt|mishandeld)\b.{0,30}\b(kind|kinderen|vrouw|man|partner))\b"
)


def suggests_danger(text: str) -> bool:
    return bool(_DANGER.search(fold(text)))
