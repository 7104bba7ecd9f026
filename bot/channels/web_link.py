"""`/koppel`: one notebook for a web user and a Telegram user, joined with a one-time code.

`/koppel` on one channel gives a code (valid 10 minutes, kept only as a hash); `/koppel CODE`
on the other joins them. The Telegram user is the one kept (its prompts keep going out there):
the web user's reflections, asked questions and viewed lessons move to it, the web user's
sessions now speak as it, and the web user itself is deleted.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import repo
from bot.storage.models import LessonView, LinkCode, QuestionAsked, Reflection, User, WebSession

VALID = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
GIVEN = (
    "Je koppelcode is {code}. Typ binnen 10 minuten in {other}: /koppel {code}\n"
    "Daarna staan je reflecties van beide kanalen in één notitieboek."
)
LINKED = "Gekoppeld. Je reflecties van de webchat en Telegram staan nu in één notitieboek."
BAD_CODE = "Deze koppelcode is onbekend of verlopen. Vraag een nieuwe met /koppel."
SAME = "Gebruik de code in het andere kanaal: de webchat als je hem in Telegram kreeg, en andersom."


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


async def create(session: AsyncSession, user_id: int, now: datetime) -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(8))
    await session.execute(delete(LinkCode).where(LinkCode.user_id == user_id))
    session.add(LinkCode(code_hash=_hash(code), user_id=user_id, expires_at=now + VALID))
    await session.flush()
    return f"{code[:4]}-{code[4:]}"


async def redeem(session: AsyncSession, code: str, user_id: int, now: datetime) -> str:
    """Join the code's user and `user_id`; the reply to show."""
    found = await session.get(LinkCode, _hash(code), with_for_update=True)
    if found is None or found.expires_at <= now:
        return BAD_CODE
    await session.delete(found)
    one, two = await session.get(User, found.user_id), await session.get(User, user_id)
    if one is None or two is None:
        return BAD_CODE
    kinds = {one.channel, two.channel}
    if kinds != {"web", "telegram"}:
        return SAME
    web, telegram = (one, two) if one.channel == "web" else (two, one)
    await merge(session, web.id, telegram.id)
    return LINKED


async def merge(session: AsyncSession, web_id: int, telegram_id: int) -> None:
    for model in (Reflection, QuestionAsked, LessonView):
        await session.execute(
            update(model).where(model.user_id == web_id).values(user_id=telegram_id)
        )
    await session.execute(
        update(WebSession).where(WebSession.user_id == web_id).values(user_id=telegram_id)
    )
    await repo.erase_user(session, web_id)


async def koppel(
    session: AsyncSession,
    channel: str,
    channel_user_id: str,
    argument: str,
    timezone: str,
    now: datetime,
) -> str:
    """The answer to `/koppel [CODE]` from one channel's user."""
    user = await repo.get_or_create_user(session, channel, channel_user_id, timezone)
    if argument.strip():
        return await redeem(session, argument, user.id, now)
    other = "Telegram" if channel == "web" else "de webchat"
    return GIVEN.format(code=await create(session, user.id, now), other=other)


def is_koppel(text: str) -> tuple[bool, str]:
    command, _, rest = text.strip().partition(" ")
    return command.split("@")[0].lower() == "/koppel", rest.strip()[:32]


async def existing(session: AsyncSession, user_id: int) -> bool:
    return await session.scalar(select(User.id).where(User.id == user_id)) is not None
