"""Sign-in sessions and sign-in attempts: what makes tokens revocable and sign-in throttled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.types import StrEnumType


class UserSession(SQLModel, table=True):
    """One sign-in. A token names its row by ``id`` (a random string, never guessable from
    another session's id); the row, not the token, decides whether the sign-in still holds."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=43)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime
    last_seen_at: datetime  # refreshed at most every few minutes (approvals.sessions)
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str = Field(default="", max_length=20)  # logout | password_changed
    user_agent: str = Field(default="", max_length=200)
    client_address: str = Field(default="", max_length=64)


class SignInOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"  # wrong username or password: counted towards the lock
    LOCKED_OUT = "locked_out"  # a failure that reached the limit: the lock starts here
    REFUSED_LOCKED = "refused_locked"  # refused unchecked: the username was locked
    REFUSED_THROTTLED = "refused_throttled"  # refused unchecked: the address failed too often
    UNLOCKED = "unlocked"  # the lock was lifted (by an administrator or an unlock link)


class LoginAttempt(SQLModel, table=True):
    """Every sign-in attempt, kept as evidence and counted by the throttle (in the database,
    so the limits hold across API processes)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "attempted_at"),
        Index("ix_login_attempt_address_at", "client_address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)  # as typed (stripped), whether or not it exists
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    client_address: str = Field(max_length=64)
    outcome: SignInOutcome = Field(sa_type=StrEnumType(SignInOutcome))
    attempted_at: datetime
