"""Page sessions: the signed cookie, same-origin POSTs with a CSRF token, safe redirects after
sign-in, sign-out that ends the session on the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from api.auth import COOKIE_NAME, client_of, issue_token, resolve_token, session_id_of, wall_now
from api.csrf import check_origin, cookie_secure, verify_csrf
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.navigation import QUEUE_ROLES, home_of
from api.services import AppServices
from approvals import sessions
from approvals.errors import NotAuthenticated, PermissionDenied
from models import Role, User

STAFF_ROLES = (
    Role.INTAKE_OFFICER,
    Role.CASE_OFFICER,
    Role.SECTION_CHIEF,
    Role.LEADER,
    Role.AUDITOR,
    Role.ADMIN,
)


async def same_origin(request: Request, services: ServicesDep) -> None:
    """Refuse a state-changing page request sent by another site's page: a foreign ``Origin``
    (the cookie is SameSite=Lax too), then a missing or wrong CSRF token (``api.csrf``)."""
    check_origin(request, services.settings)
    await verify_csrf(request, services)


@dataclass(frozen=True)
class Viewer:
    """What the page header shows of the signed-in user: a plain copy, still readable when an
    error page is rendered after the request's session was rolled back and closed (which
    expires and detaches the ``User`` row that ``get_current_user`` put on the request)."""

    id: int | None
    display_name: str
    role: Role


def _remember(request: Request, user: User) -> None:
    request.state.user = Viewer(user.id, user.display_name, user.role)


def signed_in(*roles: Role) -> Any:
    """``Depends``: the signed-in user, who must have one of ``roles`` (any role if none)."""

    def check(request: Request, user: CurrentUser) -> User:
        _remember(request, user)
        if roles and user.role not in roles:
            raise PermissionDenied("当前角色无权访问该页面", "this role may not open this page")
        return user

    return Depends(check)


PageUser = Annotated[User, signed_in()]
ApplicantUser = Annotated[User, signed_in(Role.APPLICANT)]
StaffUser = Annotated[User, signed_in(*STAFF_ROLES)]
QueueUser = Annotated[User, signed_in(*QUEUE_ROLES)]  # the roles that work a queue
AdminUser = Annotated[User, signed_in(Role.ADMIN)]


def optional_user(request: Request, services: ServicesDep, session: SessionDep) -> User | None:
    """The signed-in user, or None for a visitor (a stale cookie counts as signed out)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    try:
        settings = services.settings
        _, user = resolve_token(
            session, services.tokens, token, settings.token_ttl_seconds, wall_now(),
            settings.session_cache_seconds,
        )  # fmt: skip
    except NotAuthenticated:
        return None
    _remember(request, user)
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def home_for(user: User) -> str:
    """Where ``user``'s work is (see ``api.navigation``)."""
    return home_of(user.role)


def safe_next(target: str) -> str | None:
    """``target`` if it is a path on this site (``/cases/3``), else None: no open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def signed_in_redirect(
    request: Request, services: AppServices, session: Session, user: User, target: str
) -> RedirectResponse:
    """Open a session for ``user`` (committed) and send the browser on with its cookie."""
    ttl = services.settings.token_ttl_seconds
    token = issue_token(session, services.tokens, user, ttl_seconds=ttl, client=client_of(request))
    session.commit()
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=ttl,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, services.settings),
    )
    return response


def signed_out_redirect(
    request: Request, services: AppServices, session: Session, target: str = "/login"
) -> RedirectResponse:
    """End the cookie's session on the server (committed) and drop the cookie."""
    token = request.cookies.get(COOKIE_NAME)
    if token:
        try:
            session_id = session_id_of(services.tokens, token, max_age=None)
        except NotAuthenticated:
            session_id = None
        if session_id is not None:
            sessions.revoke(session, session_id, wall_now(), "logout")
            session.commit()
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, services.settings),
    )
    return response
