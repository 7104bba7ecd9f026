"""The onboarding programme: 10 working days through the guide, one day per daily prompt."""

from __future__ import annotations

from actions.base import Call, CoachAction, Outcome
from bot.core import answers, texts
from bot.core.dialogue import State
from bot.core.export import onboarding_summary
from bot.core.replies import Button, Document, bold
from bot.core.schedule import ensure_on
from bot.services import Services
from bot.storage import repo
from bot.storage.models import Onboarding, User

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


class ActionStartOnboarding(CoachAction):
    """Start (or show) the programme; the first day comes right away."""

    action_name = "action_start_onboarding"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        uid = call.user_id
        command = call.text.strip().lower()
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
                return (
                    Outcome()
                    .say(
                        STATUS.format(done=done, days=DAYS, status=STATUS_NL[row.status]),
                        _controls(row),
                    )
                    .done()
                )
            if row is None:
                row = Onboarding(user_id=uid, day=1, status="active", started_at=svc.clock())
                session.add(row)
            else:
                row.day, row.status, row.started_at = 1, "active", svc.clock()
            user = await session.get(User, uid)
            # issue 16: the days come with the daily prompt; the schedule owner turns it on
            schedule = await ensure_on(session, user, svc.clock()) if user is not None else None
            time = schedule.local_time if schedule else None
        out = Outcome().say(STARTED.format(days=DAYS, time=time) if time else NEED_TIME)
        return out.then(State.IDLE).extend(await send_day(svc, call))


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


class ActionOnboardingDay(CoachAction):
    """Today's part of the programme: digest, one lesson to read, one question."""

    action_name = "action_onboarding_day"

    async def act(self, call: Call) -> Outcome:
        return await send_day(self.services, call)


async def send_day(svc: Services, call: Call) -> Outcome:
    uid = call.user_id
    knowledge = svc.knowledge
    now = svc.clock()
    async with svc.transaction() as session:
        row = await session.get(Onboarding, uid)
        if row is None or row.status != "active":
            return Outcome().say(PAUSED)
        if row.day > DAYS:
            row.status = "done"
            data = await repo.export_user(session, svc.cipher, uid)
            return (
                Outcome()
                .say(
                    DONE.format(days=DAYS),
                    document=Document(
                        "onboarding-reflecties.md",
                        onboarding_summary(data or {}, knowledge, svc.settings.timezone).encode(),
                    ),
                )
                .done()
            )
        day = knowledge.onboarding[row.day - 1]
        row.day += 1
        row.last_sent_on = now.date()
        question_id = day.question_manager if call.audience == "manager" else day.question
        await repo.record_question(session, uid, question_id, now)
    question = knowledge.questions_by_id[question_id]
    digest = "\n".join(
        f"• {bold(knowledge.item(i).title)}: {knowledge.item(i).summary}" for i in day.items
    )
    featured = knowledge.item(day.featured)
    out = Outcome().say(
        f"{bold(f'Dag {day.day} van {DAYS}: {day.title}')}\n{day.intro}\n\n{digest}\n\n"
        f"{answers.source_line(knowledge, featured)}",
        [[Button(f"Lees meer: {featured.title}"[:60], f"more:{featured.id}")]],
    )
    out.say(
        f"Vraag van vandaag:\n{bold(question.text)}\n\n{texts.REFLECT_HINT}",
        [[Button("Sla over", "skip")]],
    )
    return out.then(
        State.AWAIT_REFLECTION,
        question_id=question.id,
        prompt=question.text,
        lesson_id=day.featured,
        source="onboarding",
    )
