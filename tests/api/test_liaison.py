"""万人助万企: the administrator makes the demo enterprise a key enterprise with 李承办 as its
liaison; the liaison sees its cases and is mailed on a decision and a deadline warning; a
problem raised by the enterprise is escalated when overdue and closed only when the enterprise
confirms; auditors read the ledger's figures."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.clock import FixedClock
from flows import deadlines
from flows.runtime import Runtime
from models import AuditEvent, Enterprise, OutboxMail, User
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import accept
from tests.helpers import create_submitted

PROBLEM = {
    "title": "危废暂存间建设标准咨询",
    "description": "新建危废暂存间的防渗要求和标识规范不清楚，请协助明确。",
    "category": "policy",
}


def _ids(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        enterprise = session.exec(
            select(Enterprise).where(col(Enterprise.name).startswith("郑州绿源"))
        ).one()
        liaison = session.exec(select(User).where(User.username == "chengban")).one()
        return int(enterprise.id or 0), int(liaison.id or 0)


def make_key(client: TestClient, engine: Engine) -> tuple[int, int]:
    enterprise_id, liaison_id = _ids(engine)
    body = {"enterprise_id": enterprise_id, "liaison_id": liaison_id, "note": "市重点项目"}
    assigned = client.put("/api/key-enterprises", json=body, headers=headers_for(client, "admin"))
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["liaison_name"].startswith("李承办")
    return enterprise_id, liaison_id


def _mails_to(engine: Engine, address: str, word: str) -> list[OutboxMail]:
    with Session(engine) as session:
        query = select(OutboxMail).where(
            OutboxMail.to_addr == address, col(OutboxMail.subject).contains(word)
        )
        return list(session.exec(query.order_by(col(OutboxMail.id))))


def test_the_liaison_sees_the_cases_and_is_mailed_on_a_decision_and_a_warning(
    client: TestClient, engine: Engine, clock: FixedClock, runtime: Runtime
) -> None:
    expect_error(
        client.put(
            "/api/key-enterprises", json={"enterprise_id": 1, "liaison_id": 1},
            headers=headers_for(client, "kezhang"),
        ),
        403, "permission_denied",
    )  # fmt: skip
    enterprise_id, _ = make_key(client, engine)
    liaison = headers_for(client, "chengban")
    assert [
        k["enterprise_id"] for k in client.get("/api/key-enterprises", headers=liaison).json()
    ] == [enterprise_id]
    applicant = headers_for(client, "qiye")
    refused_case = create_submitted(client, applicant)["id"]
    waiting_case = create_submitted(client, applicant, item_code="EIA-02")["id"]
    cases = client.get(f"/api/key-enterprises/{enterprise_id}/cases", headers=liaison).json()
    assert {c["id"] for c in cases} == {refused_case, waiting_case}
    other_staff = headers_for(client, "shouli")  # not its liaison, not an overseer
    expect_error(
        client.get(f"/api/key-enterprises/{enterprise_id}/cases", headers=other_staff),
        404, "not_found",
    )  # fmt: skip

    reasons = {"reasons": "项目不属于本局审批权限，请向省生态环境厅申请。"}
    done = client.post(
        f"/api/applications/{refused_case}/refuse", json=reasons, headers=other_staff
    )
    assert done.status_code == 200, done.text
    [decided] = _mails_to(engine, "chengban@sthjj.example", "包联企业")
    assert "不予受理决定书" in decided.body and decided.application_id == refused_case

    accept(client, waiting_case)
    clock.advance(timedelta(days=17))  # 12-07: the promised limit exceeded, a yellow warning
    deadlines.refresh_warnings(runtime)
    assert deadlines.queue_reminders(runtime) == 1
    deadlines.queue_reminders(runtime)  # once per step and level
    warned = _mails_to(engine, "chengban@sthjj.example", "黄牌预警")
    assert [(m.application_id, m.subject.startswith("【包联企业】")) for m in warned] == [
        (waiting_case, False),  # as its case officer
        (waiting_case, True),  # as the enterprise's liaison
    ]


def test_a_problem_is_escalated_when_overdue_and_closed_only_with_the_enterprise_confirmation(
    client: TestClient, engine: Engine, clock: FixedClock, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    not_key = client.post("/api/problems", json=PROBLEM, headers=applicant)
    assert "重点企业" in expect_error(not_key, 422, "invalid_input")["message"]
    make_key(client, engine)
    bad = client.post("/api/problems", json=PROBLEM | {"category": "x"}, headers=applicant)
    assert "请选择问题分类" in expect_error(bad, 422, "invalid_input")["message"]
    raised = client.post("/api/problems", json=PROBLEM, headers=applicant)
    assert raised.status_code == 201, raised.text
    problem = raised.json()
    # Friday 11-20 + 7 working days (rules.yaml: policy) = Tuesday 12-01
    assert (problem["deadline_days"], problem["due_on"]) == (7, "2026-12-01")
    pid = problem["id"]
    liaison = headers_for(client, "chengban")
    unit = client.post(
        f"/api/problems/{pid}/unit",
        json={"responsible_unit": "固体废物与化学品科"},
        headers=liaison,
    )
    assert unit.json()["responsible_unit"] == "固体废物与化学品科"
    client.post(
        f"/api/problems/{pid}/replies", json={"text": "已转固体废物科研究。"}, headers=liaison
    )

    assert deadlines.escalate_problems(runtime) == 0
    clock.advance(timedelta(days=12))  # 12-02: past the due 12-01
    assert deadlines.escalate_problems(runtime) == 1
    assert deadlines.escalate_problems(runtime) == 0  # once
    [chief_mail] = _mails_to(engine, "kezhang@sthjj.example", "问题台账")
    assert "逾期" in chief_mail.body and "李承办" in chief_mail.body
    with Session(engine) as session:
        audited = session.exec(
            select(AuditEvent).where(AuditEvent.action == "problem_escalated")
        ).all()
    assert len(audited) == 1

    early = client.post(f"/api/problems/{pid}/confirm", json={"solved": True}, headers=applicant)
    assert "尚未办结" in expect_error(early, 409, "invalid_transition")["message"]
    solution = {"text": "已现场指导，按GB 18597-2023建设防渗层并设置标识。"}
    resolved = client.post(f"/api/problems/{pid}/resolve", json=solution, headers=liaison)
    assert resolved.json()["state"] == "resolved"
    assert _mails_to(engine, "qiye@lvyuan.example", "请确认")
    by_staff = client.post(f"/api/problems/{pid}/confirm", json={"solved": True}, headers=liaison)
    assert "企业确认" in expect_error(by_staff, 403, "permission_denied")["message"]
    reopened = client.post(
        f"/api/problems/{pid}/confirm", json={"solved": False, "text": "标识规范仍不清楚"},
        headers=applicant,
    )  # fmt: skip
    assert (reopened.json()["state"], reopened.json()["reopened"]) == ("open", 1)
    client.post(f"/api/problems/{pid}/resolve", json=solution, headers=liaison)
    closed = client.post(f"/api/problems/{pid}/confirm", json={"solved": True}, headers=applicant)
    body = closed.json()
    assert (body["state"], body["closed_on_time"]) == ("closed", False)
    assert [r["kind"] for r in body["replies"]] == [
        "reply", "escalate", "resolve", "reopen", "resolve", "confirm",
    ]  # fmt: skip
    expect_error(
        client.post(f"/api/problems/{pid}/replies", json={"text": "再问"}, headers=applicant),
        409, "invalid_transition",
    )  # fmt: skip

    on_time = client.post(
        "/api/problems", json=PROBLEM | {"title": "排污许可变更咨询"}, headers=applicant
    ).json()
    client.post(f"/api/problems/{on_time['id']}/resolve", json=solution, headers=liaison)
    client.post(f"/api/problems/{on_time['id']}/confirm", json={"solved": True}, headers=applicant)
    client.post(
        "/api/problems",
        json=PROBLEM | {"title": "用地协调", "category": "resources"},
        headers=applicant,
    )

    rating = {"level": 2, "reasons": ["办事效率低"], "comment": "办理超期"}
    open_one = client.post("/api/problems", json=PROBLEM, headers=applicant).json()["id"]
    early_rating = client.post(f"/api/problems/{open_one}/rating", json=rating, headers=applicant)
    assert "销号后方可评价" in expect_error(early_rating, 409, "invalid_transition")["message"]
    rated = client.post(f"/api/problems/{pid}/rating", json=rating, headers=applicant)
    assert rated.status_code == 201, rated.text
    assert (rated.json()["problem_id"], rated.json()["follow_up"]["state"]) == (pid, "open")
    again = client.post(f"/api/problems/{pid}/rating", json=rating, headers=applicant)
    expect_error(again, 409, "invalid_transition")
    answer = {
        "verification": "电话回访企业。",
        "rectification": "建立问题周调度。",
        "feedback": "已整改。",
    }
    answered = client.post(
        f"/api/ratings/{rated.json()['id']}/answer", json=answer, headers=liaison
    )
    assert answered.json()["follow_up"]["state"] == "answered"
    [feedback] = _mails_to(engine, "qiye@lvyuan.example", "整改反馈")
    assert "问题台账#" in feedback.subject

    auditor = headers_for(client, "jiancha")
    expect_error(client.get("/api/audit/problems", headers=applicant), 403, "permission_denied")
    report = client.get("/api/audit/problems", headers=auditor).json()
    assert (report["total"], report["open"], report["closed"]) == (4, 2, 2)
    assert (report["closed_on_time"], report["closed_late"], report["escalated"]) == (1, 1, 1)
    assert report["closed_on_time_share"] == 0.5
    assert len(client.get("/api/problems", headers=auditor).json()) == 4
