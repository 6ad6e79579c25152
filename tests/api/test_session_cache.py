"""The sign-in cache (``approvals.sessions``): a steady client costs no statement for its
sign-in; a logout, a disabled account or a changed user takes effect at once on the process
that made the change; a revocation made elsewhere holds only until the entry ages out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from api.app import create_app
from approvals import sessions
from core.db import session_scope
from core.settings import DispatchMode
from flows.runtime import Runtime
from models import User, UserSession
from tests.api.test_query_counts import counted
from tests.helpers import sign_in


def _client(runtime: Runtime, seconds: float) -> TestClient:
    settings = runtime.settings.model_copy(
        update={"session_cache_seconds": seconds, "dispatch_mode": DispatchMode.PREFECT}
    )
    app = create_app(
        settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
    )
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def cached(runtime: Runtime, seeded: Engine) -> Iterator[TestClient]:
    sessions.CACHE.clear()
    with _client(runtime, 60) as client:
        yield client
    sessions.CACHE.clear()


def _sign_in_statements(client: TestClient, engine: Engine, headers: dict[str, str]) -> int:
    with counted(engine) as statements:
        assert client.get("/api/me", headers=headers).status_code == 200
    return sum("user_session" in s for s in statements)


def test_a_steady_client_costs_no_statement_for_its_sign_in(
    cached: TestClient, runtime: Runtime
) -> None:
    token = sign_in(cached, "qiye")
    assert _sign_in_statements(cached, runtime.engine, token) == 1  # read once…
    assert _sign_in_statements(cached, runtime.engine, token) == 0  # …then from the cache


def test_without_the_cache_every_request_reads_its_sign_in(
    runtime: Runtime, seeded: Engine
) -> None:
    with _client(runtime, 0) as client:
        token = sign_in(client, "qiye")
        assert _sign_in_statements(client, runtime.engine, token) == 1
        assert _sign_in_statements(client, runtime.engine, token) == 1


def test_a_logout_ends_the_token_at_once_on_the_process_that_made_it(cached: TestClient) -> None:
    token = sign_in(cached, "qiye")
    assert cached.get("/api/me", headers=token).status_code == 200
    assert cached.post("/api/auth/logout", headers=token).status_code == 204
    assert cached.get("/api/me", headers=token).status_code == 401


def test_a_disabled_account_is_refused_at_once_on_the_process_that_disabled_it(
    cached: TestClient, runtime: Runtime
) -> None:
    admin, officer = sign_in(cached, "admin"), sign_in(cached, "shouli")
    assert cached.get("/api/me", headers=officer).status_code == 200
    with session_scope(runtime.engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "shouli")).one()
    off = cached.put(f"/api/admin/users/{officer_id}/active", json={"active": False}, headers=admin)
    assert off.status_code == 200, off.text
    assert cached.get("/api/me", headers=officer).status_code == 401


def test_a_user_changed_through_the_orm_is_read_again(cached: TestClient, runtime: Runtime) -> None:
    token = sign_in(cached, "qiye")
    assert cached.get("/api/me", headers=token).json()["display_name"] != "改名后的联系人"
    with session_scope(runtime.engine) as session:
        user = session.exec(select(User).where(User.username == "qiye")).one()
        user.display_name = "改名后的联系人"
        session.add(user)
        session.commit()
    assert cached.get("/api/me", headers=token).json()["display_name"] == "改名后的联系人"


def test_a_revocation_made_elsewhere_holds_until_the_entry_ages_out(
    runtime: Runtime, seeded: Engine
) -> None:
    sessions.CACHE.clear()
    with _client(runtime, 0.5) as client:
        token = sign_in(client, "qiye")
        assert client.get("/api/me", headers=token).status_code == 200
        # Another process revokes it: a plain UPDATE, which this process never sees.
        with runtime.engine.begin() as connection:
            connection.execute(
                update(UserSession)
                .where(UserSession.revoked_at.is_(None))  # type: ignore[union-attr]  # a column
                .values(revoked_at=UserSession.created_at)
            )
        assert client.get("/api/me", headers=token).status_code == 200  # within the TTL
        time.sleep(0.6)
        assert client.get("/api/me", headers=token).status_code == 401
    sessions.CACHE.clear()
