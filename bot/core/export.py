"""A readable Markdown export of everything kept about a user."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.knowledge import GUIDE_TITLE, Knowledge


def _when(iso: str, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%d-%m-%Y %H:%M")


def export_markdown(data: dict[str, Any], knowledge: Knowledge, tz: ZoneInfo) -> str:
    user = data["user"]
    lines = [
        "# Mijn gegevens bij de coach",
        "",
        f"- Rol: {user['role'] or 'nog niet gekozen'}",
        f"- Tijdzone: {user['timezone']}",
        f"- Sinds: {_when(user['created_at'], tz)}",
    ]
    if user.get("organisation"):
        lines.append(f"- Organisatie: {user['organisation']}")
    daily = data.get("daily_prompt")
    if daily:
        lines.append(
            f"- Dagelijkse vraag: {daily['time']}"
            f"{' (werkdagen)' if daily['weekdays_only'] else ''}"
            f"{'' if daily['active'] else ' – uit'}"
        )
    onboarding = data.get("onboarding")
    if onboarding:
        lines.append(f"- Onboarding: dag {onboarding['day']} van 10 ({onboarding['status']})")
    lines += ["", f"## Reflecties ({len(data['reflections'])})", ""]
    for r in data["reflections"]:
        lesson = knowledge.items_by_id.get(r["lesson_id"] or "")
        lines.append(f"### {_when(r['created_at'], tz)}")
        lines.append(f"**Vraag:** {r['prompt']}")
        if lesson:
            lines.append(f"**Les:** {lesson.title}")
        lines += ["", r["text"], ""]
    lines += ["---", f"Vragen en lessen komen uit de handreiking ‘{GUIDE_TITLE}’ (2021)."]
    return "\n".join(lines) + "\n"


def onboarding_summary(data: dict[str, Any], knowledge: Knowledge, tz: ZoneInfo) -> str:
    """The onboarding reflections, to take to a supervisor or an intervisie meeting."""
    lines = [
        "# Mijn onboarding: reflecties",
        "",
        "Tien werkdagen door de handreiking ‘Nieuw op de arbeidsmarkt’ (2021).",
        "",
    ]
    rows = [r for r in data.get("reflections", []) if r.get("source") == "onboarding"]
    if not rows:
        lines.append("Je hebt tijdens de onboarding nog geen reflecties bewaard.")
    for r in rows:
        lesson = knowledge.items_by_id.get(r.get("lesson_id") or "")
        lines += [
            f"## {lesson.title if lesson else 'Reflectie'}",
            f"*{_when(r['created_at'], tz)}* – **{r['prompt']}**",
            "",
            r["text"],
            "",
        ]
    return "\n".join(lines) + "\n"
