"""The OpenAPI as a contract: every error status an operation can send, declared with the body
that is really sent (``api.errors.error_response``), and file responses declared as files.

The error statuses are derived once, from what each operation is (signed in or public, has a
path id, a body, an upload, acts on a case, takes ``If-Match``), plus a short list of
per-operation extras; FastAPI's default 422 schema (``detail``) is replaced by the project's.
``tests/api/test_contract_fuzz.py`` holds the contract to what the server sends (schemathesis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

from approvals.catalogue.process.standard import Action

UNSAFE = frozenset({"post", "put", "patch", "delete"})
ERROR_REF = "#/components/schemas/ErrorBody"


class ErrorBody(BaseModel):
    """Every error of ``/api/*``: a stable code, a Chinese message for people, an English one
    for logs, and details (for 422 ``details.problems`` lists ``{field, problem}``; for 429
    ``details.retry_after_seconds``)."""

    error: str = Field(description="机器可读的错误码，如 not_found、invalid_input")
    message: str = Field(description="中文说明")
    message_en: str = Field(description="English message")
    details: dict[str, Any] = Field(description="附加信息")


ERRORS: dict[int, str] = {
    400: "请求体无法解析 / the body cannot be parsed",
    401: "未登录或令牌无效、已过期、已作废 / not signed in (WWW-Authenticate: Bearer)",
    403: "当前角色或账号无权执行此操作 / this role or account may not do this",
    404: "不存在，或当前账号无权查看 / not found, or not visible to this account",
    409: "办件当前状态不允许此操作，或已被他人先行处理 / not allowed in the case's state",
    412: "If-Match 与办件当前版本（ETag）不符 / If-Match does not match the case's ETag",
    413: "请求体或文件超过大小上限 / the body or a file is too large",
    415: "文件类型不符合要求 / the file type is not accepted",
    422: "输入不符合要求（details.problems 列出各字段） / the input does not validate",
    429: "尝试过多，请在 Retry-After 秒后重试 / too many attempts; retry after Retry-After",
    503: "数据库暂时不可用，请在 Retry-After 秒后重试 / the database is unavailable for now",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
    429: {"Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}},
    503: {"Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}},
}
# Statuses an operation sends beyond what its shape implies.
EXTRA: dict[tuple[str, str], tuple[int, ...]] = {
    ("post", "/api/auth/token"): (401, 429),
    ("post", "/api/applications"): (404,),  # an unknown item code
    ("post", "/api/register"): (429,),  # registrations per client address
    ("post", "/api/auth/password-reset"): (429,),
    ("post", "/api/public/notices/{notice_id}/comments"): (429,),  # comments per address
    ("post", "/api/public/notices/{notice_id}/hearing-requests"): (409, 429),  # late; per address
    ("post", "/api/admin/items/{code}/publish"): (409,),  # facts left to verify
    # 好差评: a follow-up acted on out of turn (already answered, in appeal, …)
    ("post", "/api/ratings/{rating_id}/answer"): (409,),
    ("post", "/api/ratings/{rating_id}/reply"): (409,),
    ("post", "/api/ratings/{rating_id}/appeal"): (409,),
    ("post", "/api/ratings/{rating_id}/appeal-decision"): (409,),
    # 靠前服务: a consultation acted on out of turn (guided already, slot taken, rated, linked)
    ("post", "/api/consultations/{consultation_id}/assign"): (409,),
    ("post", "/api/consultations/{consultation_id}/booking"): (409,),
    ("post", "/api/consultations/{consultation_id}/guidance"): (409,),
    ("post", "/api/consultations/{consultation_id}/links"): (409,),
    ("post", "/api/consultations/{consultation_id}/rating"): (409,),
}

BINARY = {"schema": {"type": "string", "format": "binary"}}
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "PDF 文件 / the PDF file", "content": {"application/pdf": BINARY}}
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON（默认）；format=csv 为 UTF-8 带 BOM 的 CSV，format=xlsx 为 Excel",
        "content": {"text/csv": {"schema": {"type": "string"}}, XLSX_TYPE: BINARY},
    }
}


def error_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses ``operation`` can answer, from its shape."""
    statuses: set[int] = set(EXTRA.get((method, path), ()))
    statuses.add(503)  # any operation may meet a database outage (api.errors: service_unavailable)
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if method in UNSAFE or body or any(p["in"] != "path" for p in parameters):
        statuses.add(422)  # every write is checked by the domain; a bad path id is a 404
    if body:
        statuses |= {400, 413}
        if "multipart/form-data" in body.get("content", {}):
            statuses.add(415)
    if method in UNSAFE and "{application_id}" in path:
        statuses.add(409)
    if any(p["in"] == "header" and p["name"].lower() == "if-match" for p in parameters):
        statuses.add(412)
    return statuses


def _declare(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # FastAPI's ``detail`` body, never sent: see below
            for status in sorted(error_statuses(method, path, operation)):
                response: dict[str, Any] = {
                    "description": ERRORS[status],
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                }
                if status in HEADERS:
                    response["headers"] = HEADERS[status]
                responses[str(status)] = response
    for name in ("ApplicationPublic", "ApplicationDetail"):
        actions = components.get(name, {}).get("properties", {}).get("actions")
        if actions is not None:  # what the caller may do now: see GET /api/reference/actions
            actions["items"]["enum"] = [action.value for action in Action]
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


def install_contract(app: FastAPI) -> None:
    """Generate the OpenAPI once with the error statuses declared."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _declare(generate())
        return app.openapi_schema  # type: ignore[return-value]  # set by _declare just above

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
