"""Accounts: password hashing (argon2) and sign-in checks."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from approvals.errors import NotAuthenticated
from models import User

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.is_active:
        raise NotAuthenticated("用户名或密码错误", "wrong username or password")
    return user
