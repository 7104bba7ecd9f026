"""Which action runs for a team request, with the slots it reads (until #12's policy table)."""

from __future__ import annotations

from typing import Any

from bot.core.requests import Request
from bot.team import reader

ACTIONS = {
    reader.TEAM_CARDS: "action_team_cards",
    reader.TEAM_SUBJECT: "action_team_subject",
    reader.TEAM_AGENDA: "action_team_agenda",
    reader.TEAM_SAVE_AGENDA: "action_team_save_agenda",
    reader.TEAM_MY_AGENDAS: "action_team_my_agendas",
    reader.TEAM_NORM: "action_team_norm",
    reader.TEAM_INSIGHT: "action_team_insight",
}


def action_for(request: Request) -> tuple[str, dict[str, Any]]:
    args = request.args
    slots: dict[str, Any] = {"team_text": args.get("text")}
    if request.intent == reader.TEAM_AGENDA:
        slots["team_minutes"] = args.get("minutes")
    if request.intent == reader.TEAM_CARDS:
        slots["team_theme"] = args.get("theme")
        slots["team_with_professional"] = bool(args.get("with_professional"))
    return ACTIONS[request.intent], slots


def from_button(kind: str, value: str) -> Request | None:
    """Buttons `team:<theme>` and `teampro:<theme>`."""
    if kind == "team":
        return Request(reader.TEAM_CARDS, {"theme": value or None})
    if kind == "teampro":
        return Request(reader.TEAM_CARDS, {"theme": value, "with_professional": True})
    return None
