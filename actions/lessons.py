"""Answers from the guide: a lesson, its full text, a framing topic, a choice, a fallback."""

from __future__ import annotations

from actions.base import Call, CoachAction, Outcome
from bot.core import answers, followup, texts
from bot.core.dialogue import State
from bot.core.replies import Button
from bot.knowledge import Item, Topic
from bot.referrals import referrals_for
from bot.storage import repo


class _Guide(CoachAction):
    def lesson(self, call: Call) -> Item | None:
        lesson_id = call.arg("lesson_id")
        return self.services.knowledge.items_by_id.get(lesson_id) if lesson_id else None

    def topic(self, call: Call) -> Topic | None:
        return self.services.knowledge.topics_by_id.get(call.arg("topic") or "")


class ActionAnswerLesson(_Guide):
    """args: lesson_id."""

    action_name = "action_answer_lesson"

    async def act(self, call: Call) -> Outcome:
        item = self.lesson(call)
        if item is None:
            return Outcome().say(texts.NOT_IN_GUIDE).then(State.IDLE)
        svc = self.services
        async with svc.transaction() as session:
            await repo.record_lesson_view(session, call.user_id, item.id, svc.clock())
        return (
            Outcome()
            .say(
                answers.lesson_answer(svc.knowledge, item),
                [[Button(texts.READ_MORE, f"more:{item.id}")]],
            )
            .then(State.IDLE, lesson_id=item.id, context_lesson=item.id)  # issue 12
        )


class ActionReadMore(_Guide):
    """args: lesson_id."""

    action_name = "action_read_more"

    async def act(self, call: Call) -> Outcome:
        item = self.lesson(call)
        if item is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        out = Outcome().say(answers.lesson_full(self.services.knowledge, item))
        out.remember[followup.CONTEXT] = item.id  # issue 12: 'waarom?' refers to it
        return out


class ActionFollowUp(_Guide):
    """issue 12: 'en verder?', 'waarom?' about the lesson in context. args: lesson_id, kind."""

    action_name = "action_follow_up"

    async def act(self, call: Call) -> Outcome:
        item = self.lesson(call)
        if item is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        messages, buttons = followup.answer(self.services.knowledge, item, call.arg("kind"))
        out = Outcome()
        for i, message in enumerate(messages):
            out.say(message, buttons if i == len(messages) - 1 else [])
        out.remember[followup.CONTEXT] = item.id  # a second follow-up stays on it
        return out


class ActionAnswerTopic(_Guide):
    """args: topic."""

    action_name = "action_answer_topic"

    async def act(self, call: Call) -> Outcome:
        topic = self.topic(call)
        if topic is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        return Outcome().say(
            answers.topic_answer(topic), [[Button(texts.READ_MORE, f"topic:{topic.id}")]]
        )


class ActionReadTopic(_Guide):
    """args: topic."""

    action_name = "action_read_topic"

    async def act(self, call: Call) -> Outcome:
        topic = self.topic(call)
        if topic is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        return Outcome().say(answers.topic_full(topic))


class ActionDisambiguate(_Guide):
    """'Bedoel je…?': the close candidates as buttons. args: ranking [{id, score}]."""

    action_name = "action_disambiguate"

    async def act(self, call: Call) -> Outcome:
        knowledge = self.services.knowledge
        ranking = call.arg("ranking", [])
        items = [
            knowledge.items_by_id[c["id"]]
            for c in ranking[:3]
            if c.get("id") in knowledge.items_by_id
        ]
        rows = [[Button(item.title, f"lesson:{item.id}")] for item in items]
        rows.append([Button(texts.SOMETHING_ELSE, "rephrase")])
        return Outcome().say(texts.DID_YOU_MEAN, rows)


class ActionFallback(CoachAction):
    """An honest 'not in the guide': by kind of question, where to go instead (issue 12).

    args: kind, the NLU's kind of out-of-scope question (entity `oos_kind` at the Rasa edge);
    without one (a Rasa server's out_of_scope has no kind) the general 'not in the guide'.
    """

    action_name = "action_fallback"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        referral = referrals_for(svc.knowledge, svc.settings.coach_knowledge_dir).get(
            call.arg("kind")
        )
        if referral is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        return Outcome().say(
            referral.reply,
            [[Button(item.title, f"lesson:{item.id}")] for item in referral.lessons],
        )
