"""Builders and small readers for conversations in tests."""

from __future__ import annotations

from bot.core.coach import Coach
from bot.core.replies import Incoming, Reply, UserRef


def user(name: str = "anna", channel: str = "test") -> UserRef:
    return UserRef(channel, name)


def press(action: str) -> Incoming:
    return Incoming(action=action)


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.plain_text for r in replies)


def actions(replies: list[Reply]) -> list[str]:
    return [b.action for r in replies for row in r.buttons for b in row]


async def say(coach: Coach, who: UserRef, *messages: str | Incoming) -> list[Reply]:
    """Send messages in order; return the replies to the last one."""
    replies: list[Reply] = []
    for message in messages:
        replies = await coach.handle(who, message)
    return replies


async def onboard(coach: Coach, who: UserRef, role: str = "professional") -> None:
    """/start, pick a role, say not new."""
    await coach.handle(who, "/start")
    await coach.handle(who, press(f"role:{role}"))
    await coach.handle(who, press("new:no"))
