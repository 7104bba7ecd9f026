"""The daily reflection prompt: set, pause, resume, stop, and always show the setting back."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import go, idle, say, services, user_id
from bot.core.replies import Button
from bot.core.schedule import next_due
from bot.core.schedule_text import describe, parse_schedule
from bot.storage.models import PromptSchedule, User

DomainDict = dict[str, Any]
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
    elif schedule is not None:
        rows.append([Button("Weer aanzetten", "daily:hervat")])
    return rows


class ActionDailySettings(Action):
    def name(self) -> str:
        return "action_daily_settings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        text = (tracker.latest_message.get("text") or "").strip()
        async with svc.transaction() as session:
            user = await session.get(User, uid)
            if user is None:
                return idle()
            tz = ZoneInfo(user.timezone)
            now = svc.clock()
            request = parse_schedule(text, now.astimezone(tz).date())
            schedule = await session.get(PromptSchedule, uid)
            if "wekelijk" in text.lower() and schedule is not None:
                schedule.weekly_review = not any(w in text.lower() for w in ("uit", "stop", "niet"))
                say(dispatcher, WEEKLY_ON if schedule.weekly_review else WEEKLY_OFF)
                return idle()
            if request.action == "unclear":
                say(dispatcher, request.problem or ASK_TIME, _buttons(schedule))
                return go("await_schedule")
            if request.action == "show" or (schedule is None and request.action != "set"):
                current = (
                    describe(
                        schedule.local_time,
                        schedule.weekdays_only,
                        schedule.active,
                        schedule.paused_until,
                    )
                    if schedule
                    else NONE_YET
                )
                say(dispatcher, f"{current}\n{ASK_TIME}", _buttons(schedule))
                return go("await_schedule")
            if request.action == "set" and request.time is None and schedule is None:
                say(dispatcher, ASK_TIME, _buttons(schedule))
                return go("await_schedule")
            if schedule is None:
                schedule = PromptSchedule(user_id=uid, local_time="08:30", weekdays_only=True)
                session.add(schedule)
            if request.action == "set":
                if request.time is not None:
                    schedule.local_time = request.time.strftime("%H:%M")
                if request.weekdays_only is not None:
                    schedule.weekdays_only = request.weekdays_only
                schedule.active, schedule.paused_until = True, None
            elif request.action == "pause":
                schedule.paused_until = request.until
                schedule.active = request.until is not None
            elif request.action == "resume":
                schedule.active, schedule.paused_until = True, None
            elif request.action == "stop":
                schedule.active, schedule.paused_until = False, None
            schedule.next_due_at = next_due(
                schedule.local_time, tz, schedule.weekdays_only, now, schedule.paused_until
            )
            schedule.claimed_by = schedule.claimed_at = None
            user.blocked_at = None
            shown = describe(
                schedule.local_time, schedule.weekdays_only, schedule.active, schedule.paused_until
            )
        say(dispatcher, shown)
        return idle()
