"""One-time links sent by mail: a random token in the link, its SHA-256 in ``account_token``.

A token is used at most once (the update that marks it used is conditional, so two racing
uses cannot both succeed) and never after it expires. Issuing a new token of a purpose ends
the user's earlier unused ones of that purpose: only the latest mail works.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from approvals.errors import InvalidInput
from models import AccountToken, TokenPurpose, User

LIFETIMES: dict[TokenPurpose, timedelta] = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.UNLOCK: timedelta(hours=24),
    TokenPurpose.INVITATION: timedelta(days=7),
}
MAX_TOKEN_LENGTH = 100


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, purpose: TokenPurpose, now: datetime) -> str:
    """A new token for ``user`` (only its hash is stored; flushes, the caller commits)."""
    assert user.id is not None
    _end_open(session, user.id, purpose, now)
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest(token),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    session.flush()
    return token


def peek(session: Session, token: str, purpose: TokenPurpose, now: datetime) -> User:
    """The user a usable token belongs to, without using it (to show a form)."""
    row = _usable(session, token, purpose, now)
    user = session.get(User, row.user_id)
    if user is None:
        raise _invalid()
    return user


def consume(session: Session, token: str, purpose: TokenPurpose, now: datetime) -> User:
    """Use the token once: its user, or ``InvalidInput`` when it is unknown, used, expired or
    of another purpose (one message for all four: the answer tells nothing more)."""
    row = _usable(session, token, purpose, now)
    used = session.execute(
        update(AccountToken)
        .where(col(AccountToken.id) == row.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now)
    )
    if not used.rowcount:  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult; none: a racing use won
        raise _invalid()
    user = session.get(User, row.user_id)
    if user is None:
        raise _invalid()
    return user


def _usable(session: Session, token: str, purpose: TokenPurpose, now: datetime) -> AccountToken:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid()
    row = session.exec(select(AccountToken).where(AccountToken.token_hash == digest(token))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        raise _invalid()
    return row


def _end_open(session: Session, user_id: int, purpose: TokenPurpose, now: datetime) -> None:
    session.execute(
        update(AccountToken)
        .where(
            col(AccountToken.user_id) == user_id,
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )


def _invalid() -> InvalidInput:
    return InvalidInput(
        "链接无效或已过期（每个链接只能使用一次），请重新申请",
        "the link is unknown, used or expired",
        field="token",
    )
