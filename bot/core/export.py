"""A readable Markdown export of everything kept about a user."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.schedule import EVERY_DAY, WORKDAYS, days_of_mask, days_text
from bot.knowledge import GUIDE_TITLE, Knowledge

# issue 16: every label in the export is Dutch, no internal values
ROLE_NL = {
    "professional": "uitvoerend professional",
    "manager": "leidinggevende of beleidsmaker",
}
STATUS_NL = {"active": "bezig", "paused": "op pauze", "done": "klaar"}

# issue 16: every table with rows of a user is in the export (table -> key of
# repo.export_user's data), or named here with the reason it is not
EXPORTED_TABLES = {
    "reflections": "reflections",
    "notes": "notes",
    "prompt_schedules": "daily_prompt",
    "onboarding": "onboarding",
    "dialogue_states": "dialogue_state",
    "questions_asked": "questions_asked",
    "lesson_views": "lessons_viewed",
}
NOT_EXPORTED = {
    "processed_updates": "Telegram update numbers, kept a week against double handling",
    "web_sessions": "hashes of web chat session cookies, no content",
    "web_pending": "daily questions waiting for the next web visit (the guide's text)",
    "link_codes": "hashes of one-time /koppel codes, valid for minutes",
    "telegram_outbox": "replies on their way to Telegram (encrypted), removed once sent (issue 15)",
}


def _when(iso: str, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%d-%m-%Y %H:%M")


def export_markdown(data: dict[str, Any], knowledge: Knowledge, tz: ZoneInfo) -> str:
    user = data["user"]
    lines = [
        "# Mijn gegevens bij de coach",
        "",
        f"- Rol: {ROLE_NL.get(user['role'] or '', user['role'] or 'nog niet gekozen')}",
        f"- Tijdzone: {user['timezone']}",
        f"- Sinds: {_when(user['created_at'], tz)}",
    ]
    if user.get("organisation"):
        lines.append(f"- Organisatie: {user['organisation']}")
    daily = data.get("daily_prompt")
    if daily:
        mask = daily.get("weekdays")
        days = (
            days_of_mask(mask)
            if mask is not None
            else (WORKDAYS if daily["weekdays_only"] else EVERY_DAY)
        )
        lines.append(
            f"- Dagelijkse vraag: {days_text(days)} om {daily['time']}"
            f"{'' if daily['active'] else ' – uit'}"
        )
    onboarding = data.get("onboarding")
    if onboarding:
        status = STATUS_NL.get(onboarding["status"], onboarding["status"])
        lines.append(f"- Onboarding: dag {onboarding['day']} van 10 ({status})")
    lines += ["", f"## Reflecties ({len(data['reflections'])})", ""]
    for r in data["reflections"]:
        lesson = knowledge.items_by_id.get(r["lesson_id"] or "")
        lines.append(f"### {_when(r['created_at'], tz)}")
        lines.append(f"**Vraag:** {r['prompt']}")
        if lesson:
            lines.append(f"**Les:** {lesson.title}")
        lines += ["", r["text"], ""]
    notes = data.get("notes", [])
    lines += [f"## Notities ({len(notes)})", ""]
    for n in notes:
        lines += [f"### {_when(n['created_at'], tz)}", "", n["text"], ""]
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
