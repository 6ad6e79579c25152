"""``api.answers.json_answer`` sends what FastAPI's ``response_model`` would have sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from api.answers import json_answer
from models import Role, Status, Track, WarningLevel
from models.schemas import ApplicationPublic

CASE = ApplicationPublic(
    id=7, number="410100-EIA01-20261120-0001", version=2, item_code="EIA-01",
    item_name="报告书审批", item_version=1, status=Status.DRAFT, status_label="草稿",
    project_name="“项目”\n二期", site="郑州", district="金水区", industry_code="3421",
    total_investment=Decimal("10.50"), env_investment=Decimal("1"), consultant="某咨询公司",
    applicant_name="某企业", created_at=datetime(2026, 11, 20, 2, 0, 1, 5, tzinfo=UTC),
    submitted_at=None, received_on=date(2026, 11, 21), accepted_on=None, decided_on=None,
    next_role=Role.APPLICANT, actions=["submit"], track=Track.STANDARD,
    warning=WarningLevel.NONE, due_on=None, due_provisional=False,
)  # fmt: skip


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/model", response_model=ApplicationPublic, status_code=201)
    def by_model(response: Response) -> ApplicationPublic:
        response.headers["X-Mark"] = "1"
        return CASE

    @app.post("/answer", response_model=ApplicationPublic, status_code=201)
    def by_answer(response: Response) -> Response:
        response.headers["X-Mark"] = "1"
        return json_answer(CASE, response, 201)

    return app


def test_the_same_bytes_status_and_headers() -> None:
    with TestClient(_app()) as client:
        expected, got = client.post("/model"), client.post("/answer")
    assert got.content == expected.content
    assert got.status_code == expected.status_code == 201
    assert got.headers["content-type"] == expected.headers["content-type"]
    assert got.headers["x-mark"] == "1"
    assert got.json()["total_investment"] == "10.50"
