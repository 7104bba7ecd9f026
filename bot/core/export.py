"""A readable Markdown export of everything kept about a user."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.dialogue import State
from bot.core.schedule import EVERY_DAY, WORKDAYS, days_of_mask, days_text
from bot.knowledge import GUIDE_TITLE, Knowledge

# issue 16: every label in the export is Dutch, no internal values
ROLE_NL = {
    "professional": "uitvoerend professional",
    "manager": "leidinggevende of beleidsmaker",
}
STATUS_NL = {"active": "bezig", "paused": "op pauze", "done": "klaar"}

# issue 16: every table with rows of a user is in the export (table -> its key in the JSON
# file, `export_json`), or named here with the reason it is not; `users` is "gebruiker"
EXPORTED_TABLES = {
    "reflections": "reflecties",
    "notes": "notities",
    "prompt_schedules": "dagelijkse_vraag",
    "onboarding": "onboarding",
    "dialogue_states": "gesprek",
    "questions_asked": "gestelde_vragen",
    "lesson_views": "bekeken_lessen",
}
NOT_EXPORTED = {
    "processed_updates": "Telegram update numbers, kept a week against double handling",
    "web_sessions": "hashes of web chat session cookies, no content",
    "web_pending": "daily questions waiting for the next web visit (the guide's text)",
    "link_codes": "hashes of one-time /koppel codes, valid for minutes",
    "telegram_outbox": "replies on their way to Telegram (encrypted), removed once sent (issue 15)",
}


def _days(daily: dict[str, Any]) -> frozenset[int]:
    """The weekdays of an exported schedule (older rows have only `weekdays_only`)."""
    mask = daily.get("weekdays")
    if mask is not None:
        return days_of_mask(mask)
    return WORKDAYS if daily["weekdays_only"] else EVERY_DAY


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
        days = _days(daily)
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


# issue 16: the JSON file in Dutch as well (keys and values): a caseworker or a privacy
# officer reads it, not only a program
SOURCE_NL = {"daily": "dagelijkse vraag", "dialogue": "gesprek", "onboarding": "onboarding"}
STATE_NL: dict[str, str] = {  # every State but ERASED (which is never saved)
    State.IDLE: "niets open",
    State.AWAIT_ROLE: "wacht op je rol",
    State.AWAIT_NEW: "wacht op: nieuw in dit werk?",
    State.AWAIT_REFLECTION: "wacht op je antwoord",
    State.AWAIT_FOLLOWUP: "wacht op je antwoord op de vervolgvraag",
    State.CONFIRM_REDACTION: "wacht op: bewaren zonder klantgegevens?",
    State.QUESTION_OR_REFLECTION: "wacht op: antwoord of nieuwe vraag?",
    State.CONFIRM_DELETE: "wacht op: alles wissen?",
    State.AWAIT_SCHEDULE: "wacht op een tijd voor de dagelijkse vraag",
    State.CONFIRM_STORE: "wacht op: bewaren?",
    State.CONFIRM_ROLE: "wacht op: welke rol?",
    State.NB_CHOOSE: "wacht op: welke notitie of reflectie?",
    State.NB_CONFIRM_DELETE: "wacht op: deze verwijderen?",
}
CHANNEL_NL = {"telegram": "Telegram", "web": "webchat", "shell": "terminal", "rasa": "Rasa"}


def _iso_local(iso: str | None, tz: ZoneInfo) -> str | None:
    return None if iso is None else datetime.fromisoformat(iso).astimezone(tz).isoformat()


def export_json(data: dict[str, Any], knowledge: Knowledge, tz: ZoneInfo) -> dict[str, Any]:
    """What `repo.export_user` holds, with Dutch names and values (no internal ids or codes
    where a title or a word says it; the guide's question texts as asked)."""
    items, questions = knowledge.items_by_id, knowledge.questions_by_id
    user = data["user"]

    def lesson(lesson_id: str | None) -> str | None:
        item = items.get(lesson_id or "")
        return item.title if item else None

    out: dict[str, Any] = {
        "over": f"Je gegevens bij de coach; vragen en lessen uit ‘{GUIDE_TITLE}’ (2021).",
        "gebruiker": {
            "kanaal": CHANNEL_NL.get(user["channel"], user["channel"]),
            "rol": ROLE_NL.get(user["role"] or "", "nog niet gekozen"),
            "naam": user.get("display_name"),
            "tijdzone": user["timezone"],
            "organisatie": user.get("organisation"),
            "nieuw_in_dit_werk": user.get("new_in_work"),
            "antwoorden_meteen_bewaren": user.get("keep_answers"),
            "sinds": _iso_local(user["created_at"], tz),
        },
        "reflecties": [
            {
                "nummer": r["id"],
                "datum": _iso_local(r["created_at"], tz),
                "vraag": r["prompt"],
                "les": lesson(r["lesson_id"]),
                "tekst": r["text"],
                "vervolg_op": r["parent_id"],
                "bron": SOURCE_NL.get(r["source"] or "", r["source"]),
            }
            for r in data["reflections"]
        ],
        "notities": [
            {
                "nummer": n["id"],
                "datum": _iso_local(n["created_at"], tz),
                "les": lesson(n.get("lesson_id")),
                "tekst": n["text"],
            }
            for n in data.get("notes", [])
        ],
        "gestelde_vragen": [
            {
                "vraag": q.text if (q := questions.get(a["question_id"])) else a["question_id"],
                "datum": _iso_local(a["asked_at"], tz),
            }
            for a in data.get("questions_asked", [])
        ],
        "bekeken_lessen": [
            {
                "les": lesson(v["lesson_id"]) or v["lesson_id"],
                "datum": _iso_local(v["viewed_at"], tz),
            }
            for v in data.get("lessons_viewed", [])
        ],
    }
    daily = data.get("daily_prompt")
    if daily:
        days = _days(daily)
        out["dagelijkse_vraag"] = {
            "dagen": days_text(days),
            "tijd": daily["time"],
            "aan": daily["active"],
            "stil_tot": daily.get("paused_until"),
            "wekelijkse_terugblik": daily.get("weekly_review"),
        }
    onboarding = data.get("onboarding")
    if onboarding:
        out["onboarding"] = {
            "dag": onboarding["day"],
            "van": 10,
            "status": STATUS_NL.get(onboarding["status"], onboarding["status"]),
            "begonnen": _iso_local(onboarding["started_at"], tz),
        }
    state = data.get("dialogue_state")
    if state:
        waiting = {"stap": STATE_NL.get(state["state"], state["state"])}
        if state.get("pending_text"):
            waiting["wachtende_tekst"] = state["pending_text"]
            waiting["vervalt_op"] = state.get("pending_until")
        out["gesprek"] = waiting
    return out
