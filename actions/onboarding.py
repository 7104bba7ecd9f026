"""The onboarding programme: 10 working days through the guide, one day per daily prompt."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import go, idle, role, say, services, user_id
from bot.core import answers, texts
from bot.core.export import onboarding_summary
from bot.core.replies import Button, Document, bold
from bot.core.schedule import ensure_on
from bot.storage import repo
from bot.storage.models import Onboarding, User

DomainDict = dict[str, Any]
DAYS = 10
STARTED = (
    "Je onboarding is gestart: {days} werkdagen, elke dag een deel van de handreiking en "
    "één vraag. Dag 1 komt hieronder; de volgende dagen komen om {time}."
)
NEED_TIME = "Je onboarding is gestart. Kies met /dagelijks hoe laat de volgende dagen komen."
STATUS = "Je onboarding: {done} van de {days} dagen gehad ({status})."
PAUSED = "Je onboarding staat op pauze. Hervat met /onboarding."
DONE = (
    "Je hebt alle {days} dagen van de onboarding gedaan. Hier is een overzicht van je "
    "reflecties, om te bespreken met je leidinggevende of in intervisie."
)
STATUS_NL = {"active": "bezig", "paused": "op pauze", "done": "klaar"}


class ActionStartOnboarding(Action):
    """Start (or show) the programme; the first day comes right away."""

    def name(self) -> str:
        return "action_start_onboarding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        command = (tracker.latest_message.get("text") or "").strip().lower()
        async with svc.transaction() as session:
            row = await session.get(Onboarding, uid)
            if row is not None and not command.endswith("opnieuw"):
                if row.status != "done":
                    if "pauze" in command or "pauzeer" in command:
                        row.status = "paused"
                    elif "overslaan" in command:
                        row.day = min(DAYS + 1, row.day + 1)  # past day 10: the summary next
                    elif row.status == "paused":
                        row.status = "active"
                done = min(row.day - 1, DAYS)  # row.day is the next day to send
                say(
                    dispatcher,
                    STATUS.format(done=done, days=DAYS, status=STATUS_NL[row.status]),
                    _controls(row),
                )
                return idle()
            if row is None:
                row = Onboarding(user_id=uid, day=1, status="active", started_at=svc.clock())
                session.add(row)
            else:
                row.day, row.status, row.started_at = 1, "active", svc.clock()
            user = await session.get(User, uid)
            # issue 16: the days come with the daily prompt; the schedule owner turns it on
            schedule = await ensure_on(session, user, svc.clock()) if user is not None else None
            time = schedule.local_time if schedule else None
        say(dispatcher, STARTED.format(days=DAYS, time=time) if time else NEED_TIME)
        return [*go("idle"), *await _send_day(dispatcher, tracker, uid)]


def _controls(row: Onboarding) -> list[list[Button]]:
    if row.status == "paused":
        return [[Button("Hervat", "onboarding:hervat")]]
    if row.status == "active":
        return [
            [
                Button("Pauzeer", "onboarding:pauze"),
                Button("Sla een dag over", "onboarding:overslaan"),
            ]
        ]
    return [[Button("Opnieuw beginnen", "onboarding:opnieuw")]]


class ActionOnboardingDay(Action):
    """Today's part of the programme: digest, one lesson to read, one question."""

    def name(self) -> str:
        return "action_onboarding_day"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return await _send_day(dispatcher, tracker, await user_id(tracker))


async def _send_day(
    dispatcher: CollectingDispatcher, tracker: Tracker, uid: int
) -> list[dict[str, Any]]:
    svc = services()
    knowledge = svc.knowledge
    now = svc.clock()
    async with svc.transaction() as session:
        row = await session.get(Onboarding, uid)
        if row is None or row.status != "active":
            say(dispatcher, PAUSED)
            return []
        if row.day > DAYS:
            row.status = "done"
            data = await repo.export_user(session, svc.cipher, uid)
            say(
                dispatcher,
                DONE.format(days=DAYS),
                document=Document(
                    "onboarding-reflecties.md",
                    onboarding_summary(data or {}, knowledge, svc.settings.timezone).encode(),
                ),
            )
            return idle()
        day = knowledge.onboarding[row.day - 1]
        row.day += 1
        row.last_sent_on = now.date()
        question_id = day.question_manager if role(tracker) == "manager" else day.question
        await repo.record_question(session, uid, question_id, now)
    question = knowledge.questions_by_id[question_id]
    digest = "\n".join(
        f"• {bold(knowledge.item(i).title)}: {knowledge.item(i).summary}" for i in day.items
    )
    featured = knowledge.item(day.featured)
    say(
        dispatcher,
        f"{bold(f'Dag {day.day} van {DAYS}: {day.title}')}\n{day.intro}\n\n{digest}\n\n"
        f"{answers.source_line(knowledge, featured)}",
        [[Button(f"Lees meer: {featured.title}"[:60], f"more:{featured.id}")]],
    )
    say(
        dispatcher,
        f"Vraag van vandaag:\n{bold(question.text)}\n\n{texts.REFLECT_HINT}",
        [[Button("Sla over", "skip")]],
    )
    return go(
        "await_reflection",
        question_id=question.id,
        prompt=question.text,
        lesson_id=day.featured,
        source="onboarding",
    )
