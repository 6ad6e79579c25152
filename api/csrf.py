"""Cross-site request defences: the Origin check, the pages' CSRF token, cookie flags.

The choice (README, Security): the page session cookie authenticates the pages, and on the JSON
API only safe requests (the downloads and exports pages link to). A state-changing ``/api/*``
request must carry a Bearer token, which a browser never attaches on its own; sent with the
cookie alone it is refused (403), and named cross-site when its ``Origin`` is foreign.

Page forms carry a synchronizer token: HMAC-SHA256 of the secret key over the request's
anchor, which is the signed-in session's id, or before sign-in a random ``eia_csrf`` cookie
(the login form). A token from another session or another site's page does not verify. A
client may send the token in the ``X-CSRF-Token`` header instead of the ``csrf_token`` field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from api.auth import COOKIE_NAME, session_id_of
from api.services import AppServices
from approvals.errors import NotAuthenticated, PermissionDenied
from core.settings import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PRESESSION_COOKIE = "eia_csrf"
_NEW_PRESESSION = "csrf_presession"  # request.state: a pre-session value to set on the response


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Cookies are ``Secure`` when the request came over HTTPS (as the trusted proxy reports
    it, see ``EIA_FORWARDED_ALLOW_IPS``) or the public URL is HTTPS."""
    return request.url.scheme == "https" or settings.public_base_url.startswith("https://")


def check_origin(request: Request, settings: Settings) -> None:
    """Refuse a state-changing request sent by another site's page.

    A browser names the sending page's origin on every POST; an ``Origin`` that is present
    and is neither this host nor the configured public URL is a cross-site request. Requests
    without ``Origin`` (curl, old clients) pass this check (the CSRF token still applies).
    """
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    hosts = (request.headers.get("host", ""), urlsplit(settings.public_base_url).netloc)
    allowed = {host for host in hosts if host}
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or parts.netloc not in allowed:
        raise PermissionDenied(
            "请求来源不是本站页面，已拒绝（跨站请求）",
            f"cross-site request refused (Origin {origin!r})",
        )


def refuse_cookie_for_api_write(request: Request, settings: Settings) -> None:
    """A state-changing ``/api/*`` request authenticated by the page cookie alone: refused."""
    check_origin(request, settings)
    raise PermissionDenied(
        "接口的写操作须使用 Bearer 令牌（POST /api/auth/token 获取），不接受网页登录 Cookie",
        "state-changing API requests need a Bearer token; the page session cookie is not "
        "accepted for them",
    )


def _anchor(request: Request, services: AppServices) -> str | None:
    token = request.cookies.get(COOKIE_NAME)
    if token:
        try:  # the signature only: an expired or ended session still anchors its own forms
            return "s:" + session_id_of(services.tokens, token, max_age=None)
        except NotAuthenticated:
            pass
    presession = getattr(request.state, _NEW_PRESESSION, None) or request.cookies.get(
        PRESESSION_COOKIE
    )
    return f"a:{presession}" if presession else None


def _token(services: AppServices, anchor: str) -> str:
    key = hashlib.sha256(b"eia-csrf:" + services.settings.secret_key.encode()).digest()
    return hmac.new(key, anchor.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token a page's forms carry (a pre-session cookie is started if there is none)."""
    services: AppServices = request.app.state.services
    anchor = _anchor(request, services)
    if anchor is None:
        setattr(request.state, _NEW_PRESESSION, secrets.token_urlsafe(24))
        anchor = _anchor(request, services)
        assert anchor is not None
    return _token(services, anchor)


def remember_presession(request: Request, response: Response) -> None:
    """Set the pre-session cookie that ``csrf_token`` started for this page, if it did."""
    value = getattr(request.state, _NEW_PRESESSION, None)
    if value:
        services: AppServices = request.app.state.services
        response.set_cookie(
            PRESESSION_COOKIE,
            value,
            path="/",
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request, services.settings),
        )


async def verify_csrf(request: Request, services: AppServices) -> None:
    """Refuse a state-changing page request without the token of this session's forms."""
    if request.method not in UNSAFE_METHODS:
        return
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None:
        value = (await request.form()).get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    anchor = _anchor(request, services)
    if (
        not supplied
        or anchor is None
        or not hmac.compare_digest(supplied, _token(services, anchor))
    ):
        raise PermissionDenied(
            "页面已失效或来源无法确认，请刷新页面后重新提交",
            "the form's CSRF token is missing or does not match this session",
        )
