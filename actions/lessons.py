"""Answers from the guide: a lesson, its full text, a framing topic, a choice, a fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import go, say, services, user_id
from bot.core import answers, texts
from bot.core.replies import Button
from bot.knowledge import Item
from bot.nlu.engine import OOS_KIND_ENTITY
from bot.referrals import referrals_for
from bot.storage import repo

DomainDict = dict[str, Any]


def _lesson_from(tracker: Tracker) -> Item | None:
    knowledge = services().knowledge
    lesson_id = tracker.get_slot("lesson_id")
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "lesson":
            lesson_id = entity.get("value")
    # on a Rasa server the ResponseSelector names the sub-intent: ask_lesson/<id>
    selected = (tracker.latest_message.get("response_selector") or {}).get("ask_lesson") or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    if key.startswith("ask_lesson/"):
        lesson_id = key.split("/", 1)[1]
    return knowledge.items_by_id.get(lesson_id) if lesson_id else None


class ActionAnswerLesson(Action):
    def name(self) -> str:
        return "action_answer_lesson"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        item = _lesson_from(tracker)
        if item is None:
            say(dispatcher, texts.NOT_IN_GUIDE)
            return go("idle")
        svc = services()
        async with svc.transaction() as session:
            await repo.record_lesson_view(session, await user_id(tracker), item.id, svc.clock())
        say(
            dispatcher,
            answers.lesson_answer(svc.knowledge, item),
            [[Button(texts.READ_MORE, f"more:{item.id}")]],
        )
        return [*go("idle", lesson_id=item.id)]


class ActionReadMore(Action):
    def name(self) -> str:
        return "action_read_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        item = _lesson_from(tracker)
        if item is None:
            say(dispatcher, texts.NOT_IN_GUIDE)
            return []
        say(dispatcher, answers.lesson_full(services().knowledge, item))
        return []


class ActionAnswerTopic(Action):
    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        knowledge = services().knowledge
        topic_id = next(
            (
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "topic"
            ),
            None,
        )
        topic = knowledge.topics_by_id.get(topic_id or "")
        if topic is None:
            say(dispatcher, texts.NOT_IN_GUIDE)
            return []
        say(
            dispatcher,
            answers.topic_answer(topic),
            [[Button(texts.READ_MORE, f"topic:{topic.id}")]],
        )
        return []


class ActionReadTopic(Action):
    def name(self) -> str:
        return "action_read_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        knowledge = services().knowledge
        topic_id = next(
            (
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "topic"
            ),
            None,
        )
        topic = knowledge.topics_by_id.get(topic_id or "")
        if topic is None:
            say(dispatcher, texts.NOT_IN_GUIDE)
            return []
        say(dispatcher, answers.topic_full(topic))
        return []


class ActionDisambiguate(Action):
    """'Bedoel je…?': the close candidates as buttons."""

    def name(self) -> str:
        return "action_disambiguate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        knowledge = services().knowledge
        ranking = tracker.latest_message.get("lesson_ranking") or []
        items = [
            knowledge.items_by_id[c["id"]]
            for c in ranking[:3]
            if c.get("id") in knowledge.items_by_id
        ]
        rows = [[Button(item.title, f"lesson:{item.id}")] for item in items]
        rows.append([Button(texts.SOMETHING_ELSE, "rephrase")])
        say(dispatcher, texts.DID_YOU_MEAN, rows)
        return []


class ActionFallback(Action):
    """An honest 'not in the guide': by kind of question, where to go instead (issue 12).

    The kind comes from the NLU parse as the entity `oos_kind`; without one (or under a Rasa
    server, whose out_of_scope has no kind) the general 'not in the guide' is sent.
    """

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        svc = services()
        kind = next(
            (
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == OOS_KIND_ENTITY
            ),
            None,
        )
        referral = referrals_for(svc.knowledge, svc.settings.coach_knowledge_dir).get(kind)
        if referral is None:
            say(dispatcher, texts.NOT_IN_GUIDE)
            return []
        say(
            dispatcher,
            referral.reply,
            [[Button(item.title, f"lesson:{item.id}")] for item in referral.lessons],
        )
        return []
