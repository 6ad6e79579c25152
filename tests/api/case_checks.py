"""What the API tests check after a refused request: the error body and the unchanged case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from approvals.accounts import hash_password
from models import Application, AuditEvent, Document, Enterprise, Material, Role, Status, User
from tests.helpers import minted_bearer

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b.*\b[A-Za-z]{2,}\b")
OTHER_USCC = "91350100M000100Y43"  # valid GB 32100-2015 code of a second enterprise


def expect_error(response: Response, status: int, code: str) -> dict[str, Any]:
    """The response is the documented error body with this status and code; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "message", "message_en", "details"}, body
    assert body["error"] == code, body
    assert _HAN.search(body["message"]), body["message"]
    assert _ENGLISH.search(body["message_en"]), body["message_en"]
    return body


@dataclass(frozen=True)
class CaseState:
    status: Status
    version: int
    events: int
    documents: int
    materials: int


def case_state(engine: Engine, application_id: int) -> CaseState:
    with Session(engine) as session:
        application = session.get(Application, application_id)
        assert application is not None

        def count(table: type[SQLModel], column: Any) -> int:
            query = select(func.count()).select_from(table).where(column == application_id)
            return int(session.exec(query).one())

        return CaseState(
            status=application.status,
            version=application.version,
            events=count(AuditEvent, AuditEvent.application_id),
            documents=count(Document, Document.application_id),
            materials=count(Material, Material.application_id),
        )


def row_count(engine: Engine, table: type[SQLModel]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def headers_for(client: TestClient, username: str) -> dict[str, str]:
    """A bearer token for a seeded user, issued as the sign-in endpoint issues it (without
    paying for an argon2 verification in every test; ``sign_in`` covers the password path)."""
    return minted_bearer(client.app, username)


def add_other_applicant(engine: Engine, username: str, password: str) -> None:
    """A second enterprise with its own applicant account."""
    with Session(engine) as session:
        enterprise = Enterprise(
            uscc=OTHER_USCC,
            name="福州闽江环保科技有限公司",
            email="contact@minjiang.example",
            address="福州市鼓楼区五四路1号",
        )
        session.add(enterprise)
        session.flush()
        session.add(
            User(
                username=username,
                display_name="福州闽江环保科技有限公司（申请人）",
                password_hash=hash_password(password),
                role=Role.APPLICANT,
                email="contact@minjiang.example",
                enterprise_id=enterprise.id,
            )
        )
        session.commit()
