"""Daily prompts: set in words, delivered once, across DST, after downtime, by racing workers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.core.coach import Coach
from bot.core.replies import Reply, UserRef
from bot.nlu import NLU
from bot.scheduler import Blocked, PromptDispatcher
from bot.storage.models import PromptSchedule, User
from tests.helpers import actions, onboard, press, texts, user


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.blocked: set[str] = set()

    async def __call__(self, who: UserRef, replies: list[Reply]) -> None:
        if who.id in self.blocked:
            raise Blocked("bot was blocked by the user")
        self.sent.append((who.id, texts(replies)))


async def _schedule(coach: Coach, name: str = "anna") -> PromptSchedule:
    async with coach.services.sessions() as session:
        uid = await session.scalar(select(User.id).where(User.channel_user_id == name))
        row = await session.get(PromptSchedule, uid)
        assert row is not None
        return row


async def test_set_in_words_shows_the_setting_back(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    replies = await coach.handle(anna, "stuur me elke ochtend om half 9 een vraag")
    assert "08:30" in texts(replies)
    row = await _schedule(coach)
    assert row.local_time == "08:30" and row.active
    replies = await coach.handle(anna, "/dagelijks pauze")
    assert (await _schedule(coach)).active is False or "pauze" in texts(replies).lower()
    await coach.handle(anna, "/dagelijks hervat")
    assert (await _schedule(coach)).active


async def test_unclear_time_is_asked_again_and_nothing_is_lost(coach: Coach) -> None:
    anna = user()
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 8:30")
    replies = await coach.handle(anna, "/dagelijks om 25 uur")
    assert "25" in texts(replies) or "begrijp" in texts(replies) or "niet" in texts(replies)
    assert (await _schedule(coach)).local_time == "08:30"
    replies = await coach.handle(anna, "om 9 uur")  # the answer to the question asked back
    assert "09:00" in texts(replies)
    assert (await _schedule(coach)).local_time == "09:00"


async def test_prompt_at_0830_across_the_dst_change(coach: Coach, clock: FrozenClock) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # Friday before the change
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks elke dag om 08:30")
    outbox = Outbox()
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    sent_at = []
    for _ in range(3 * 24 * 4):  # three days in 15-minute ticks
        clock.advance(minutes=15)
        if await dispatcher.run_once():
            sent_at.append(clock.now)
    local = [t.astimezone(coach.services.settings.timezone).strftime("%d %H:%M") for t in sent_at]
    assert local == ["28 08:30", "29 08:30", "30 08:30"]


async def test_bot_down_from_0800_to_0900_sends_once_at_restart(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Amsterdam
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 08:30")
    outbox = Outbox()
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 local: back up
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    assert await dispatcher.run_once() == 1
    assert await dispatcher.run_once() == 0
    clock.advance(hours=2)
    assert await dispatcher.run_once() == 0
    assert len(outbox.sent) == 1


async def test_a_missed_day_does_not_pile_up(coach: Coach, clock: FrozenClock) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 08:30")
    outbox = Outbox()
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # two days later, 10:00 local
    assert await dispatcher.run_once() == 0  # yesterday's and the day before: skipped
    clock.now = datetime(2026, 3, 5, 7, 45, tzinfo=UTC)
    assert await dispatcher.run_once() == 1
    assert len(outbox.sent) == 1


async def test_blocked_user_is_paused(coach: Coach, clock: FrozenClock) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 08:30")
    outbox = Outbox()
    outbox.blocked.add("anna")
    clock.now = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
    assert await PromptDispatcher(coach, {"test": outbox}, worker="w1").run_once() == 0
    row = await _schedule(coach)
    assert row.active is False
    clock.advance(days=1)
    assert await PromptDispatcher(coach, {"test": outbox}, worker="w1").run_once() == 0


async def test_questions_rotate_without_repeats(coach: Coach, clock: FrozenClock) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 local
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks elke dag om 08:30")
    outbox = Outbox()
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    pool = coach.services.knowledge.questions_for("professional")
    for _ in range(len(pool)):
        clock.advance(days=1)
        await dispatcher.run_once()
    asked = [next(q.id for q in pool if q.text in text) for _, text in outbox.sent]
    assert len(asked) == len(pool) and len(set(asked)) == len(pool)


async def test_racing_dispatchers_send_each_prompt_once(coach: Coach, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    people = [user(f"u{i}") for i in range(40)]
    for who in people:
        await onboard(coach, who)
        await coach.handle(who, "/dagelijks om 08:30")
    clock.now = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
    outbox = Outbox()
    workers = [PromptDispatcher(coach, {"test": outbox}, worker=f"w{i}", batch=5) for i in range(3)]
    counts = await asyncio.gather(*(w.run_once() for w in workers))
    assert sum(counts) == 40
    assert sorted(who for who, _ in outbox.sent) == sorted(p.id for p in people)


async def test_onboarding_runs_ten_days_and_resumes_after_a_pause(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday, 09:00 local
    await onboard(coach, anna)
    replies = await coach.handle(anna, "/onboarding")
    assert "Dag 1 van 10" in texts(replies)
    await coach.handle(anna, "ik lees eerst het dossier van het COA")
    outbox = Outbox()
    dispatcher = PromptDispatcher(coach, {"test": outbox}, worker="w1")
    days_seen = []
    paused = False
    for _ in range(30):
        clock.advance(days=1)
        if len(days_seen) == 3 and not paused:
            await coach.handle(anna, "/onboarding pauze")
            paused = True
            clock.advance(days=1)
            await dispatcher.run_once()
            await coach.handle(anna, "/onboarding hervat")
        await dispatcher.run_once()
        for _, text in outbox.sent[len(days_seen) :]:
            days_seen.append(text)
    day_numbers = [int(t.split("Dag ")[1].split(" ")[0]) for t in days_seen if "Dag " in t]
    assert day_numbers == list(range(2, 11))
    assert any("logica" in t.lower() for t in days_seen)
    assert any("overzicht" in t for t in days_seen)


async def test_a_dispatcher_never_loads_the_nlu_and_a_message_loads_it_once(
    coach: Coach, clock: FrozenClock
) -> None:
    """`coach prompts dispatch` builds the core with a lazy NLU: prompts must not need it."""
    loads: list[int] = []

    def load() -> NLU:
        loads.append(1)
        return coach.nlu

    anna = user()
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks om 08:30")
    lazy = Coach(coach.services, load, coach.executor)
    outbox = Outbox()
    clock.now = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
    assert await PromptDispatcher(lazy, {"test": outbox}, worker="w1").run_once() == 1
    assert loads == []
    # the start-up warm-up and a first message racing it: one load
    await asyncio.gather(lazy.load_nlu(), lazy.handle(anna, "stop"), lazy.load_nlu())
    replies = await lazy.handle(anna, "hoe bespreek ik discriminatie met een klant?")
    assert loads == [1]
    assert "discriminatie" in texts(replies).lower()


async def test_onboarding_status_skip_past_the_end_and_finished(
    coach: Coach, clock: FrozenClock
) -> None:
    anna = user()
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await onboard(coach, anna)
    await coach.handle(anna, "/dagelijks stop")  # off: starting the programme turns it on
    await coach.handle(anna, "/onboarding")
    assert (await _schedule(coach)).active is True
    assert "1 van de 10 dagen gehad (bezig)" in texts(await coach.handle(anna, "/onboarding"))
    for _ in range(9):  # skip days 2 to 10
        replies = await coach.handle(anna, "/onboarding overslaan")
    assert "10 van de 10 dagen gehad" in texts(replies)
    outbox = Outbox()
    clock.advance(days=1)
    assert await PromptDispatcher(coach, {"test": outbox}, worker="w1").run_once() == 1
    assert "overzicht" in outbox.sent[-1][1]  # the end: the summary, not day 10 again
    finished = await coach.handle(anna, "/onboarding")
    assert "(klaar)" in texts(finished)
    assert "onboarding:opnieuw" in actions(finished)  # shown, not restarted
    assert "Dag 1 van 10" in texts(await coach.handle(anna, press("onboarding:opnieuw")))


async def test_the_team_note_goes_to_managers_only(coach: Coach) -> None:
    """Questions from the policy card addressed to professionals: a manager asks them of the
    team; a professional answers them without that note."""
    note = "Een vraag om aan je team te stellen."
    seen: dict[str, list[str]] = {}
    for role in ("professional", "manager"):
        who = user(f"note-{role}")
        await onboard(coach, who, role=role)
        seen[role] = []
        for _ in range(len(coach.services.knowledge.questions_for(role))):
            seen[role].append(texts(await coach.handle(who, "/reflectie")))
            await coach.handle(who, "stop")
    assert not any(note in t for t in seen["professional"])
    assert any(note in t for t in seen["manager"])
