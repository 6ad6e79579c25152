"""Accounts: password hashing (argon2), sign-in checks, password changes."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from approvals import audit, sessions
from approvals.enterprise.passwords import check_password
from approvals.errors import InvalidInput, NotAuthenticated
from models import User
from models.enums import ROLE_LABELS

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so timing does not reveal which usernames
    exist; made on first use, not at import (an argon2 hash, ~0.1 CPU-s, in every process that
    imports this module: the worker never signs anyone in)."""
    return _HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    try:
        _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.is_active:
        raise NotAuthenticated("用户名或密码错误", "wrong username or password")
    return user


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    session: Session, user: User, current_password: str, new_password: str, now: datetime
) -> int:
    """Set a new password after checking the current one, and end every session of the user
    (the one asking included); how many sessions were ended. Audited; flushes, the caller
    commits."""
    if not _verifies(user.password_hash, current_password):
        raise InvalidInput(
            "当前密码不正确", "the current password is wrong", field="current_password"
        )
    check_password(new_password, username=user.username, email=user.email, field="new_password")
    if new_password == current_password:
        raise InvalidInput("新密码不能与当前密码相同", "the new password equals the current one")
    assert user.id is not None
    user.password_hash = hash_password(new_password)
    user.token_generation += 1
    session.add(user)
    ended = sessions.revoke_all(session, user.id, now, "password_changed")
    audit.append_event(
        session,
        at=now,
        application_id=None,
        actor_id=user.id,
        actor_name=user.display_name,
        actor_role=ROLE_LABELS[user.role],
        action="password_changed",
        comment=f"修改密码，结束登录会话{ended}个",
    )
    return ended
