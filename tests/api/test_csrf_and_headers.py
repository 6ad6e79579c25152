"""Cross-site requests and response headers: the page cookie cannot drive the JSON API's
state-changing operations, page forms carry a CSRF token, every response carries the security
headers, and an unsupported method says which ones are allowed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import CSRF_HEADER, create_submitted, page_form_token, page_login, sign_in

EVIL = "http://evil.example"


def _status(client: TestClient, case_id: int) -> str:
    detail = client.get(f"/api/applications/{case_id}", headers=sign_in(client, "shouli"))
    return str(detail.json()["status"])


def test_a_cross_origin_cookie_post_to_the_api_is_refused_and_changes_nothing(
    client: TestClient,
) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")  # the intake officer's browser holds the page cookie
    client.headers.pop(CSRF_HEADER)

    forged = client.post(f"/api/applications/{case['id']}/accept", headers={"Origin": EVIL})
    assert forged.status_code == 403, forged.text
    assert forged.json()["error"] == "permission_denied" and "跨站" in forged.json()["message"]
    assert _status(client, case["id"]) == "submitted"

    cookie_only = client.post(
        f"/api/applications/{case['id']}/accept", headers={"Origin": "http://testserver"}
    )
    assert cookie_only.status_code == 403 and "Bearer" in cookie_only.json()["message_en"]
    assert _status(client, case["id"]) == "submitted"

    with_bearer = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert with_bearer.status_code == 200, with_bearer.text
    assert _status(client, case["id"]) != "submitted"  # accepted, handed on to drafting


def test_the_page_cookie_still_opens_api_downloads_linked_from_pages(client: TestClient) -> None:
    page_login(client, "qiye")
    assert client.get("/api/applications").status_code == 200


def test_a_page_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    token = client.headers.pop(CSRF_HEADER)
    page = client.get(f"/cases/{case['id']}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None and f'name="csrf_token" value="{token}"' in page

    for data in ({"version": version.group(1)}, {"version": version.group(1), "csrf_token": "x"}):
        refused = client.post(f"/cases/{case['id']}/accept", data=data, follow_redirects=False)
        assert refused.status_code == 403 and "页面已失效" in refused.text
        assert _status(client, case["id"]) == "submitted"

    accepted = client.post(
        f"/cases/{case['id']}/accept",
        data={"version": version.group(1), "csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303, accepted.text
    assert _status(client, case["id"]) != "submitted"  # accepted, handed on to drafting


def test_the_login_form_needs_its_token_too(client: TestClient) -> None:
    client.cookies.clear()
    bare = client.post(
        "/login", data={"username": "qiye", "password": "eia-demo-2026"}, follow_redirects=False
    )
    assert bare.status_code == 403 and "eia_session" not in bare.cookies
    token = page_form_token(client)
    ok = client.post(
        "/login",
        data={"username": "qiye", "password": "eia-demo-2026", "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_a_token_from_another_session_does_not_pass(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "kezhang")
    other_token = client.headers.pop(CSRF_HEADER)
    page_login(client, "shouli")
    client.headers.pop(CSRF_HEADER)
    refused = client.post(
        f"/cases/{case['id']}/accept", data={"csrf_token": other_token}, follow_redirects=False
    )
    assert refused.status_code == 403


# --- headers ----------------------------------------------------------------------------------


def _assert_security_headers(headers: Any) -> str:
    csp = str(headers["content-security-policy"])
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'self'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    return csp


@pytest.mark.parametrize(
    "path", ["/login", "/api/items", "/assets/pages.css", "/no-such-page", "/api/no-such", "/"]
)
def test_security_headers_are_on_pages_api_assets_errors_and_redirects(
    client: TestClient, path: str
) -> None:
    response = client.get(path, follow_redirects=False)
    csp = _assert_security_headers(response.headers)
    assert "'unsafe-inline'" not in csp and "cdn" not in csp


def test_swagger_ui_keeps_working_under_its_own_policy(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    csp = _assert_security_headers(docs.headers)
    assert "script-src 'self';" in csp and "http" not in csp  # no CDN: works offline
    for page in (docs, client.get("/redoc")):
        assert page.status_code == 200 and "http" not in page.text  # every asset from the app
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").status_code == 200


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # an inline script block
    re.compile(r"<style\b", re.I),  # an inline style block
    re.compile(r"\son[a-z]+\s*=", re.I),  # an inline event handler (onclick=, onsubmit=)
    re.compile(r"\sstyle\s*=", re.I),  # an inline style attribute
    re.compile(r"javascript:", re.I),
]


def test_pages_need_no_inline_script_or_style_under_the_policy(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    pages = {"qiye": [f"/cases/{case['id']}", "/my", "/apply", "/guide/EIA-01"]}
    pages |= {"shouli": [f"/cases/{case['id']}", "/queue"], "jiancha": ["/audit"]}
    for username, paths in pages.items():
        page_login(client, username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            for pattern in INLINE:
                found = pattern.search(response.text)
                assert found is None, (username, path, found and found.group(0))


def test_trace_and_other_unsupported_methods_get_405_with_allow(client: TestClient) -> None:
    collection = client.request("TRACE", "/api/applications")
    assert collection.status_code == 405
    allowed = {m.strip() for m in collection.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed and "TRACE" not in allowed
    assert collection.json()["error"] == "http_error"
    _assert_security_headers(collection.headers)

    login = client.request("PATCH", "/login")
    assert login.status_code == 405
    assert {m.strip() for m in login.headers["allow"].split(",")} >= {"GET", "POST"}
