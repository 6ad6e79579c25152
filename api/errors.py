"""Domain errors mapped to HTTP, once. API paths answer JSON; pages answer an HTML page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.body_limit import BodyTooLarge
from api.templating import render_page
from approvals.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidInput,
    InvalidTransition,
    ItemNotAvailable,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    TooManyAttempts,
    UploadRejected,
)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    InvalidTransition: 409,
    ConcurrentUpdate: 409,
    PreconditionFailed: 412,
    PayloadTooLarge: 413,
    UploadRejected: 415,
    InvalidInput: 422,
    ItemNotAvailable: 422,
    TooManyAttempts: 429,
}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/api"


def error_response(
    request: Request,
    status: int,
    code: str,
    zh: str,
    en: str,
    details: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Response:
    headers = dict(headers or {})
    if "retry_after_seconds" in details:
        headers["Retry-After"] = str(details["retry_after_seconds"])
    if _wants_html(request):
        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        page = render_page(
            request,
            "error.html",
            {"status": status, "code": code, "message": zh, "message_en": en, "details": details},
            status_code=status,
        )
        page.headers.update(headers)
        return page
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = {"error": code, "message": zh, "message_en": en, "details": details}
    return JSONResponse(body, status_code=status, headers=headers or None)


logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached or dropped the connection (restart, failover, network):
    the request's transaction was rolled back, or (connection lost during the commit) it is
    unknown whether it committed; the client repeats it (with its Idempotency-Key where the
    operation takes one). Errors of the statement itself (constraints, data) are not this."""
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


PROBED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method some route accepts at this path (the ``Allow`` header of a 405): each
    method is matched against the routes in a fresh scope (included routers nest routes)."""
    allowed = []
    for method in PROBED_METHODS:
        scope = {
            "type": "http",
            "method": method,
            "path": request.scope["path"],
            "root_path": request.scope.get("root_path", ""),
            "headers": [],
        }
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _too_large(request: Request, exc: BodyTooLarge) -> Response:
    limit = exc.limit
    mb = (limit.per_file or limit.request) / (1024 * 1024)
    size = f"{mb:g} MB"
    zh = f"文件超过大小上限（{size}）" if limit.per_file else f"请求内容超过大小上限（{size}）"
    details = {"limit": limit.per_file or limit.request, "request_limit": limit.request}
    # Answered before the body was read to its end: the connection cannot be reused.
    headers = {"Connection": "close"}
    return error_response(request, 413, "payload_too_large", zh, str(exc.detail), details, headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return error_response(
            request, status_for(exc), exc.code, exc.message_zh, exc.message_en, exc.details
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if not is_database_unavailable(exc):
            raise exc  # a bug, not an outage: the server error it is
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return error_response(
            request,
            503,
            "service_unavailable",
            "系统暂时无法访问数据库，请稍后重试",
            "the database is unavailable; try again shortly",
            {"retry_after_seconds": DATABASE_RETRY_AFTER_SECONDS},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        in_path = [str(e["loc"][-1]) for e in exc.errors() if e["loc"][0] == "path"]
        if in_path:  # an id out of its column's range, or no number: the path names nothing
            return error_response(
                request,
                404,
                "not_found",
                "页面或资源不存在",
                "no resource has this path (a path parameter is out of range)",
                {"parameters": in_path},
            )
        problems = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "problem": e["msg"]}
            for e in exc.errors()
        ]
        fields = "、".join(p["field"] or "请求" for p in problems)
        return error_response(
            request,
            422,
            "invalid_input",
            f"输入不符合要求：{fields}",
            "the request does not validate",
            {"problems": problems},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            return _too_large(request, exc)
        zh = {404: "页面或资源不存在", 405: "不支持该请求方法"}.get(exc.status_code, "请求无法处理")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return error_response(
            request, exc.status_code, "http_error", zh, str(exc.detail), {}, headers
        )
