"""Dates a person enters stay within the range that makes sense for the field: a 422 with a
Chinese message naming the field otherwise, and nothing recorded."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from approvals.clock import SHANGHAI, FixedClock
from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from flows.runtime import Runtime
from models import Panel, PostalDispatch, SiteInspection
from tests.api.case_checks import expect_error, headers_for, row_count
from tests.helpers import create_submitted

POSTAL = {"courier": "中国邮政EMS", "waybill": "1180123456789"}
START = {
    "needed": ["air", "water"],
    "seed": 4242,
    "meeting_at": "2026-11-25T09:30:00",  # no zone: Zhengzhou time
    "video_link": "https://meeting.example/j/123",
}


def _refused_case(client: TestClient) -> int:
    """A case refused at intake on 2026-11-20 (the test clock's day): it has a final result."""
    case_id = int(create_submitted(client, headers_for(client, "qiye"))["id"])
    refused = client.post(
        f"/api/applications/{case_id}/refuse",
        json={"reasons": "不属于本机关职权范围。"},
        headers=headers_for(client, "shouli"),
    )
    assert refused.json()["decided_on"] == "2026-11-20", refused.text
    return case_id


@pytest.mark.parametrize(
    ("sent_on", "bound"),
    [
        ("1900-01-01", "不能早于办结日期（2026-11-20）"),
        ("2026-11-19", "不能早于办结日期（2026-11-20）"),
        ("2026-11-21", "不能晚于今天（2026-11-20）"),
        ("2999-12-31", "不能晚于今天（2026-11-20）"),
    ],
)
def test_a_postal_dispatch_is_dated_between_the_decision_and_today(
    client: TestClient, runtime: Runtime, sent_on: str, bound: str
) -> None:
    case_id = _refused_case(client)
    intake = headers_for(client, "shouli")
    url = f"/api/applications/{case_id}/postal"

    response = client.post(url, json=POSTAL | {"sent_on": sent_on}, headers=intake)

    body = expect_error(response, 422, "invalid_input")
    assert body["message"] == f"寄出日期（sent_on）{bound}"
    assert body["details"]["field"] == "sent_on"
    assert row_count(runtime.engine, PostalDispatch) == 0
    today = client.post(url, json=POSTAL | {"sent_on": "2026-11-20"}, headers=intake)
    assert today.status_code == 201, today.text


@pytest.mark.parametrize("field", ["decided_from", "decided_to"])
@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31"])
def test_report_periods_are_bounded(client: TestClient, field: str, day: str) -> None:
    response = client.get(
        "/api/audit/turnaround", params={field: day}, headers=headers_for(client, "jiancha")
    )
    body = expect_error(response, 422, "invalid_input")
    assert body["details"]["field"] == field
    assert "办结日期" in body["message"] and f"（{field}）" in body["message"]


def _accepted_case(client: TestClient, engine: Engine, clock: FixedClock) -> int:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
    case_id = int(create_submitted(client, headers_for(client, "qiye"))["id"])
    accepted = client.post(
        f"/api/applications/{case_id}/accept", headers=headers_for(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    return case_id


def test_a_joint_review_meeting_is_between_acceptance_and_a_year_ahead(
    client: TestClient, runtime: Runtime, engine: Engine, clock: FixedClock
) -> None:
    case_id = _accepted_case(client, engine, clock)
    officer = headers_for(client, "chengban")
    url = f"/api/applications/{case_id}/joint-review"
    for meeting_at, bound in [
        ("1900-01-01T09:00:00+08:00", "不能早于受理日期（2026-11-20）"),
        ("2999-12-31T09:00:00+08:00", "不能晚于一年之内（2027-11-24）"),
    ]:
        response = client.post(url, json=START | {"meeting_at": meeting_at}, headers=officer)
        body = expect_error(response, 422, "invalid_input")
        assert body["message"] == f"会议时间（meeting_at）{bound}"
    assert row_count(runtime.engine, Panel) == 0

    started = client.post(url, json=START, headers=officer)  # naive: taken as Zhengzhou time
    assert started.status_code == 201, started.text

    inspection = f"/api/applications/{case_id}/joint-review/site-inspection"
    for at, bound in [
        ("2026-11-24T09:00:00+08:00", "不能晚于今天（2026-11-23）"),
        ("2026-01-01T09:00:00+08:00", "不能早于专家抽取日期（2026-11-23）"),
    ]:
        response = client.post(
            inspection, data={"at": at, "participants": "李承办,王建国"}, headers=officer
        )
        body = expect_error(response, 422, "invalid_input")
        assert body["message"] == f"踏勘时间（at）{bound}"
    assert row_count(runtime.engine, SiteInspection) == 0
