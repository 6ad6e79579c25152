"""Page sessions: the signed cookie, same-origin POSTs, safe redirects after sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from api.auth import COOKIE_NAME, issue_token, user_from_token
from api.deps import CurrentUser, ServicesDep, SessionDep
from approvals.errors import NotAuthenticated, PermissionDenied
from models import Role, User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STAFF_ROLES = (
    Role.INTAKE_OFFICER,
    Role.CASE_OFFICER,
    Role.SECTION_CHIEF,
    Role.LEADER,
    Role.AUDITOR,
    Role.ADMIN,
)


def same_origin(request: Request, services: ServicesDep) -> None:
    """Refuse a state-changing page request sent by another site's page.

    The cookie is SameSite=Lax already; a browser also names the sending page's origin on every
    POST, so an ``Origin`` that is present and is neither this host nor the configured public
    URL is a cross-site form post. Requests without ``Origin`` (curl, old clients) pass.
    """
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    hosts = (request.headers.get("host", ""), urlsplit(services.settings.public_base_url).netloc)
    allowed = {host for host in hosts if host}
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or parts.netloc not in allowed:
        raise PermissionDenied(
            "请求来源不是本站页面，已拒绝（跨站请求）",
            f"cross-site request refused (Origin {origin!r})",
        )


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


def optional_user(request: Request, services: ServicesDep, session: SessionDep) -> User | None:
    """The signed-in user, or None for a visitor (a stale cookie counts as signed out)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    try:
        user = user_from_token(session, services.tokens, token, services.settings.token_ttl_seconds)
    except NotAuthenticated:
        return None
    _remember(request, user)
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def home_for(user: User) -> str:
    if user.role is Role.EXPERT:
        return "/expert"  # 专家工作台
    return "/my" if user.role is Role.APPLICANT else "/queue"


def safe_next(target: str) -> str | None:
    """``target`` if it is a path on this site (``/cases/3``), else None: no open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def signed_in_redirect(
    request: Request, services: ServicesDep, user: User, target: str
) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        issue_token(services.tokens, user),
        max_age=services.settings.token_ttl_seconds,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def signed_out_redirect(target: str = "/login") -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response
