"""The HTML pages through TestClient with the session cookie (no browser), on both databases."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from api.auth import COOKIE_NAME
from approvals.accounts import hash_password
from approvals.seed import DEMO_PASSWORD
from core.db import session_scope
from models import Enterprise, Role, User
from tests import helpers
from tests.helpers import (
    DECLARED,
    PROJECT,
    create_submitted,
    minimal_pdf,
    required_materials,
    sign_in,
)


def page_login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Response:
    """Sign in through the login form (see ``tests.helpers.page_login``)."""
    return helpers.page_login(client, username, password)


def apply_form(
    client: TestClient, key: str, files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    **overrides: str,
) -> Response:  # fmt: skip
    fields = {k: v for k, v in PROJECT.items() if k != "item_code"} | DECLARED | overrides
    if files is None:
        files = [
            (f"file_{code}", (f"{code}.pdf", minimal_pdf(code), "application/pdf"))
            for code in required_materials(client, "EIA-01")
        ]
    return client.post(
        "/apply/EIA-01",
        data=fields | {"idempotency_key": key},
        files=files,
        follow_redirects=False,
    )


def my_cases(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/api/applications")  # the page cookie works for the API too
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_login_with_a_wrong_password_shows_a_chinese_error(client: TestClient) -> None:
    response = page_login(client, "qiye", "wrong-password")
    assert response.status_code == 401
    assert '<html lang="zh-CN">' in response.text
    assert "用户名或密码错误" in response.text
    assert COOKIE_NAME not in response.cookies


def test_login_sets_an_httponly_cookie_and_sends_each_role_home(client: TestClient) -> None:
    response = page_login(client, "qiye")
    assert response.status_code == 303 and response.headers["location"] == "/my"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert page_login(client, "shouli").headers["location"] == "/queue"
    assert client.get("/", follow_redirects=False).headers["location"] == "/queue"


def test_login_honours_next_only_for_local_paths(client: TestClient) -> None:
    for target, expected in [
        ("/cases/7", "/cases/7"),
        ("https://evil.example/x", "/my"),
        ("//evil.example/x", "/my"),
    ]:
        client.cookies.clear()
        response = client.post(
            "/login",
            data={
                "username": "qiye",
                "password": DEMO_PASSWORD,
                "next": target,
                "csrf_token": helpers.page_form_token(client),
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


def test_a_page_without_a_session_redirects_to_login(client: TestClient) -> None:
    response = client.get("/my", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/my"


def test_an_applicant_cannot_open_another_enterprises_case(
    client: TestClient, seeded: Engine
) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    with session_scope(seeded) as session:
        other = Enterprise(uscc="91410100MA9OTHER0X", name="别家企业", email="b@other.example")
        session.add(other)
        session.flush()
        session.add(
            User(username="bieqiye", display_name="别家企业（申请人）", role=Role.APPLICANT,
                 password_hash=hash_password(DEMO_PASSWORD), email="b@other.example",
                 enterprise_id=other.id)
        )  # fmt: skip
        session.commit()
    page_login(client, "bieqiye")
    response = client.get(f"/cases/{case['id']}")
    assert response.status_code == 404
    assert "不存在" in response.text
    assert case["project_name"] not in response.text


def test_staff_without_the_role_sees_no_action_form(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    accept_form = f'action="/cases/{case["id"]}/accept"'
    page_login(client, "lingdao")
    leader_view = client.get(f"/cases/{case['id']}")
    assert leader_view.status_code == 200
    assert accept_form not in leader_view.text and "<textarea" not in leader_view.text
    assert "当前环节由受理窗口办理" in leader_view.text
    page_login(client, "shouli")
    assert accept_form in client.get(f"/cases/{case['id']}").text


def test_a_page_post_from_a_foreign_origin_is_refused(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    refused = client.post(
        f"/cases/{case['id']}/accept",
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "跨站" in refused.text
    login = client.post(
        "/login",
        data={"username": "qiye", "password": DEMO_PASSWORD},
        headers={"Origin": "null"},
        follow_redirects=False,
    )
    assert login.status_code == 403
    same_site = client.post(
        f"/cases/{case['id']}/accept",
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert same_site.status_code == 303


def test_a_stale_page_gets_the_conflict_message(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    page = client.get(f"/cases/{case['id']}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    stale = client.post(f"/cases/{case['id']}/accept", data={"version": int(version.group(1)) - 1})
    assert stale.status_code == 200 and stale.url.path == f"/cases/{case['id']}"  # redirected
    assert "页面已过期" in stale.text
    assert client.get(f"/api/applications/{case['id']}").json()["status"] == "submitted"


def test_apply_with_a_non_pdf_file_shows_the_upload_error_and_creates_nothing(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    files = [
        (f"file_{code}", (f"{code}.pdf", b"just some text, not a PDF", "application/pdf"))
        for code in required_materials(client, "EIA-01")
    ]
    response = apply_form(client, "key-non-pdf", files, project_name="保留的项目名称")
    assert response.status_code == 303  # back to the form's GET: a reload never re-posts
    page = client.get(response.headers["location"])
    assert "不是PDF文件" in page.text
    assert "已填写的内容和已上传的材料都已保留" in page.text
    assert 'value="保留的项目名称"' in page.text
    assert my_cases(client) == []


def test_a_double_submit_of_one_idempotency_key_creates_one_application(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    first = apply_form(client, "double-click-key")
    second = apply_form(client, "double-click-key")
    assert first.status_code == second.status_code == 303
    case_url = first.headers["location"].split("?")[0]
    assert second.headers["location"].split("?")[0] == case_url
    assert "already_submitted" in second.headers["location"]
    [case] = my_cases(client)
    assert case["status"] == "submitted"
    page = client.get(first.headers["location"]).text
    assert case["number"] in page and "待受理" in page


def test_html_in_a_project_name_is_escaped_on_the_case_page(client: TestClient) -> None:
    page_login(client, "qiye")
    created = apply_form(client, "xss-key", project_name="<script>alert('x')</script>项目")
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"]).text
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page
