"""Sessions are rows on the server: logging out and changing the password revoke tokens, for
the API's bearer token and for the pages' cookie alike."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.seed import DEMO_PASSWORD
from models import AuditEvent
from tests.helpers import page_form_token, page_login

COOKIE = "eia_session"
NEW_PASSWORD = "换一个新密码-2026-green"


def _token(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _page_with_cookie(client: TestClient, cookie: str, path: str = "/queue") -> int:
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    status = client.get(path, follow_redirects=False).status_code
    client.cookies.clear()
    return status


def test_a_bearer_token_is_refused_after_logout_and_other_sessions_stay(
    client: TestClient,
) -> None:
    token, other = _token(client, "shouli"), _token(client, "shouli")
    assert client.get("/api/me", headers=_bearer(token)).status_code == 200

    out = client.post("/api/auth/logout", headers=_bearer(token))
    assert out.status_code == 204, out.text

    refused = client.get("/api/me", headers=_bearer(token))
    assert refused.status_code == 401 and refused.json()["error"] == "not_authenticated"
    assert client.post("/api/auth/logout", headers=_bearer(token)).status_code == 401
    assert client.get("/api/me", headers=_bearer(other)).status_code == 200


def test_page_logout_revokes_the_cookie_on_the_server(client: TestClient) -> None:
    page_login(client, "shouli")
    cookie = client.cookies[COOKIE]
    assert _page_with_cookie(client, cookie) == 200

    client.cookies.set(COOKIE, cookie)
    out = client.post(
        "/logout", data={"csrf_token": page_form_token(client, "/queue")}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/login"

    assert _page_with_cookie(client, cookie) == 303  # back to the login page
    assert client.get("/api/me", headers=_bearer(cookie)).status_code == 401


def test_a_password_change_revokes_every_session_of_the_user(
    client: TestClient, seeded: Engine
) -> None:
    api_token = _token(client, "chengban")
    page_login(client, "chengban")
    cookie = client.cookies[COOKIE]
    client.cookies.clear()
    bystander = _token(client, "shouli")

    wrong = client.post(
        "/api/auth/password",
        json={"current_password": "not-it", "new_password": NEW_PASSWORD},
        headers=_bearer(api_token),
    )
    assert wrong.status_code == 422 and "当前密码" in wrong.json()["message"]
    changed = client.post(
        "/api/auth/password",
        json={"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD},
        headers=_bearer(api_token),
    )
    assert changed.status_code == 200, changed.text
    fresh = changed.json()["access_token"]

    assert client.get("/api/me", headers=_bearer(api_token)).status_code == 401
    assert _page_with_cookie(client, cookie) == 303
    assert client.get("/api/me", headers=_bearer(fresh)).json()["username"] == "chengban"
    assert client.get("/api/me", headers=_bearer(bystander)).status_code == 200
    old = client.post("/api/auth/token", data={"username": "chengban", "password": DEMO_PASSWORD})
    assert old.status_code == 401
    assert _token(client, "chengban", NEW_PASSWORD)
    with Session(seeded) as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert "password_changed" in actions


def test_a_short_new_password_is_refused_with_a_chinese_message(client: TestClient) -> None:
    token = _token(client, "kezhang")
    short = client.post(
        "/api/auth/password",
        json={"current_password": DEMO_PASSWORD, "new_password": "short"},
        headers=_bearer(token),
    )
    assert short.status_code == 422
    assert client.get("/api/me", headers=_bearer(token)).status_code == 200
