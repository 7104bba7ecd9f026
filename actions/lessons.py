"""Answers from the guide: a lesson, its full text, a framing topic, a choice, a fallback."""

from __future__ import annotations

from actions.base import Call, CoachAction, Outcome
from bot.core import answers, texts
from bot.core.dialogue import State
from bot.core.replies import Button
from bot.knowledge import Item, Topic
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
            .then(State.IDLE, lesson_id=item.id)
        )


class ActionReadMore(_Guide):
    """args: lesson_id."""

    action_name = "action_read_more"

    async def act(self, call: Call) -> Outcome:
        item = self.lesson(call)
        if item is None:
            return Outcome().say(texts.NOT_IN_GUIDE)
        return Outcome().say(answers.lesson_full(self.services.knowledge, item))


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
    """An honest 'not in the guide', with a pointer to what the bot can do."""

    action_name = "action_fallback"

    async def act(self, call: Call) -> Outcome:
        return Outcome().say(texts.NOT_IN_GUIDE)
