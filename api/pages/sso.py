"""Sign-in through the bureau's 统一身份认证平台 (OpenID Connect), when configured: the
redirect to the provider and the callback that opens a session for the mapped account."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api import oidc
from api.auth import wall_now
from api.csrf import cookie_secure
from api.deps import ServicesDep, SessionDep
from api.pages.security import home_for, safe_next, signed_in_redirect
from api.templating import render_page
from approvals.errors import DomainError, NotFound
from approvals.single_sign_on import account_for

router = APIRouter()

STATE_COOKIE = "eia_oidc"
STATE_SALT = "eia-oidc-state"
STATE_MAX_AGE = 600  # seconds to sign in at the provider


def _signer(services: ServicesDep) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services.settings.secret_key, salt=STATE_SALT)


def _require_enabled(services: ServicesDep) -> None:
    if not oidc.enabled(services.settings):
        raise NotFound("未启用统一身份认证登录", "single sign-on is not configured")


@router.get("/login/oidc")
def start(request: Request, services: ServicesDep, next: str = "") -> Response:
    _require_enabled(services)
    try:
        url, pending = oidc.start(services.settings, safe_next(next) or "")
    except DomainError as exc:
        return _login_error(request, exc)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        _signer(services).dumps(asdict(pending)),
        max_age=STATE_MAX_AGE,
        path="/login/oidc",
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: the cookie comes
        secure=cookie_secure(request, services.settings),
    )
    return response


@router.get("/login/oidc/callback")
def callback(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    state: str = "",
    code: str = "",
    error: str = "",
) -> Response:
    _require_enabled(services)
    try:
        pending = oidc.Pending(
            **_signer(services).loads(request.cookies.get(STATE_COOKIE, ""), max_age=STATE_MAX_AGE)
        )
    except (BadSignature, TypeError):
        return _login_error(request, None, "统一身份认证登录已超时或无效，请重新登录")
    if error:
        return _login_error(request, None, "已在统一身份认证平台取消登录或未授权")
    try:
        claims = oidc.finish(services.settings, pending, state, code)
        user = account_for(
            session, claims, oidc.mapping(services.settings),
            issuer=services.settings.oidc_issuer, now=wall_now(),
        )  # fmt: skip
    except DomainError as exc:
        return _login_error(request, exc)
    response = signed_in_redirect(request, services, session, user, pending.next or home_for(user))
    response.delete_cookie(STATE_COOKIE, path="/login/oidc")
    return response


def _login_error(request: Request, exc: DomainError | None, message: str = "") -> Response:
    return render_page(
        request,
        "login.html",
        {"next": "", "username": "", "error": exc.message_zh if exc else message, "flash": ""},
        status_code=401 if exc is None else 403 if exc.code == "permission_denied" else 401,
    )
