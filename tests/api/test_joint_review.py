"""Remote joint review (远程会审) through the API: the draw, declines, the expert portal's
isolation, quorum, the chair's conclusion, the applicant's revision, the paused clock; and the
green channel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import SHANGHAI, FixedClock
from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from flows import deadlines
from flows.runtime import Runtime
from models import Expert, User
from tests.helpers import create_submitted, minimal_pdf, sign_in

START = {
    "needed": ["air", "water"],
    "seed": 12345,
    "meeting_at": "2026-11-25T09:30:00+08:00",
    "video_link": "https://meeting.example/j/123",
}


@pytest.fixture
def pool(client: TestClient, engine: Engine) -> dict[int, str]:
    """expert id → username of the demo pool (in this test's database)."""
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        rows = session.exec(select(Expert.id, User.username).join(User, User.id == Expert.user_id))
        return {expert_id: username for expert_id, username in rows}


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _drafting_case(client: TestClient) -> tuple[int, dict[str, str]]:
    applicant = sign_in(client, "qiye")
    case = create_submitted(client, applicant)  # EIA-01, a report book: 5 experts
    client.post(f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli"))
    return case["id"], applicant


def _members(client: TestClient, case_id: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    panels = client.get(f"/api/applications/{case_id}/joint-review", headers=headers).json()
    return [m for m in panels[-1]["members"] if m["state"] == "invited"]


def test_a_report_book_goes_through_a_joint_review_with_a_revision_on_a_paused_clock(
    client: TestClient, clock: FixedClock, pool: dict[int, str]
) -> None:
    case_id, applicant = _drafting_case(client)
    officer = sign_in(client, "chengban")
    _on(clock, date(2026, 11, 23))
    started = client.post(f"/api/applications/{case_id}/joint-review", json=START, headers=officer)
    assert started.status_code == 201, started.text
    panel = started.json()
    assert panel["size"] == 5 and panel["seed"] == 12345
    members = _members(client, case_id, officer)
    chair = next(m for m in members if m["chair"])
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["status"] == "joint_review" and detail["clock"]["paused"] is True
    assert any(d["kind"] == "special_procedure_notice" for d in detail["documents"])

    outsider = next(u for i, u in pool.items() if i not in {m["expert_id"] for m in members})
    assert (
        client.get(f"/api/applications/{case_id}", headers=sign_in(client, outsider)).status_code
        == 404
    )
    not_member = client.post(
        f"/api/applications/{case_id}/joint-review/opinion",
        json={"conclusion": "pass", "opinion": "同意"},
        headers=sign_in(client, outsider),
    )
    assert not_member.status_code == 403

    decliner = next(m for m in members if not m["chair"])
    declined = client.post(
        f"/api/applications/{case_id}/joint-review/decline",
        headers=sign_in(client, pool[decliner["expert_id"]]),
    )
    assert declined.status_code == 200, declined.text
    members = _members(client, case_id, officer)
    assert decliner["expert_id"] not in {m["expert_id"] for m in members} and len(members) == 5

    chair_headers = sign_in(client, pool[chair["expert_id"]])
    early = client.post(f"/api/applications/{case_id}/joint-review/close", headers=chair_headers)
    assert early.status_code == 409  # no quorum yet
    votes = ["revise", "revise", "revise", "pass", "pass"]
    for member, vote in zip(sorted(members, key=lambda m: not m["chair"]), votes, strict=True):
        own = sign_in(client, pool[member["expert_id"]])
        assignments = client.get("/api/expert/assignments", headers=own).json()
        assert [a["application_id"] for a in assignments] == [case_id]
        sent = client.post(
            f"/api/applications/{case_id}/joint-review/opinion",
            headers=own,
            json={"conclusion": vote, "opinion": "补充大气预测\n核实废水去向"},
        )
        assert sent.status_code == 200, sent.text
    _on(clock, date(2026, 11, 26))
    closed = client.post(f"/api/applications/{case_id}/joint-review/close", headers=chair_headers)
    assert closed.status_code == 200 and closed.json()["conclusion"] == "revise"
    late = client.post(
        f"/api/applications/{case_id}/joint-review/opinion",
        headers=chair_headers,
        json={"conclusion": "pass", "opinion": "会后补充"},
    )
    assert late.status_code in (404, 409)  # the meeting is closed

    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["status"] == "revision"
    opinion = next(d for d in detail["documents"] if d["kind"] == "expert_opinion")
    assert opinion["number"] and opinion["download_url"]
    client.put(
        f"/api/applications/{case_id}/materials/report_full_text",
        headers=applicant,
        files={"file": ("修改稿.pdf", minimal_pdf("revised"), "application/pdf")},
    )
    assert (
        client.post(f"/api/applications/{case_id}/revision/submit", headers=applicant).status_code
        == 200
    )
    _on(clock, date(2026, 12, 1))
    confirmed = client.post(
        f"/api/applications/{case_id}/revision/review",
        headers=chair_headers,
        json={"confirmed": True},
    )
    assert confirmed.status_code == 200, confirmed.text
    _on(clock, date(2026, 12, 2))
    detail = client.get(f"/api/applications/{case_id}", headers=officer).json()
    assert detail["status"] == "drafting" and detail["clock"]["paused"] is False
    assert [p["reason"] for p in detail["pauses"]] == ["专家评审", "报告修改"]
    # accepted Fri 11-20; counted: 11-23 (the pause's first day) and 12-02; paused 11-24..12-01
    assert detail["clock"]["used"] == 2

    auditor = sign_in(client, "jiancha")
    replay = client.get(f"/api/audit/panels/{panel['panel_id']}/replay", headers=auditor).json()
    assert replay["identical"] is True and replay["seed"] == 12345


def test_a_draw_that_cannot_be_satisfied_says_which_constraint_failed_and_changes_nothing(
    client: TestClient, pool: dict[int, str]
) -> None:
    case_id, _ = _drafting_case(client)
    officer = sign_in(client, "chengban")
    everything = START | {"size": 3, "needed": ["air", "water", "noise", "radiation", "ecology"]}
    response = client.post(
        f"/api/applications/{case_id}/joint-review", json=everything, headers=officer
    )
    assert response.status_code == 422
    assert response.json()["details"]["constraint"] == "size_too_small_for_specialties"
    detail = client.get(f"/api/applications/{case_id}", headers=officer).json()
    assert detail["status"] == "drafting" and detail["pauses"] == []
    assert client.get(f"/api/applications/{case_id}/joint-review", headers=officer).json() == []


def test_the_green_channel_needs_authority_and_a_reason_and_jumps_the_queue(
    client: TestClient,
) -> None:
    applicant = sign_in(client, "qiye")
    first = create_submitted(client, applicant, project_name="普通项目")
    urgent = create_submitted(client, applicant, project_name="医疗废物应急处置项目")
    officer, chief = sign_in(client, "chengban"), sign_in(client, "kezhang")
    reason = {"justification": "汛后医疗废物处置能力紧缺，需特事特办尽快审批"}
    refused = client.post(
        f"/api/applications/{urgent['id']}/green-channel", json=reason, headers=officer
    )
    assert refused.status_code == 403
    short = client.post(
        f"/api/applications/{urgent['id']}/green-channel",
        json={"justification": "急"},
        headers=chief,
    )
    assert short.status_code == 422
    flagged = client.post(
        f"/api/applications/{urgent['id']}/green-channel", json=reason, headers=chief
    )
    assert flagged.status_code == 201, flagged.text
    queue = client.get("/api/queue", headers=sign_in(client, "shouli")).json()
    assert [c["id"] for c in queue] == [urgent["id"], first["id"]]
    assert queue[0]["track"] == "green"


def test_members_who_have_not_submitted_are_reminded_once_then_the_officer_is_told(
    client: TestClient, clock: FixedClock, runtime: Runtime, pool: dict[int, str]
) -> None:
    case_id, _ = _drafting_case(client)
    officer = sign_in(client, "chengban")
    client.post(f"/api/applications/{case_id}/joint-review", json=START, headers=officer)
    _on(clock, date(2026, 11, 24))  # before the meeting: nothing to remind
    assert deadlines.remind_experts(runtime) == 0
    _on(clock, date(2026, 11, 26))
    assert deadlines.remind_experts(runtime) == 5  # every member, once
    assert deadlines.remind_experts(runtime) == 0
    _on(clock, date(2026, 12, 1))  # three working days after the meeting: escalate
    assert deadlines.remind_experts(runtime) == 1  # the one case officer
    assert deadlines.remind_experts(runtime) == 0
