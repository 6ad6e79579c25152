"""Post/redirect/get for a refused page form: the Chinese message and what was typed travel in
a short-lived, signed, HttpOnly cookie scoped to the page, never in the address. The browser
lands on a GET of the page (reloading it never re-posts), which shows them once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.csrf import cookie_secure
from api.services import AppServices

REFUSAL_COOKIE = "eia_refusal"
REFUSAL_MAX_AGE = 300  # seconds: long enough for the redirect, short enough to go stale
# Browsers keep cookies up to 4096 bytes; a longer form is shown again in place (no redirect).
MAX_COOKIE_BYTES = 3800


@dataclass(frozen=True)
class Refusal:
    """A refused form waiting to be shown: the message, the field it is about, what was typed."""

    error: str
    values: dict[str, Any]
    field: str = ""

    def context(self) -> dict[str, Any]:
        """As the admin pages' templates read it."""
        return {"error": self.error, "error_field": self.field, "values": self.values}


def _signer(services: AppServices) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services.settings.secret_key, salt="eia-page-refusal")


def refused_redirect(
    request: Request,
    services: AppServices,
    user_id: int | None,
    path: str,
    error: str,
    values: Mapping[str, Any],
    *,
    field: str = "",
    anchor: str = "",
    query: str = "",
) -> Response | None:
    """A 303 to ``path`` (with ``query``) carrying the refusal; None when it does not fit in a
    cookie."""
    data = {"u": user_id, "p": path, "e": error, "v": dict(values), "f": field}
    token = _signer(services).dumps(data)
    if len(token) > MAX_COOKIE_BYTES:
        return None
    target = f"{path}?{query}" if query else path
    response = RedirectResponse(f"{target}#{anchor}" if anchor else target, status_code=303)
    response.set_cookie(
        REFUSAL_COOKIE,
        token,
        max_age=REFUSAL_MAX_AGE,
        path=path,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, services.settings),
    )
    return response


def take_refusal(request: Request, services: AppServices, user_id: int | None) -> Refusal | None:
    """The refusal waiting for this page and this user, if any (the caller clears the cookie)."""
    token = request.cookies.get(REFUSAL_COOKIE)
    if not token:
        return None
    try:
        data: Any = _signer(services).loads(token, max_age=REFUSAL_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("p") != request.url.path:
        return None
    values = data.get("v")
    typed = {str(k): v for k, v in values.items()} if isinstance(values, dict) else {}
    return Refusal(str(data.get("e", "")), typed, str(data.get("f", "")))


def clear_refusal(response: Response, path: str) -> None:
    response.delete_cookie(REFUSAL_COOKIE, path=path)


def with_refusal(
    request: Request,
    services: AppServices,
    user_id: int | None,
    render: Callable[[dict[str, Any] | None], Response],
) -> Response:
    """A page's GET: ``render`` it with the refusal waiting for it (if any), shown once."""
    waiting = take_refusal(request, services, user_id)
    response = render(waiting.context() if waiting else None)
    if waiting is not None:
        clear_refusal(response, request.url.path)
    return response
