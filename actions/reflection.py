"""Reflection: ask a gesprekskaart question, keep the answer, deepen it once, read it back."""

from __future__ import annotations

from datetime import timedelta

from actions.base import Call, CoachAction, Outcome, client_data_in
from actions.notebook import pattern_lines  # issue 16
from bot.core import texts
from bot.core.acknowledge import acknowledgment
from bot.core.dialogue import State
from bot.core.questions import choose_question
from bot.core.replies import Button, bold
from bot.storage import repo
from bot.storage.crypto import EncryptionError


class ActionAskQuestion(CoachAction):
    """One gesprekskaart question for the user's role, fitting the lesson when there is one."""

    action_name = "action_ask_question"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        uid = call.user_id
        lesson_id = call.arg("lesson_id")
        now = svc.clock()
        async with svc.transaction() as session:
            asked = await repo.asked_questions(session, uid)
            fitting = lesson_id and svc.knowledge.questions_for_item(lesson_id, call.audience)
            recent = (
                []  # the lesson's own questions come first; recent lessons only steer the rest
                if fitting
                else await repo.recent_lessons(session, uid, now - timedelta(days=14))
            )
            question = choose_question(
                svc.knowledge,
                call.audience,
                asked,
                lesson_id=lesson_id,
                recent_lessons=recent,
            )
            await repo.record_question(session, uid, question.id, now)
        source = call.arg("source", "dialogue")
        intro = (
            texts.REFLECT_INTRO
            if lesson_id
            else texts.DAILY_INTRO
            if source == "daily"
            else texts.REFLECT_INTRO_FREE
        )
        prompt = question.text
        if call.audience == "manager" and question.addressed_to == "professional":
            prompt = f"{question.text}\n(Een vraag om aan je team te stellen.)"
        out = Outcome().say(
            f"{intro}\n{bold(prompt)}\n\n{texts.REFLECT_HINT}",
            [[Button(texts.SKIP, "skip")]],
        )
        return out.then(
            State.AWAIT_REFLECTION,
            question_id=question.id,
            prompt=question.text,
            lesson_id=lesson_id,
            source=source,
        )


class ActionStoreReflection(CoachAction):
    """Keep the user's answer (already checked for client data) and offer one follow-up."""

    action_name = "action_store_reflection"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        text = str(call.arg("text") or call.text)
        if svc.settings.coach_env == "production" and not svc.cipher.enabled:
            return Outcome().say(texts.ENCRYPTION_REQUIRED).done()
        if kinds := client_data_in(svc, text):  # not through the policy (a Rasa server)
            return Outcome().say(texts.CLIENT_DATA_NOT_KEPT.format(kinds=", ".join(kinds)))
        parent = call.data.get("reflection_id")
        question_id = call.data.get("question_id")
        question = svc.knowledge.questions_by_id.get(question_id or "")
        is_followup = call.state == State.AWAIT_FOLLOWUP
        async with svc.transaction() as session:
            count = await repo.count_reflections(session, call.user_id)
            reflection_id = await repo.add_reflection(
                session,
                svc.cipher,
                user_id=call.user_id,
                prompt=call.data.get("prompt") or "",
                text=text,
                now=svc.clock(),
                question_id=question_id,
                lesson_id=call.data.get("lesson_id"),
                theme=question.theme if question else None,
                parent_id=parent if is_followup else None,
                source=call.data.get("source") or "dialogue",
            )
        # issue 12: name the kind of thing written (a plan, a doubt, ...), never its content
        ack = acknowledgment(text, count)
        lesson_id = call.data.get("lesson_id")
        context = {"context_lesson": lesson_id} if lesson_id else {}  # issue 12: 'en verder?'
        if is_followup:
            return Outcome().say(f"{ack}\n{texts.FOLLOWUP_STORED}").done(**context)
        cycle = texts.FOLLOWUPS_MANAGER if call.audience == "manager" else texts.FOLLOWUPS
        _, followup = cycle[count % len(cycle)]
        # one message: the confirmation and the follow-up question under it
        out = Outcome().say(
            f"{ack}\n{texts.STORED}\n\n{texts.FOLLOWUP_INTRO}\n{bold(followup)}",
            [[Button(texts.SKIP, "skip")]],
        )
        return out.then(
            State.AWAIT_FOLLOWUP,
            reflection_id=reflection_id,
            prompt=followup,
            pending_text=None,
            **context,
        )


class ActionWeeklyReview(CoachAction):
    """Once a week (opt-in): how many reflections, on which themes, and one to reread."""

    action_name = "action_weekly_review"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        now = svc.clock()
        async with svc.transaction() as session:
            rows = await repo.reflections_of(session, call.user_id)
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
            found = await pattern_lines(session, svc, call.user_id, call.audience)
        if found:
            lines += ["", *found]
        return Outcome().say("\n".join(lines))
