"""Invitations for invite-only deployments (COACH_ACCESS=invite); managed on the command line."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import repo
from bot.storage.models import Invite, User


def new_code() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, fits Telegram's 64-character start param


async def create(
    session: AsyncSession,
    organisation: str,
    uses: int | None,
    expires_at: datetime | None,
    now: datetime,
) -> Invite:
    invite = Invite(
        code=new_code(),
        organisation=organisation,
        uses_left=uses,
        expires_at=expires_at,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return invite


async def all_invites(session: AsyncSession) -> list[Invite]:
    return list(await session.scalars(select(Invite).order_by(Invite.created_at)))


async def revoke(session: AsyncSession, code: str) -> bool:
    invite = await session.get(Invite, code)
    if invite is None:
        return False
    invite.revoked = True
    return True


def usable(invite: Invite | None, now: datetime) -> bool:
    return (
        invite is not None
        and not invite.revoked
        and (invite.uses_left is None or invite.uses_left > 0)
        and (invite.expires_at is None or invite.expires_at > now)
    )


def refusal(invite: Invite | None, now: datetime) -> str:
    """Why a code admits nobody (issue 13): unknown, revoked, expired or used_up; '' if usable."""
    if invite is None:
        return "unknown"
    if invite.revoked:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    if invite.uses_left is not None and invite.uses_left <= 0:
        return "used_up"
    return ""


async def refusal_of(session: AsyncSession, code: str, now: datetime) -> str:
    return refusal(await session.get(Invite, code), now)


async def admitted(session: AsyncSession, channel: str, channel_user_id: str) -> bool:
    user = await session.scalar(
        select(User).where(User.channel == channel, User.channel_user_id == channel_user_id)
    )
    return user is not None and user.invite_code is not None


async def redeem(
    session: AsyncSession,
    code: str,
    channel: str,
    channel_user_id: str,
    timezone: str,
    now: datetime,
) -> bool:
    """Admit a user with a valid invite: keep the organisation, use up one use."""
    invite = await session.get(Invite, code, with_for_update=True)
    if not usable(invite, now):
        return False
    assert invite is not None
    user = await repo.get_or_create_user(session, channel, channel_user_id, timezone)
    user.invite_code = invite.code
    user.organisation = invite.organisation
    if invite.uses_left is not None:
        invite.uses_left -= 1
    return True


def web_link(settings: Any, code: str) -> str:  # issue 18: the web chat's invite link
    base = settings.coach_web_public_url or f"http://127.0.0.1:8080{settings.coach_web_base_path}"
    return f"{base.rstrip('/')}/i/{code}"
