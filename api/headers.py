"""Security headers on every response: pages, API, assets, errors and redirects.

The pages load scripts and styles from ``/assets`` only (no inline script, style or event
handler), so their policy is ``'self'`` throughout. Swagger UI (``/docs``) and ReDoc
(``/redoc``) load their bundles from the app too (``api.docs``, no CDN); ReDoc needs inline
styles, so those two paths allow them.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_COMMON = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_POLICY = f"{_COMMON}; script-src 'self'; style-src 'self'; font-src 'self'"
# Swagger UI and ReDoc run from the app's own bundles (api.docs); ReDoc adds <style> elements
# at run time and parses the schema in a blob: worker.
DOCS_POLICY = (
    f"{_COMMON}; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
    "worker-src 'self' blob:"
)
# FastAPI's OAuth2 redirect page for Swagger UI is one inline script.
REDIRECT_POLICY = f"{_COMMON}; script-src 'self' 'unsafe-inline'; style-src 'self'"
DOCS_PATHS = frozenset({"/docs", "/redoc"})
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class SecurityHeaders:
    """Pure ASGI middleware (no request body buffering): adds the headers as the response
    starts, so responses from mounted apps (``/assets``) and error handlers get them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
        if path == "/docs/oauth2-redirect":
            policy = REDIRECT_POLICY
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                for name, value in FIXED.items():
                    headers[name] = value
                if https:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)
