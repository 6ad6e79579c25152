"""Signed tokens naming a server-side session: the same token is a bearer token for the API and
the session cookie for pages.

A token is ``{"s": <UserSession.id>}`` signed with the secret key (itsdangerous, timestamped);
the signature keeps strangers from naming sessions, the row decides whether the sign-in holds
(``approvals.sessions``). Security moments (sign-in, expiry, lock-outs) use the wall clock,
never the injectable domain clock that tests and simulations move.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from approvals import sessions
from approvals.enterprise.unlock import LinkMail
from approvals.errors import NotAuthenticated
from approvals.sessions import ClientInfo
from approvals.sign_in import SignInLimits
from core.serving import MIN_SECRET_KEY_LENGTH
from core.settings import Settings
from models import User, UserSession

COOKIE_NAME = "eia_session"
TOKEN_SALT = "eia-auth-token"


def make_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """The token signer; refuses a key too short to be a secret (see core.serving)."""
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"the secret key needs at least {MIN_SECRET_KEY_LENGTH} characters")
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)


def wall_now() -> datetime:
    return datetime.now(UTC)


def sign_in_limits(settings: Settings) -> SignInLimits:
    return SignInLimits(
        failures=settings.sign_in_max_failures,
        window=timedelta(minutes=settings.sign_in_lock_minutes),
        address_failures=settings.sign_in_address_max_failures,
    )


def link_mail(settings: Settings) -> LinkMail:
    """Where mailed one-time links point (the public URL) and who signs the mail."""
    return LinkMail(base_url=settings.public_base_url, bureau=settings.bureau_name)


def client_of(request: Request) -> ClientInfo:
    """The browser or client and its address (after trusted proxy headers)."""
    return ClientInfo(
        user_agent=request.headers.get("user-agent", "")[:200],
        address=request.client.host if request.client else "",
    )


def issue_token(
    session: Session,
    tokens: URLSafeTimedSerializer,
    user: User,
    *,
    ttl_seconds: int,
    client: ClientInfo,
    now: datetime | None = None,
) -> str:
    """Open a session for ``user`` and return its token (flushes; the caller commits)."""
    row = sessions.open_session(
        session, user, now=now or wall_now(), ttl=timedelta(seconds=ttl_seconds), client=client
    )
    return tokens.dumps({"s": row.id})


def session_id_of(tokens: URLSafeTimedSerializer, token: str, max_age: int | None) -> str:
    """The session a token names (signature and, unless ``max_age`` is None, age checked)."""
    try:
        data = tokens.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise NotAuthenticated("登录已过期，请重新登录", "the token has expired") from exc
    except BadSignature as exc:
        raise NotAuthenticated("登录凭证无效", "the token is invalid") from exc
    session_id = data.get("s") if isinstance(data, dict) else None
    if not isinstance(session_id, str) or not session_id:
        raise NotAuthenticated("登录凭证无效", "the token names no session")
    return session_id


def resolve_token(
    session: Session,
    tokens: URLSafeTimedSerializer,
    token: str,
    max_age: int,
    now: datetime,
    cache_seconds: float = 0.0,
) -> tuple[UserSession, User]:
    """The live session a token names and its user, or ``NotAuthenticated`` (``cache_seconds``:
    see ``approvals.sessions``; the rows may then be detached from ``session``)."""
    session_id = session_id_of(tokens, token, max_age)
    found = sessions.find_active(session, session_id, now, cache_seconds)
    if found is None:
        raise NotAuthenticated("登录凭证已失效，请重新登录", "the session has ended")
    return found


def resolve_cached(
    tokens: URLSafeTimedSerializer, token: str, max_age: int, now: datetime, cache_seconds: float
) -> tuple[UserSession, User] | None:
    """``resolve_token``'s answer when the sign-in cache holds a live one (no statement);
    None when it must be asked (not cached, ended). ``NotAuthenticated`` for a bad token."""
    session_id = session_id_of(tokens, token, max_age)
    return sessions.find_cached(session_id, now, cache_seconds)
