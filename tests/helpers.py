"""Small helpers shared by tests."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from api.auth import issue_token
from approvals.seed import DEMO_PASSWORD
from approvals.sessions import ClientInfo
from approvals.uscc import check_character
from models import User
from simulator.sample_pdf import minimal_pdf

__all__ = [
    "CSRF_HEADER",
    "PROJECT",
    "create_submitted",
    "minimal_pdf",
    "minted_bearer",
    "page_form_token",
    "page_login",
    "required_materials",
    "sign_in",
]

CSRF_HEADER = "X-CSRF-Token"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def page_form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the forms on the page at ``path`` ("" when the page has none)."""
    match = _CSRF_FIELD.search(client.get(path).text)
    return match.group(1) if match else ""


def page_login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Response:
    """Sign in through the login form like a browser (its hidden CSRF token included). After a
    successful sign-in the client sends the session's CSRF token in the ``X-CSRF-Token`` header,
    so a test can post any page form as the signed-in user; tests of the CSRF check itself drop
    the header."""
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": page_form_token(client)},
        follow_redirects=False,
    )
    if response.status_code == 303:
        client.headers[CSRF_HEADER] = page_form_token(client, response.headers["location"])
    return response


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """A bearer token for ``username``. Against an in-process app and a demo account the token
    is minted by the app's own signer (each argon2 check costs ~0.1 s); otherwise (a live
    server, another password) it signs in through the API. Password sign-in itself is tested
    on its own (test_spine.py, e2e/test_pages.py)."""
    app = getattr(client, "app", None)
    if app is not None and password == DEMO_PASSWORD:
        return minted_bearer(app, username)
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def minted_bearer(app: Any, username: str) -> dict[str, str]:
    """A bearer token for a seeded user, issued by the app's own signer with a session row,
    as ``POST /api/auth/token`` issues it (without an argon2 check)."""
    services = app.state.services
    with Session(services.engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        token = issue_token(
            session,
            services.tokens,
            user,
            ttl_seconds=services.settings.token_ttl_seconds,
            client=ClientInfo(user_agent="tests.helpers"),
        )
        session.commit()
    return {"Authorization": f"Bearer {token}"}


PROJECT: dict[str, Any] = {
    "item_code": "EIA-01",
    "project_name": "郑州绿源精密机械年产5000台数控机床建设项目",
    "site": "郑州经济技术开发区第九大街88号",
    "district": "郑州经济技术开发区",
    "industry_code": "3421",
    "total_investment": "12000.00",
    "env_investment": "360.00",
    "consultant": "河南中环评价咨询有限公司",
}


# 投资项目代码与编制单位, as an applicant types them on the apply form of an EIA item
CONSULTANCY_USCC = "91410100MA44AB12C" + check_character("91410100MA44AB12C")
DECLARED: dict[str, str] = {
    "project_code": "2025-410122-04-01-600123",
    "consultancy_uscc": CONSULTANCY_USCC,
    "engineers": "张工 BH012345\n李工 BH067890",
}


def required_materials(client: TestClient, item_code: str) -> list[str]:
    item = client.get(f"/api/items/{item_code}").json()
    return [m["code"] for m in item["materials"] if m["required"]]


def create_submitted(
    client: TestClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    """Create an application, upload every required material, submit; returns the case."""
    body = PROJECT | overrides
    created = client.post("/api/applications", json=body, headers=headers)
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    for code in required_materials(client, body["item_code"]):
        uploaded = client.put(
            f"/api/applications/{application_id}/materials/{code}",
            files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
            headers=headers,
        )
        assert uploaded.status_code == 200, uploaded.text
    submitted = client.post(f"/api/applications/{application_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


def refused_page(client: TestClient, response: Response) -> str:
    """A refused page form goes back to its page by a redirect (post/redirect/get), which shows
    the message once: the text of that page (following the redirect if the client did not)."""
    if response.status_code == 303:
        response = client.get(response.headers["location"])
    else:
        assert [r.status_code for r in response.history] == [303], response.status_code
    assert response.status_code == 200, response.text[:300]
    return response.text
