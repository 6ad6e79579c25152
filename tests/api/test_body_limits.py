"""Request bodies are limited per route as they arrive, chunked or not, on a real server:
JSON routes by ``max_json_bytes``, upload routes by their files × the upload limit."""

from __future__ import annotations

import json
import re
import select
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.body_limit import MULTIPART_OVERHEAD
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import Application
from tests.api.case_checks import expect_error, headers_for, row_count
from tests.api.live_server import served
from tests.helpers import PROJECT, page_login

MB = 1024 * 1024
CHUNK = 256 * 1024


@pytest.fixture
def live(runtime: Runtime, client: TestClient) -> Iterator[tuple[str, int]]:
    """The test app on uvicorn (``client`` seeds the accounts)."""
    app = create_app(
        runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    with served(app) as address:
        yield address


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        assert part, f"the server closed the connection without answering: {data!r}"
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        part = sock.recv(65536)
        assert part, "the connection closed inside the body"
        body += part
    return int(lines[0].split()[1]), headers, body


def _head(host: str, path: str, token: str, extra: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def _send_chunked(sock: socket.socket, total: int) -> tuple[int, tuple[int, dict[str, str], bytes]]:
    """Send a chunked JSON body of ``total`` bytes, stopping when the server answers;
    (bytes of body sent, the response)."""
    sent = 0
    opening = b'{"project_name": "'
    try:
        sock.sendall(b"%x\r\n%s\r\n" % (len(opening), opening))
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(b"%x\r\n%s\r\n" % (CHUNK, b"x" * CHUNK))
            sent += CHUNK
        else:
            sock.sendall(b'2\r\n"}\r\n0\r\n\r\n')
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed while we were still sending
    return sent, _read_response(sock)


def _healthy(host: str, port: int, token: str) -> None:
    with socket.create_connection((host, port), timeout=10) as sock:
        request = f"GET /api/applications HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
        sock.sendall(f"{request}\r\n".encode())
        status, _, body = _read_response(sock)
    assert status == 200, body


def _error(body: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(body)
    assert set(error) == {"error", "message", "message_en", "details"}
    assert error["error"] == "payload_too_large"
    return error


def test_a_60_mb_chunked_json_body_is_refused_early_and_the_server_stays_healthy(
    live: tuple[str, int], client: TestClient, runtime: Runtime
) -> None:
    host, port = live
    token = headers_for(client, "qiye")["Authorization"]
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(_head(host, "/api/applications", token, "Transfer-Encoding: chunked\r\n"))
        sent, (status, headers, body) = _send_chunked(sock, 60 * MB)

    assert status == 413, body
    error = _error(body)
    assert error["message"] == "请求内容超过大小上限（1 MB）"
    assert error["details"] == {"limit": MB, "request_limit": MB}
    assert headers["connection"] == "close"
    # Answered while the body was still coming (socket buffers hold a few MB at most).
    assert sent < 16 * MB, sent
    _healthy(host, port, token)
    assert row_count(runtime.engine, Application) == 0


def test_an_oversize_content_length_is_refused_before_the_body_is_sent(
    live: tuple[str, int], client: TestClient
) -> None:
    host, port = live
    token = headers_for(client, "qiye")["Authorization"]
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(_head(host, "/api/applications", token, f"Content-Length: {60 * MB}\r\n"))
        status, _, body = _read_response(sock)  # not one byte of the body was sent
    assert status == 413
    assert _error(body)["message_en"] == f"the request body exceeds {MB} bytes"
    _healthy(host, port, token)


def test_a_json_body_over_the_json_limit_is_413_in_process(
    client: TestClient, runtime: Runtime
) -> None:
    big = PROJECT | {"description": "说明" * (MB // 5)}  # ~1.2 MB of UTF-8
    response = client.post("/api/applications", json=big, headers=headers_for(client, "qiye"))
    body = expect_error(response, 413, "payload_too_large")
    assert body["details"]["limit"] == runtime.settings.max_json_bytes
    assert row_count(runtime.engine, Application) == 0


def test_the_apply_page_takes_as_many_files_as_the_item_has_materials(
    client: TestClient, runtime: Runtime
) -> None:
    item = client.get("/api/items/EIA-01").json()
    limit = len(item["materials"]) * runtime.settings.max_upload_bytes + MULTIPART_OVERHEAD
    assert page_login(client, "qiye").status_code == 303
    for declared, refused in [(limit + 1, True), (limit, False)]:
        response = client.post(
            "/apply/EIA-01",
            content=b"",
            headers={
                "Content-Type": "multipart/form-data; boundary=x",
                "Content-Length": str(declared),
            },
        )
        too_large = response.status_code == 413 and "文件超过大小上限（2 MB）" in response.text
        assert too_large is refused, (declared, response.status_code)
        assert re.search(r"<html lang=\"zh-CN\">", response.text)
