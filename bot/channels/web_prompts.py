"""Prompts for web users: what came due while they were away waits for their next visit.

`WebSender` matches `bot.scheduler.Sender`: instead of sending, it stores the prompt's replies
(rendered for the page) in `web_pending`; `take_pending` hands them out in order, once.
`coach web` registers it as the "web" sender of its `bot.scheduler.PromptDispatcher`, which
then claims web users' schedules only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from bot.channels.web_render import render
from bot.core.replies import Reply, UserRef
from bot.services import Services
from bot.storage.models import User, WebPending

CHANNEL = "web"


class WebSender:
    """Stores a prompt's replies for the user's next visit (a `bot.scheduler.Sender`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, user: UserRef, replies: list[Reply]) -> None:
        async with self.services.transaction() as session:
            user_id = await session.scalar(
                select(User.id).where(User.channel == user.channel, User.channel_user_id == user.id)
            )
            if user_id is None:
                return
            session.add(
                WebPending(
                    user_id=user_id,
                    replies={"replies": [render(r) for r in replies]},
                    created_at=self.services.clock(),
                )
            )


async def take_pending(services: Services, user_id: int) -> list[dict[str, Any]]:
    """The waiting prompts' replies, oldest first, removed as they are handed out."""
    async with services.sessions.begin() as session:
        rows = list(
            await session.scalars(
                select(WebPending)
                .where(WebPending.user_id == user_id)
                .order_by(WebPending.id)
                .with_for_update()
            )
        )
        if not rows:
            return []
        await session.execute(delete(WebPending).where(WebPending.id.in_([r.id for r in rows])))
        return [reply for row in rows for reply in row.replies["replies"]]
