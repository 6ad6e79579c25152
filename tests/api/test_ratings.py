"""好差评: the enterprise rates a case's acceptance on five levels; a bad rating names its
reasons and opens a follow-up due in 15 working days (回访核实 → 整改 → 反馈, mailed), the
enterprise replies once, staff may appeal and an auditor decides, the deadline sweep escalates
an overdue follow-up, and the auditor's figures count all of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.clock import FixedClock
from flows import deadlines
from flows.runtime import Runtime
from models import OutboxMail
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import accept
from tests.helpers import create_submitted, page_form_token, page_login

ANSWER = {
    "verification": "电话回访企业经办人，核实窗口答复不清。",
    "rectification": "对窗口人员开展服务规范培训，修订一次性告知清单。",
    "feedback": "已整改，感谢监督。",
}


def _accepted(client: TestClient) -> tuple[int, dict[str, str]]:
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    accept(client, case["id"])
    return int(case["id"]), applicant


def _rate(client: TestClient, case_id: int, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        f"/api/applications/{case_id}/ratings/acceptance", json=body, headers=headers
    )


def _mails(engine: Engine, word: str) -> list[OutboxMail]:
    with Session(engine) as session:
        query = select(OutboxMail).where(col(OutboxMail.subject).contains(word))
        return list(session.exec(query.order_by(col(OutboxMail.id))))


def test_a_bad_rating_is_answered_in_time_the_enterprise_replies_and_the_auditor_counts_it(
    client: TestClient, engine: Engine
) -> None:
    case_id, applicant = _accepted(client)
    events = client.get(f"/api/applications/{case_id}/ratings", headers=applicant).json()
    assert [(e["event"], e["rating"]) for e in events] == [("acceptance", None)]
    early = client.post(
        f"/api/applications/{case_id}/ratings/decision", json={"level": 5}, headers=applicant
    )
    assert "尚未办理" in expect_error(early, 409, "invalid_transition")["message"]
    no_reason = _rate(client, case_id, applicant, level=2)
    assert "差评请选择原因" in expect_error(no_reason, 422, "invalid_input")["message"]
    good_with_reason = _rate(client, case_id, applicant, level=5, reasons=["服务态度差"])
    expect_error(good_with_reason, 422, "invalid_input")

    rated = _rate(client, case_id, applicant, level=2, reasons=["服务态度差"], comment="答复含糊")
    assert rated.status_code == 201, rated.text
    body = rated.json()
    assert body["level_label"] == "不满意"
    assert body["follow_up"]["state"] == "open" and body["follow_up"]["due_on"] == "2026-12-11"
    assert body["follow_up"]["appeal_reason"] is None  # the enterprise never sees staff fields
    expect_error(_rate(client, case_id, applicant, level=3), 409, "invalid_transition")
    assert [m.to_addr for m in _mails(engine, "好差评")] == ["kezhang@sthjj.example"]

    rating_id = body["id"]
    refused = client.post(f"/api/ratings/{rating_id}/answer", json=ANSWER, headers=applicant)
    expect_error(refused, 403, "permission_denied")
    chief = headers_for(client, "kezhang")
    queue = client.get("/api/ratings/follow-ups?state=open", headers=chief).json()
    assert [r["id"] for r in queue] == [rating_id]
    answered = client.post(f"/api/ratings/{rating_id}/answer", json=ANSWER, headers=chief)
    assert answered.status_code == 200, answered.text
    assert answered.json()["follow_up"]["on_time"] is True
    [feedback] = _mails(engine, "整改反馈")
    assert "修订一次性告知清单" in feedback.body and feedback.application_id == case_id

    reply = {"satisfied": False, "reply": "希望窗口电话能接通"}
    replied = client.post(f"/api/ratings/{rating_id}/reply", json=reply, headers=applicant)
    assert replied.json()["follow_up"]["reply_satisfied"] is False
    again = client.post(f"/api/ratings/{rating_id}/reply", json=reply, headers=applicant)
    expect_error(again, 409, "invalid_transition")

    auditor = headers_for(client, "jiancha")
    report = client.get("/api/audit/ratings", headers=auditor).json()
    assert (report["total"], report["by_level"]["2"], report["satisfaction"]) == (1, 1, 0.0)
    assert (report["follow_ups_on_time"], report["follow_ups_late"]) == (1, 0)
    assert [(r["label"], r["bad"]) for r in report["by_item"]] == [
        ("建设项目环境影响报告书审批（非核与辐射类）", 1)
    ]
    assert report["by_officer"][0]["label"] != "（未记录）"
    rules = client.get("/api/ratings/rules", headers=chief).json()
    assert {r["evidence"] for r in rules} == {"found", "inferred"}
    expect_error(client.get("/api/ratings/rules", headers=applicant), 403, "permission_denied")


def test_an_appeal_rejected_keeps_the_deadline_an_overdue_one_is_escalated_and_answered_late(
    client: TestClient, clock: FixedClock, runtime: Runtime, engine: Engine
) -> None:
    case_id, applicant = _accepted(client)
    rating_id = _rate(client, case_id, applicant, level=1, reasons=["其他"]).json()["id"]
    officer = headers_for(client, "chengban")
    appeal = {"reason": "企业反映的问题与本次受理无关。"}
    appealed = client.post(f"/api/ratings/{rating_id}/appeal", json=appeal, headers=officer)
    assert appealed.json()["follow_up"]["state"] == "appealed"
    blocked = client.post(f"/api/ratings/{rating_id}/answer", json=ANSWER, headers=officer)
    expect_error(blocked, 409, "invalid_transition")
    decision = {"upheld": False, "decision": "经核实与受理服务有关，应整改。"}
    wrong_role = client.post(
        f"/api/ratings/{rating_id}/appeal-decision", json=decision, headers=officer
    )
    expect_error(wrong_role, 403, "permission_denied")
    auditor = headers_for(client, "jiancha")
    decided = client.post(
        f"/api/ratings/{rating_id}/appeal-decision", json=decision, headers=auditor
    )
    assert decided.json()["follow_up"]["state"] == "open"

    assert deadlines.escalate_ratings(runtime) == 0
    clock.advance(timedelta(days=25))  # 12-15: past the due 12-11
    assert deadlines.escalate_ratings(runtime) == 1
    assert deadlines.escalate_ratings(runtime) == 0
    escalated = {m.to_addr for m in _mails(engine, "逾期")}
    assert escalated == {"kezhang@sthjj.example", "lingdao@sthjj.example"}
    report = client.get("/api/audit/ratings", headers=auditor).json()
    assert (report["follow_ups_open"], report["follow_ups_overdue"]) == (1, 1)
    late = client.post(f"/api/ratings/{rating_id}/answer", json=ANSWER, headers=officer)
    assert late.json()["follow_up"]["on_time"] is False
    report = client.get("/api/audit/ratings", headers=auditor).json()
    assert (report["follow_ups_open"], report["follow_ups_late"]) == (0, 1)


def test_the_enterprise_rates_on_the_page_and_an_upheld_appeal_leaves_the_figures(
    client: TestClient,
) -> None:
    case_id, _ = _accepted(client)
    page_login(client, "qiye")
    assert f"/cases/{case_id}/ratings" in client.get(f"/cases/{case_id}").text
    token = page_form_token(client, f"/cases/{case_id}/ratings")
    form = {"csrf_token": token, "level": "1", "reasons": ["办事效率低", "服务水平低"]}
    posted = client.post(f"/cases/{case_id}/ratings/acceptance", data=form, follow_redirects=False)
    assert posted.status_code == 303
    page = client.get(f"/cases/{case_id}/ratings").text
    assert "非常不满意" in page and "待整改反馈" in page and "规则来源" not in page
    assert "http" not in page.split("<main", 1)[1]

    page_login(client, "chengban")
    token = page_form_token(client, f"/cases/{case_id}/ratings")
    rating_id = client.get(
        f"/api/applications/{case_id}/ratings", headers=headers_for(client, "chengban")
    ).json()[0]["rating"]["id"]
    appeal = {"csrf_token": token, "rating_id": str(rating_id), "text": "评价与服务无关，系误评。"}
    assert (
        client.post(
            f"/cases/{case_id}/ratings/appeal", data=appeal, follow_redirects=False
        ).status_code
        == 303
    )
    assert "差评整改" in client.get("/ratings").text
    page_login(client, "jiancha")
    token = page_form_token(client, f"/cases/{case_id}/ratings")
    upheld = {"csrf_token": token, "rating_id": str(rating_id), "upheld": "yes", "text": "属实。"}
    assert (
        client.post(
            f"/cases/{case_id}/ratings/appeal-decision", data=upheld, follow_redirects=False
        ).status_code
        == 303
    )
    audit = client.get("/audit/ratings").text
    assert "申诉成立不计入1条" in audit and "推定，待核实" in audit
