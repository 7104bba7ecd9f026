"""Reflection: ask a gesprekskaart question, keep the answer, deepen it once, read it back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.notebook import pattern_lines  # issue 16
from actions.runtime import go, idle, role, say, services, user_id
from bot.core import texts
from bot.core.questions import choose_question
from bot.core.replies import Button, bold
from bot.storage import repo
from bot.storage.crypto import EncryptionError

DomainDict = dict[str, Any]


class ActionAskQuestion(Action):
    """One gesprekskaart question for the user's role, fitting the lesson when there is one."""

    def name(self) -> str:
        return "action_ask_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        uid = await user_id(tracker)
        lesson_id = tracker.get_slot("lesson_id")
        now = svc.clock()
        async with svc.transaction() as session:
            asked = await repo.asked_questions(session, uid)
            fitting = lesson_id and svc.knowledge.questions_for_item(lesson_id, role(tracker))
            recent = (
                []  # the lesson's own questions come first; recent lessons only steer the rest
                if fitting
                else await repo.recent_lessons(session, uid, now - timedelta(days=14))
            )
            question = choose_question(
                svc.knowledge,
                role(tracker),
                asked,
                lesson_id=lesson_id,
                recent_lessons=recent,
            )
            await repo.record_question(session, uid, question.id, now)
        source = tracker.get_slot("source") or "dialogue"
        intro = (
            texts.REFLECT_INTRO
            if lesson_id
            else texts.DAILY_INTRO
            if source == "daily"
            else texts.REFLECT_INTRO_FREE
        )
        prompt = question.text
        if role(tracker) == "manager" and question.addressed_to == "professional":
            prompt = f"{question.text}\n(Een vraag om aan je team te stellen.)"
        say(
            dispatcher,
            f"{intro}\n{bold(prompt)}\n\n{texts.REFLECT_HINT}",
            [[Button(texts.SKIP, "skip")]],
        )
        return go(
            "await_reflection",
            question_id=question.id,
            prompt=question.text,
            lesson_id=lesson_id,
            source=source,
        )


class ActionStoreReflection(Action):
    """Keep the user's answer (already checked for client data) and offer one follow-up."""

    def name(self) -> str:
        return "action_store_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        text = tracker.get_slot("pending_text") or tracker.latest_message.get("text") or ""
        if svc.settings.coach_env == "production" and not svc.cipher.enabled:
            say(dispatcher, texts.ENCRYPTION_REQUIRED)
            return idle()
        parent = tracker.get_slot("reflection_id")
        question_id = tracker.get_slot("question_id")
        question = svc.knowledge.questions_by_id.get(question_id or "")
        is_followup = tracker.get_slot("state") == "await_followup"
        async with svc.transaction() as session:
            count = await repo.count_reflections(session, await user_id(tracker))
            reflection_id = await repo.add_reflection(
                session,
                svc.cipher,
                user_id=await user_id(tracker),
                prompt=tracker.get_slot("prompt") or "",
                text=text,
                now=svc.clock(),
                question_id=question_id,
                lesson_id=tracker.get_slot("lesson_id"),
                theme=question.theme if question else None,
                parent_id=parent if is_followup else None,
                source=tracker.get_slot("source") or "dialogue",
            )
        if is_followup:
            say(dispatcher, texts.FOLLOWUP_STORED)
            return idle()
        cycle = texts.FOLLOWUPS_MANAGER if role(tracker) == "manager" else texts.FOLLOWUPS
        _, followup = cycle[count % len(cycle)]
        # one message: the confirmation and the follow-up question under it
        say(
            dispatcher,
            f"{texts.STORED}\n\n{texts.FOLLOWUP_INTRO}\n{bold(followup)}",
            [[Button(texts.SKIP, "skip")]],
        )
        return go("await_followup", reflection_id=reflection_id, prompt=followup, pending_text=None)


class ActionWeeklyReview(Action):
    """Once a week (opt-in): how many reflections, on which themes, and one to reread."""

    def name(self) -> str:
        return "action_weekly_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        now = svc.clock()
        async with svc.transaction() as session:
            rows = await repo.reflections_of(session, await user_id(tracker))
        week = [r for r in rows if r.created_at >= now - timedelta(days=7)]
        older = [r for r in rows if r.created_at < now - timedelta(days=7)]
        themes = sorted(
            {
                svc.knowledge.section_title(r.theme)
                for r in week
                if r.theme in svc.knowledge.sections_by_id
            }
        )
        lines = [
            bold("Terugblik op je week"),
            f"Je schreef {len(week)} reflectie{'s' if len(week) != 1 else ''}."
            if week
            else "Je schreef deze week geen reflecties.",
        ]
        if themes:
            lines.append("Thema's: " + ", ".join(themes) + ".")
        if older:
            pick = older[int(now.timestamp() // 86400) % len(older)]
            try:
                body = svc.cipher.decrypt(pick.text)
            except EncryptionError:
                body = "(versleuteld; de sleutel ontbreekt)"
            when = pick.created_at.astimezone(svc.settings.timezone).strftime("%d-%m-%Y")
            lines.append(f"\nOm terug te lezen, van {when}:\n{bold(pick.prompt)}\n{body}")
        # issue 16: the patterns in the user's own reflections (actions/notebook.py)
        async with svc.transaction() as session:
            found = await pattern_lines(session, svc, await user_id(tracker), role(tracker))
        if found:
            lines += ["", *found]
        say(dispatcher, "\n".join(lines))
        return []
