"""`coach actions`: the Rasa JSON protocol at the edge, over the same action instances."""

from __future__ import annotations

from typing import Any

from bot.channels.action_server import PlainTextExecutor
from bot.core import texts
from bot.core.coach import Coach
from bot.storage.models import LessonView, User
from bot.wiring import action_names, build_executor


def _call(action: str, slots: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": "rasa-user-1",
        "tracker": {
            "sender_id": "rasa-user-1",
            "slots": slots,
            "latest_message": message,
            "events": [],
            "paused": False,
            "latest_action_name": None,
            "active_loop": {},
        },
        "domain": {},
    }


async def test_rasa_calls_get_events_and_plain_text(coach: Coach) -> None:
    executor = PlainTextExecutor()
    executor.services = coach.services
    build_executor(coach.services, executor)
    assert set(executor.actions) == set(action_names())

    welcome = await executor.run(_call("action_welcome", {}, {"text": "/start"}))
    assert welcome is not None
    assert {"event": "slot", "name": "state", "value": "await_role"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in welcome.events
    ]
    assert [r["text"] for r in welcome.responses][-1] == texts.ASK_ROLE

    # the ResponseSelector's pick names the lesson, as a Rasa server sends it
    message = {
        "text": "hoe bespreek ik discriminatie?",
        "response_selector": {
            "ask_lesson": {"response": {"intent_response_key": "ask_lesson/discriminatie"}}
        },
    }
    answer = await executor.run(_call("action_answer_lesson", {}, message))
    assert answer is not None
    title = coach.services.knowledge.item("discriminatie").title
    assert answer.responses[0]["text"].startswith(title)  # plain: no bold markers
    slots = {e["name"]: e["value"] for e in answer.events if e.get("event") == "slot"}
    assert slots["state"] == "idle" and slots["lesson_id"] == "discriminatie"
    async with coach.services.sessions() as session:
        from sqlalchemy import select

        user = await session.scalar(select(User).where(User.channel == "rasa"))
        assert user is not None and user.channel_user_id == "rasa-user-1"
        views = list(await session.scalars(select(LessonView).where(LessonView.user_id == user.id)))
        assert [v.lesson_id for v in views] == ["discriminatie"]


async def test_a_rasa_server_cannot_store_client_data(coach: Coach) -> None:
    """The dialogue policy's client-data check is not there for a Rasa server: the storing
    actions check the text themselves, and keep nothing that holds client data."""
    from sqlalchemy import func, select

    from bot.storage.models import Note, Reflection

    executor = PlainTextExecutor()
    executor.services = coach.services
    build_executor(coach.services, executor)
    slots = {"state": "await_reflection", "prompt": "Hoe ging het gesprek?"}
    named = "Mevrouw Yilmaz uit Zwolle belde, haar BSN is 111222333"
    refused = await executor.run(_call("action_store_reflection", slots, {"text": named}))
    assert refused is not None and "een BSN" in refused.responses[0]["text"]
    note = await executor.run(_call("action_notebook", {}, {"text": f"onthoud: {named}"}))
    assert note is not None and "een BSN" in note.responses[0]["text"]
    clean = "Ik liet de klant eerst zelf vertellen wat er gebeurd was."
    kept = await executor.run(_call("action_store_reflection", slots, {"text": clean}))
    assert kept is not None and texts.STORED in kept.responses[0]["text"]
    async with coach.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 1
        assert await session.scalar(select(func.count()).select_from(Note)) == 0
        stored = await session.scalar(select(Reflection.text))
    assert coach.services.cipher.decrypt(stored) == clean
