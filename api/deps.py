"""Typed dependencies: the session, the services, the signed-in user.

Each sync dependency costs a trip to a worker thread and back (and under load a context switch
or two each way); the ones here do their I/O-free part on the event loop and go to a thread
only for I/O: the services and the role checks are ``async``, the session is made on the loop
(making one opens no connection) and closed in a thread (closing rolls back on the
connection), and a signed-in user found in the sign-in cache is answered on the loop (a cache
miss, a ``last_seen_at`` to refresh or a helper acting for an enterprise go to a thread).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.auth import COOKIE_NAME, resolve_cached, resolve_token, wall_now
from api.csrf import UNSAFE_METHODS, refuse_cookie_for_api_write
from api.helper_acting import ACTING_HEADER, acting_user
from api.services import AppServices
from approvals import sessions
from approvals.errors import NotAuthenticated, PermissionDenied
from core.db import end_session
from models import Role, User, UserSession

_bearer = HTTPBearer(auto_error=False, description="POST /api/auth/token 获取")


async def get_services(request: Request) -> AppServices:
    services: AppServices = request.app.state.services  # set once by api.app.create_app
    return services


ServicesDep = Annotated[AppServices, Depends(get_services)]


async def get_session(services: ServicesDep) -> AsyncIterator[Session]:
    """The request's session (as ``core.db.session_scope``): rolled back on error, always
    closed, in a worker thread with a limiter of its own (as FastAPI ends a sync dependency:
    a full thread pool never holds up returning a connection) and shielded from cancellation
    (a client gone still gets its connection returned)."""
    session = Session(services.engine, expire_on_commit=False)
    failed = False
    try:
        yield session
    except BaseException:
        failed = True
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(
                end_session, session, failed, limiter=anyio.CapacityLimiter(1)
            )


SessionDep = Annotated[Session, Depends(get_session)]


async def get_current_user(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user of the bearer token, else of the page cookie. The cookie does not authenticate
    a state-changing ``/api/*`` request (403; see ``api.csrf``): pages post to their own routes,
    which check the Origin and the CSRF token."""
    token = credentials.credentials if credentials else request.cookies.get(COOKIE_NAME)
    if not token:
        raise NotAuthenticated("请先登录", "sign in first")
    if credentials is None and request.method in UNSAFE_METHODS and _is_api(request):
        refuse_cookie_for_api_write(request, services.settings)
    now = wall_now()
    settings = services.settings
    cached = resolve_cached(
        services.tokens, token, settings.token_ttl_seconds, now, settings.session_cache_seconds
    )
    if (
        cached is not None
        and not sessions.needs_touch(cached[0], now)
        and ACTING_HEADER not in request.headers
    ):
        return _signed_in(request, *cached)  # no statement: answered on the event loop
    return await anyio.to_thread.run_sync(_user_of, request, services, session, token, now)


def _user_of(
    request: Request, services: AppServices, session: Session, token: str, now: datetime
) -> User:
    """``get_current_user``'s answer when it needs the database (in a worker thread)."""
    settings = services.settings
    user_session, user = resolve_token(
        session, services.tokens, token, settings.token_ttl_seconds, now,
        settings.session_cache_seconds,
    )  # fmt: skip
    if sessions.needs_touch(user_session, now):
        with services.engine.begin() as connection:
            sessions.touch(connection, user_session.id, now)
    # Detached with its columns loaded: an error page rendered after the session rolled back
    # can still show who is signed in (a user from the sign-in cache is detached already).
    if user in session:
        session.expunge(user)
    if ACTING_HEADER in request.headers:  # 帮办代办: a helper acting for an enterprise
        user = acting_user(request, session, services.clock, user)
    return _signed_in(request, user_session, user)


def _signed_in(request: Request, user_session: UserSession, user: User) -> User:
    request.state.user = user
    request.state.session_id = user_session.id
    return user


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Any:  # a Depends(...) marker, typed Any by FastAPI
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied("当前角色无权访问", "this role may not use this endpoint")
        return user

    return Depends(check)
