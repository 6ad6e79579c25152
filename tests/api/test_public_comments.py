"""Public comments: anyone comments on an open 受理公示 without an account (a signed question,
a honeypot, an optional PDF checked like every upload), one address is limited, staff hide
abusive comments (audited), the officer answers each one, and the decision is not drafted
while a comment waits for its response."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import FixedClock
from models import AuditEvent, PublicComment
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import APPROVE
from tests.api.test_public_notices import accepted_case
from tests.helpers import minimal_pdf, page_login

COMMENT = {
    "name": "王女士",
    "contact": "13800000000",
    "text": "项目距离小区较近，请说明噪声防治措施。",
}


def other_address(client: TestClient, host: str) -> TestClient:
    """A visitor at another address, on the same app."""
    return TestClient(client.app, base_url="https://testserver", client=(host, 40000))


def answered_challenge(visitor: TestClient, notice_id: int) -> dict[str, str]:
    body = visitor.get(f"/api/public/notices/{notice_id}/challenge").json()
    words = "零一二三四五六七八九"
    a, b = (words.index(c) for c in body["question"].split("等于")[0].split("加"))
    return {"challenge_token": body["token"], "challenge_answer": str(a + b)}


def comment(
    visitor: TestClient, notice_id: int, files: dict[str, Any] | None = None, **fields: str
) -> Any:
    data = COMMENT | answered_challenge(visitor, notice_id) | fields
    return visitor.post(f"/api/public/notices/{notice_id}/comments", data=data, files=files)


def open_notice(client: TestClient) -> tuple[int, int]:
    case_id = accepted_case(client)
    client.cookies.clear()
    [notice] = client.get("/api/public/notices", params={"status": "open"}).json()
    return case_id, int(notice["id"])


def test_a_visitor_comments_the_officer_answers_and_only_then_the_decision_is_drafted(
    client: TestClient, clock: FixedClock, engine: Engine
) -> None:
    case_id, notice_id = open_notice(client)
    with_file = comment(
        client,
        notice_id,
        files={"file": ("噪声监测.pdf", minimal_pdf("noise"), "application/pdf")},
    )
    assert with_file.status_code == 201, with_file.text
    assert with_file.json()["late"] is False

    officer = headers_for(client, "chengban")
    clock.advance(timedelta(days=15))  # 2026-12-05: the notice ended on 12-04
    late = comment(client, notice_id, text="补充意见：施工期夜间作业请公告。")
    assert late.status_code == 201 and late.json()["late"] is True

    listed = client.get(f"/api/applications/{case_id}/public-comments", headers=officer).json()
    assert [(c["late"], c["attachment_filename"], c["response"]) for c in listed] == [
        (False, "噪声监测.pdf", ""),
        (True, None, ""),
    ]
    refused = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    body = expect_error(refused, 409, "invalid_transition")
    assert "尚有2条公众意见未答复" in body["message"] and body["details"]["unanswered"] == 2

    first, second = (c["id"] for c in listed)
    answered = client.post(
        f"/api/applications/{case_id}/public-comments/{first}/response",
        json={"response": "已要求建设单位设置隔声屏障，夜间不施工。"},
        headers=officer,
    )
    assert answered.status_code == 200, answered.text
    refused = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    assert "尚有1条公众意见未答复" in expect_error(refused, 409, "invalid_transition")["message"]
    hidden = client.post(
        f"/api/applications/{case_id}/public-comments/{second}/hide",
        json={"reason": "与本项目无关的广告内容"},
        headers=headers_for(client, "kezhang"),
    )
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    drafted = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    assert drafted.status_code == 200, drafted.text

    with Session(engine) as session:
        actions = set(
            session.exec(select(AuditEvent.action).where(AuditEvent.application_id == case_id))
        )
    assert {"public_comment_response", "public_comment_hidden"} <= actions
    page_login(client, "chengban")
    assert f"/cases/{case_id}/public-comments" in client.get(f"/cases/{case_id}").text
    table = client.get(f"/cases/{case_id}/public-comments")
    assert table.status_code == 200
    assert "公众意见处理情况" in table.text and "已要求建设单位设置隔声屏障" in table.text


def test_a_disguised_attachment_a_wrong_answer_and_a_filled_honeypot_are_refused(
    client: TestClient, engine: Engine
) -> None:
    _, notice_id = open_notice(client)
    disguised = comment(
        client, notice_id, files={"file": ("意见.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    )
    assert "不是PDF" in expect_error(disguised, 415, "upload_rejected")["message"]
    wrong = comment(client, notice_id, challenge_answer="99")
    assert "验证问题" in expect_error(wrong, 422, "invalid_input")["message"]
    bot = comment(client, notice_id, website="http://spam.example")
    expect_error(bot, 422, "invalid_input")
    with Session(engine) as session:
        assert session.exec(select(PublicComment)).all() == []


def test_two_hundred_comments_from_one_address_are_mostly_refused_and_nobody_else_waits(
    client: TestClient, engine: Engine
) -> None:
    _, notice_id = open_notice(client)
    flood = other_address(client, "198.51.100.9")
    statuses = Counter(comment(flood, notice_id, text=f"刷屏{n}").status_code for n in range(200))
    assert statuses == Counter({201: 5, 429: 195})
    refused = comment(flood, notice_id)
    body = expect_error(refused, 429, "too_many_attempts")
    assert "提交公众意见请求过于频繁" in body["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 600

    neighbour = other_address(client, "203.0.113.5")
    assert comment(neighbour, notice_id).status_code == 201
    assert neighbour.get("/api/public/notices").status_code == 200
    assert neighbour.get(f"/public/notices/{notice_id}").status_code == 200
    with Session(engine) as session:
        assert len(session.exec(select(PublicComment)).all()) == 6
