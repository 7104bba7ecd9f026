"""The request reader for team meetings: pure, from the typed text only."""

from __future__ import annotations

import re

from bot.core.requests import Request
from bot.team.agenda import minutes_in

TEAM_CARDS = "team_cards"
TEAM_SUBJECT = "team_subject"
TEAM_AGENDA = "team_agenda"
TEAM_SAVE_AGENDA = "team_save_agenda"
TEAM_MY_AGENDAS = "team_my_agendas"
TEAM_NORM = "team_norm"
TEAM_INSIGHT = "team_insight"
INTENTS = (
    TEAM_CARDS,
    TEAM_SUBJECT,
    TEAM_AGENDA,
    TEAM_SAVE_AGENDA,
    TEAM_MY_AGENDAS,
    TEAM_NORM,
    TEAM_INSIGHT,
)

# A meeting of the team, in many wordings: 'teamoverleg', 'bespreking met mijn team',
# 'welke vragen kan ik mijn team stellen'. A subject named with it ('over gezondheid') is read
# by the service from knowledge/team.yaml, not here.
_CARDS = re.compile(
    r"welke vragen (kan|moet|zal|wil) ik\b[^.?!]*\b(stellen|bespreken|meenemen|voorleggen)"
    r"|wat kan ik met (mijn|het|ons) team bespreken"
    r"|\bmet (mijn|het|ons) team (bespreken|over)\b"
    r"|(vragen|onderwerpen) voor (het|mijn|ons|een) (team|teamoverleg|overleg)"
    r"|\b(bespreking|overleg|vergadering|meeting|bijeenkomst|sessie)"
    r" (met|voor|van|in|binnen) (het|mijn|ons|onze|een|de) team\b"
    r"|\bteam(overleg|vergadering|bespreking|meeting|bijeenkomst|sessie|dag|middag|ochtend)"
    r"|werkoverleg"
)
_SUBJECT = re.compile(r"\b(vooral|graag|liefst|alleen|meer) over\b|\bover het onderwerp\b")
_AGENDA = re.compile(r"\bagenda\b")
_SAVE = re.compile(r"\b(bewaar|sla|opslaan|bewaren)\b.*\bagenda\b")
_MINE = re.compile(r"\bmijn agenda'?s\b|\bbewaarde agenda")
_INSIGHT = re.compile(
    r"waar worstel(t|en) (mijn|ons|het) team|team-?inzicht"
    r"|waar (vraagt|vragen) (mijn|ons) (team|collega'?s)"
)
_MANAGER_NORM = re.compile(
    r"\b(klanten|statushouders|cliënten|clienten|dossiers|caseload|begeleider|begeleiders"
    r"|nazorg|intake|uur|uren|budget|kosten|kost|maanden|weken|maand|jaar|traject|trajecten"
    r"|gesprekken|contactmomenten|jobcoach|klantmanager|taalles|uitstroom|assessment)\b"
)
_NORM = re.compile(
    r"\b(hoeveel|norm|normen|maximaal|maximale|maximum|minimaal|minimale|minimum|bedrag|euro"
    r"|termijn|deadline|wet|verplicht"
    r"|wettelijke?|streefcijfer|percentage|procent)\b|hoe lang (mag|moet|duurt)"
    r"|hoe vaak (mag|moet)|binnen hoeveel"
)


def read_request(text: str) -> Request | None:
    """A team-meeting request typed anywhere in the conversation, or None."""
    low = text.lower().strip()
    if _MINE.search(low):
        return Request(TEAM_MY_AGENDAS)
    if _SAVE.search(low):
        return Request(TEAM_SAVE_AGENDA)
    if _AGENDA.search(low):
        return Request(TEAM_AGENDA, {"minutes": minutes_in(low), "text": text})
    if _INSIGHT.search(low):
        return Request(TEAM_INSIGHT)
    if _NORM.search(low) and _MANAGER_NORM.search(low):
        return Request(TEAM_NORM, {"text": text})
    if _SUBJECT.search(low):
        return Request(TEAM_SUBJECT, {"text": text})
    if _CARDS.search(low):
        return Request(TEAM_CARDS, {"text": text})
    return None
