"""Typed dependencies: the session, the services, the signed-in user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.auth import COOKIE_NAME, resolve_token, wall_now
from api.csrf import UNSAFE_METHODS, refuse_cookie_for_api_write
from api.helper_acting import ACTING_HEADER, acting_user
from api.services import AppServices
from approvals import sessions
from approvals.errors import NotAuthenticated, PermissionDenied
from core.db import session_scope
from models import Role, User

_bearer = HTTPBearer(auto_error=False, description="POST /api/auth/token 获取")


def get_services(request: Request) -> AppServices:
    services: AppServices = request.app.state.services  # set once by api.app.create_app
    return services


ServicesDep = Annotated[AppServices, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with session_scope(services.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_user(
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
    request.state.user = user
    request.state.session_id = user_session.id
    return user


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Any:  # a Depends(...) marker, typed Any by FastAPI
    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied("当前角色无权访问", "this role may not use this endpoint")
        return user

    return Depends(check)
