"""The daily reflection prompt: set, pause, resume, stop, and always show the setting back."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from actions.base import Call, CoachAction, Outcome
from bot.core import schedule
from bot.core.dialogue import State
from bot.core.replies import Button
from bot.core.schedule_text import parse_schedule
from bot.storage.models import PromptSchedule, User

PRESETS = ("08:30", "12:30", "16:30")
ASK_TIME = (
    "Hoe laat wil je elke dag een vraag? Typ bijvoorbeeld ‘om half 9’ of ‘17:00’, "
    "of kies hieronder."
)
NONE_YET = "Je hebt nog geen dagelijkse vraag."
WEEKLY_ON = "Elke maandag krijg je bij je vraag ook een korte terugblik op je week."
WEEKLY_OFF = "De wekelijkse terugblik staat uit."


def _buttons(schedule: PromptSchedule | None) -> list[list[Button]]:
    rows = [[Button(t, f"daily:om {t}") for t in PRESETS]]
    if schedule is not None and schedule.active:
        rows.append(
            [Button("Pauzeer een week", "daily:pauze een week"), Button("Zet uit", "daily:stop")]
        )
        rows.append(
            [
                Button(
                    "Alleen werkdagen" if not schedule.weekdays_only else "Elke dag",
                    "daily:alleen werkdagen" if not schedule.weekdays_only else "daily:elke dag",
                )
            ]
        )
        rows.append(
            [
                Button(
                    "Wekelijkse terugblik uit"
                    if schedule.weekly_review
                    else "Wekelijkse terugblik aan",
                    "daily:wekelijks uit" if schedule.weekly_review else "daily:wekelijks aan",
                )
            ]
        )
        rows += _day_buttons(schedule)
    elif schedule is not None:
        rows.append([Button("Weer aanzetten", "daily:hervat")])
    return rows


def _days_words(days: frozenset[int]) -> str:
    """ "op ma, di en do": words parse_schedule reads back as exactly these days."""
    names = [schedule.DAY_ABBR[d] for d in sorted(days)]
    return "op " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1])


def _day_buttons(row: PromptSchedule) -> list[list[Button]]:
    """issue 16: one button per weekday, ✓ when chosen; pressing one adds or takes it out."""
    days = schedule.days_of(row)
    buttons = []
    for d, name in enumerate(schedule.DAY_ABBR):
        toggled = days - {d} if d in days else days | {d}
        label = f"✓ {name}" if d in days else name
        payload = f"daily:{_days_words(toggled)}" if toggled else f"daily:niet op {name}"
        buttons.append(Button(label, payload))
    return [buttons[:4], buttons[4:]]


NO_DAYS_LEFT = "Dan blijft er geen dag over. Kies minstens één dag, bijvoorbeeld: ma, di en do."
HOW_TO_CHANGE = (
    "Wijzigen of stoppen? Typ bijvoorbeeld ‘om 9 uur’, ‘niet op woensdag’, "
    "‘pauze tot maandag’ of ‘zet uit’."
)


async def daily_settings(
    session: Any, user: User, text: str, now: Any
) -> tuple[str, list[list[Button]], State]:
    """Read the user's words about their daily question and change the one schedule row
    through the owner (bot.core.schedule). Returns (reply, buttons, next state)."""
    tz = ZoneInfo(user.timezone)
    request = parse_schedule(text, now.astimezone(tz).date())
    row = await schedule.get(session, user.id)
    low = text.lower()
    if "wekelijk" in low and row is not None:
        row.weekly_review = not any(w in low for w in ("uit", "stop", "niet"))
        return (WEEKLY_ON if row.weekly_review else WEEKLY_OFF), [], State.IDLE
    if request.action == "unclear":
        return request.problem or ASK_TIME, _buttons(row), State.AWAIT_SCHEDULE
    if request.action == "show" and row is not None:
        # issue 16: with the buttons for the usual choices (time, pause, single weekdays)
        shown = schedule.describe_row(row, user.timezone)
        return f"{shown}\n{HOW_TO_CHANGE}", _buttons(row), State.IDLE
    if request.action == "show" or (row is None and request.action != "set"):
        shown = schedule.describe_row(row, user.timezone)
        return f"{shown}\n{ASK_TIME}", _buttons(row), State.AWAIT_SCHEDULE
    if request.action == "set" and request.time is None and row is None:
        return ASK_TIME, _buttons(row), State.AWAIT_SCHEDULE
    try:
        row = await schedule.apply(session, user, request, now)
    except schedule.NoDaysLeft:
        return NO_DAYS_LEFT, _buttons(row), State.AWAIT_SCHEDULE
    return f"{schedule.describe_row(row, user.timezone)}\n{HOW_TO_CHANGE}", [], State.IDLE


class ActionDailySettings(CoachAction):
    """Reads the user's words (`call.text`) about the daily question."""

    action_name = "action_daily_settings"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is None:
                return Outcome().done()
            shown, buttons, state = await daily_settings(
                session, user, call.text.strip(), svc.clock()
            )
        out = Outcome().say(shown, buttons)
        return out.done() if state == State.IDLE else out.then(state)
