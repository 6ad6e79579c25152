"""Request body limits per route, counted as the bytes arrive.

A route that takes JSON or a plain form reads at most ``EIA_MAX_JSON_BYTES`` (1 MiB); a route
marked with ``accepts_uploads(files)`` reads at most ``files`` × ``EIA_MAX_UPLOAD_BYTES`` plus
the multipart framing, where ``files`` is a number or ``ITEM_MATERIALS`` (as many files as the
item named by the path's ``item_code`` has materials). Each file is checked against the per-file
limit again when it is read (``api.uploads``).

The limit is applied when the application first reads the body, after routing (so the route,
its path parameters and the limit are known): a declared ``Content-Length`` over the limit is
refused before a byte is read, and a chunked body (no ``Content-Length``) is refused as soon as
the bytes received pass it. Either way the client gets 413 in the error body every error uses
(``api.errors`` renders ``BodyTooLarge``), and the server keeps nothing of the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from approvals.catalogue import Catalogue
from core.settings import Settings

MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the form's text fields
ITEM_MATERIALS = 0  # ``accepts_uploads(ITEM_MATERIALS)``: one file per material of the item
MAX_FILES_PER_REQUEST = 12  # the most materials an item has (a correction may resend them all)
_FILES = "__eia_upload_files__"
F = TypeVar("F", bound=Callable[..., Any])


def accepts_uploads(files: int) -> Callable[[F], F]:
    """Mark an endpoint as taking up to ``files`` uploaded files (or ``ITEM_MATERIALS``)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _FILES, files)
        return endpoint

    return mark


@dataclass(frozen=True)
class Limit:
    """The most a route reads: ``request`` bytes in all, ``per_file`` for each upload."""

    request: int
    per_file: int | None = None


class BodyTooLarge(HTTPException):
    """The body passed its route's limit (an ``HTTPException``: FastAPI re-raises it from the
    body parsing unchanged, and ``api.errors`` answers 413)."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(413, f"the request body exceeds {limit.request} bytes")
        self.limit = limit


def route_limit(settings: Settings, catalogue: Catalogue, scope: Scope) -> Limit:
    """The limit of the route the router chose for this request."""
    files = getattr(scope.get("endpoint"), _FILES, None)
    if files is None:
        return Limit(settings.max_json_bytes)
    if files == ITEM_MATERIALS:
        code = str(scope.get("path_params", {}).get("item_code", ""))
        files = max(1, len(catalogue.get(code).materials)) if code in catalogue else 1
    return Limit(files * settings.max_upload_bytes + MULTIPART_OVERHEAD, settings.max_upload_bytes)


class BodyLimit:
    """ASGI middleware: the body of every HTTP request is read through a counting ``receive``
    that raises ``BodyTooLarge`` past the route's limit (see the module docstring)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], Limit]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: Limit | None = None
        received = 0

        async def counted() -> Message:
            nonlocal limit, received
            if limit is None:  # the first read: the router has put the route in the scope
                limit = self.limit_for(scope)
                declared = _content_length(scope)
                if declared is not None and declared > limit.request:
                    raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.request:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
