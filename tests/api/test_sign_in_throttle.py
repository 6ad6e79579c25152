"""Sign-in throttling: five wrong passwords for a username within 15 minutes lock it for 15
minutes (429 with Retry-After, a Chinese message), even for the right password; one client
address is limited across usernames; both are counted in the database and audited. The
per-address limit is set low here (``EIA_SIGN_IN_ADDRESS_MAX_FAILURES``; 30 by default) so the
test pays for few password checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import models
from approvals.seed import DEMO_PASSWORD
from core.settings import Settings
from models import AuditEvent
from tests.helpers import page_form_token

LOCK_MINUTES = 15
ADDRESS_LIMIT = 8


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with the documented per-username limits and a low address limit."""
    assert (settings.sign_in_max_failures, settings.sign_in_lock_minutes) == (5, LOCK_MINUTES)
    return settings.model_copy(update={"sign_in_address_max_failures": ADDRESS_LIMIT})


def _attempt(client: TestClient, username: str, password: str) -> tuple[int, dict[str, str], str]:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    return response.status_code, dict(response.headers), response.text


def _age_attempts(engine: Engine, minutes: int) -> None:
    """Move every recorded sign-in attempt ``minutes`` into the past (time passing)."""
    with Session(engine) as session:
        for attempt in session.exec(select(models.LoginAttempt)).all():
            attempt.attempted_at -= timedelta(minutes=minutes)
            session.add(attempt)
        session.commit()


def test_fifteen_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too(
    client: TestClient, engine: Engine
) -> None:
    statuses = [_attempt(client, "shouli", f"wrong-{n}")[0] for n in range(15)]
    assert statuses == [401] * 4 + [429] * 11

    status, headers, body = _attempt(client, "shouli", DEMO_PASSWORD)
    assert status == 429
    assert "登录失败次数过多" in body and "15分钟" in body and "锁定" in body
    assert 0 < int(headers["retry-after"]) <= LOCK_MINUTES * 60

    page = client.post(
        "/login",
        data={
            "username": "shouli",
            "password": DEMO_PASSWORD,
            "csrf_token": page_form_token(client),
        },
        follow_redirects=False,
    )
    assert page.status_code == 429 and "锁定" in page.text and "eia_session" not in page.cookies
    assert _attempt(client, "kezhang", DEMO_PASSWORD)[0] == 200  # only this username is locked

    with Session(engine) as session:
        locked = session.exec(select(AuditEvent).where(AuditEvent.action == "sign_in_locked")).all()
    assert [e.actor_name for e in locked] == ["shouli"]

    _age_attempts(engine, LOCK_MINUTES + 1)  # the lock has run out
    assert _attempt(client, "shouli", DEMO_PASSWORD)[0] == 200


def test_a_success_resets_the_count_of_failures(client: TestClient) -> None:
    for _ in range(4):
        assert _attempt(client, "lingdao", "wrong")[0] == 401
    assert _attempt(client, "lingdao", DEMO_PASSWORD)[0] == 200
    assert _attempt(client, "lingdao", "wrong")[0] == 401  # a fresh count: not locked


@pytest.fixture
def second_address(client: TestClient) -> Iterator[TestClient]:
    """The same app, reached from another client address."""
    with TestClient(client.app, client=("192.0.2.44", 50000)) as other:  # type: ignore[arg-type]
        yield other


def test_one_address_failing_across_usernames_is_throttled_but_others_are_not(
    client: TestClient, second_address: TestClient
) -> None:
    statuses = [_attempt(client, f"nobody{n}", "guess")[0] for n in range(ADDRESS_LIMIT)]
    assert statuses == [401] * ADDRESS_LIMIT
    status, headers, body = _attempt(client, "jiancha", DEMO_PASSWORD)
    assert status == 429 and "请稍后再试" in body and int(headers["retry-after"]) > 0
    assert _attempt(second_address, "jiancha", DEMO_PASSWORD)[0] == 200
