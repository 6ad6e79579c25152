"""Signed tokens: the same token is a bearer token for the API and the session cookie for pages."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from approvals.errors import NotAuthenticated
from models import User

COOKIE_NAME = "eia_session"


def make_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="eia-auth-token")


def issue_token(tokens: URLSafeTimedSerializer, user: User) -> str:
    return tokens.dumps({"u": user.id, "g": user.token_generation})


def user_from_token(
    session: Session, tokens: URLSafeTimedSerializer, token: str, max_age: int
) -> User:
    try:
        data = tokens.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise NotAuthenticated("登录已过期，请重新登录", "the token has expired") from exc
    except BadSignature as exc:
        raise NotAuthenticated("登录凭证无效", "the token is invalid") from exc
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.token_generation != data.get("g"):
        raise NotAuthenticated("登录凭证已失效", "the token is no longer valid")
    return user
