"""Sign-in sessions: opened at sign-in, looked up on every request, revoked on logout and on a
password change.

A token only names its session (``UserSession.id``); whether the sign-in still holds is the
row's to say. The lookup is one primary-key read joined to the user (``find_active``). It is
written so a short in-process cache could sit in front of it (key: the session id; value: the
pair it returns; a few seconds of TTL): revocation would then take effect within the TTL on
other processes, at once on the process that revoked if it evicts the id. ``last_seen_at`` is
refreshed at most every ``TOUCH_INTERVAL``, so steady use costs no write per request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from models import User, UserSession

TOUCH_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True)
class ClientInfo:
    """Who signed in from where: kept on the session row for the user's and auditors' sake."""

    user_agent: str = ""
    address: str = ""


def open_session(
    session: Session, user: User, *, now: datetime, ttl: timedelta, client: ClientInfo
) -> UserSession:
    """A new session row for ``user`` (flushes; the caller commits)."""
    assert user.id is not None
    row = UserSession(
        id=secrets.token_urlsafe(24),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + ttl,
        user_agent=client.user_agent[:200],
        client_address=client.address[:64],
    )
    session.add(row)
    session.flush()
    return row


def find_active(
    session: Session, session_id: str, now: datetime
) -> tuple[UserSession, User] | None:
    """The session and its user when the session is neither revoked nor expired and the user
    is active; None otherwise. One indexed read (primary key, joined to the user)."""
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(UserSession.id == session_id)
    ).first()
    if row is None:
        return None
    user_session, user = row
    if user_session.revoked_at is not None or user_session.expires_at <= now:
        return None
    return (user_session, user) if user.is_active else None


def needs_touch(user_session: UserSession, now: datetime) -> bool:
    return now - user_session.last_seen_at >= TOUCH_INTERVAL


def touch(connection: Connection, session_id: str, now: datetime) -> None:
    """Record that the session was used (on a connection of its own: a read-only request
    never commits its session)."""
    connection.execute(
        update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=now)
    )


def revoke(session: Session, session_id: str, now: datetime, reason: str) -> bool:
    """End one session; False when it was already ended (flushes; the caller commits)."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.id) == session_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult


def revoke_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of a user; how many were open (flushes; the caller commits)."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult
