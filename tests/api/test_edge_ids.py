"""Ids in paths are bounded by their column type: an id no row can have is a 404 in the error
body (JSON on the API, the Chinese error page on pages), never a 500, for every route there is
and every route added later (the routes are enumerated, not listed)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models.types import ID_MAX
from tests.api.case_checks import expect_error, headers_for
from tests.api.live_server import served
from tests.helpers import PROJECT, create_submitted, page_login

HUGE = 2**63  # 9223372036854775808: one past SQLite's integer
OUT_OF_RANGE = [HUGE, ID_MAX + 1, 0]
USERS = ["qiye", "shouli", "chengban", "kezhang", "lingdao", "jiancha", "admin", "zj01"]
STRING_PARAMS = {"code": "EIA-01", "item_code": "EIA-01", "material_code": "report_full_text"}
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router keeps its routes there
            yield from _routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route


def integer_path_routes(app: Any) -> list[tuple[str, str, list[str]]]:
    """(method, path, names of its integer path parameters) of every route of the app,
    pages (left out of the OpenAPI schema) included."""
    found = []
    for route in _routes(app.routes):
        ints = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
        if ints:
            found.extend((method, route.path, ints) for method in sorted(route.methods))
    return found


def _fill(path: str, ints: list[str], value: int, which: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ints:
            return str(value if name == which else 1)
        return STRING_PARAMS.get(name, "x")

    return _PARAM.sub(one, path)


def test_every_integer_path_parameter_is_bounded_in_the_openapi_schema(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    integers = [
        (path, parameter["name"], parameter["schema"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
    ]
    assert len(integers) >= 30
    for path, name, bounds in integers:
        assert bounds.get("minimum", -1) >= 0 and bounds.get("maximum", HUGE) <= ID_MAX, (
            path,
            name,
            bounds,
        )


def test_an_id_no_row_can_have_is_404_on_every_route_for_every_role(
    client: TestClient, engine: Engine
) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)  # the expert accounts (zj01 …)
        session.commit()
    routes = integer_path_routes(client.app)
    assert len(routes) >= 60, len(routes)
    refused: dict[tuple[str, str], set[int]] = {}
    for username in USERS:
        bearer = headers_for(client, username)
        assert page_login(client, username).status_code == 303
        for method, path, ints in routes:
            api = path.startswith("/api/")
            for name in ints:
                for value in OUT_OF_RANGE:
                    url = _fill(path, ints, value, name)
                    response = client.request(
                        method, url, headers=bearer if api else {}, follow_redirects=False
                    )
                    assert response.status_code < 500, (username, method, url, response.text)
                    statuses = refused.setdefault((method, f"{path} {name}"), set())
                    statuses.add(response.status_code)
                    if response.status_code == 404 and api:
                        expect_error(response, 404, "not_found")
                    elif response.status_code == 404:  # the Chinese error page
                        assert response.headers["content-type"].startswith("text/html")
                        assert '<html lang="zh-CN">' in response.text, url
    # Every route refused the id itself for some role (not only with a 403 for the others).
    assert all(404 in statuses for statuses in refused.values()), {
        route: statuses for route, statuses in refused.items() if 404 not in statuses
    }


def test_a_version_no_case_can_have_in_if_match_is_refused_not_a_500(
    client: TestClient,
) -> None:
    case = create_submitted(client, headers_for(client, "qiye"))
    response = client.post(
        f"/api/applications/{case['id']}/accept",
        headers=headers_for(client, "shouli") | {"If-Match": str(HUGE)},
    )
    expect_error(response, 412, "precondition_failed")


def test_an_id_in_a_body_is_bounded_too(client: TestClient) -> None:
    for value in (HUGE, 0):
        response = client.post(
            "/api/applications",
            json=PROJECT | {"on_behalf_of": value},
            headers=headers_for(client, "qiye"),
        )
        problems = expect_error(response, 422, "invalid_input")["details"]["problems"]
        assert [p["field"] for p in problems] == ["on_behalf_of"]


def _exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send one request and read one response (bodies here carry Content-Length)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_huge_id_leaves_the_keep_alive_connection_usable(
    runtime: Runtime, client: TestClient
) -> None:
    token = headers_for(client, "qiye")["Authorization"]
    app = create_app(
        runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    with served(app) as (host, port), socket.create_connection((host, port), timeout=10) as sock:

        def get(path: str) -> bytes:
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\r\n"
            return _exchange(sock, request.encode())

        for _ in range(3):
            answer = get(f"/api/applications/{HUGE}")
            assert answer.startswith(b"HTTP/1.1 404"), answer[:200]
            assert "页面或资源不存在".encode() in answer
        assert get("/api/applications").startswith(b"HTTP/1.1 200")  # the same connection
