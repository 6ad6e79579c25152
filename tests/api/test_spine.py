"""The standard review through the API, on SQLite and PostgreSQL, flows run in-process."""

from __future__ import annotations

import email
from email import policy

from fastapi.testclient import TestClient

from flows.runtime import Runtime
from tests.helpers import create_submitted, sign_in
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app


def _outbox(runtime: Runtime) -> list[email.message.EmailMessage]:
    folder = runtime.settings.resolved_outbox_dir
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(folder.glob("*.eml"))
    ]


def test_report_book_goes_from_submission_to_a_mailed_approval(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = sign_in(client, "qiye")
    case = create_submitted(client, applicant)
    assert case["status"] == "submitted"
    assert case["number"].startswith("410100-EIA01-20261120-")
    case_id = case["id"]

    intake = sign_in(client, "shouli")
    queue = client.get("/api/queue", headers=intake).json()
    assert [c["id"] for c in queue] == [case_id]
    accepted = client.post(f"/api/applications/{case_id}/accept", headers=intake)
    assert accepted.status_code == 200, accepted.text

    officer = sign_in(client, "chengban")
    detail = client.get(f"/api/applications/{case_id}", headers=officer).json()
    assert detail["status"] == "drafting"  # the flow issued the 受理通知书 and moved on
    notice = detail["documents"][0]
    assert notice["kind"] == "acceptance_notice" and notice["number"] == "郑环受〔2026〕1号"

    end_notices_of_app(client.app, case_id)  # the 受理公示 has run its 10 working days
    drafted = client.post(
        f"/api/applications/{case_id}/decision",
        json={
            "outcome": "approve",
            "conditions": ["落实废气治理措施，颗粒物排放执行GB 16297-1996。"],
        },
        headers=officer,
    )
    assert drafted.status_code == 200, drafted.text
    chief = sign_in(client, "kezhang")
    approved = client.post(f"/api/applications/{case_id}/review/approve", json={}, headers=chief)
    assert approved.json()["status"] == "signing"
    leader = sign_in(client, "lingdao")
    agree_and_end_pre_approval(client, case_id, "EIA-01")  # the 拟批准公示 has run its 5 days
    signed = client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader)
    assert signed.status_code == 200, signed.text

    final = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert final["status"] == "approved"
    approval = next(d for d in final["documents"] if d["kind"] == "approval")
    assert approval["number"] == "郑环审〔2026〕1号"
    pdf = client.get(approval["download_url"], headers=applicant)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["x-content-sha256"] == approval["sha256"]

    mails = _outbox(runtime)
    assert len(mails) == 2
    approval_mail = next(m for m in mails if "批复" in str(m["Subject"]))
    assert approval_mail["To"] == "qiye@lvyuan.example"
    attachment = next(approval_mail.iter_attachments())
    assert attachment.get_content() == pdf.content
    actions = [t["action"] for t in final["timeline"]]
    assert actions == [
        "submit",
        "accept",
        "start_drafting",
        "public_notice_dates_moved",  # the 受理公示 run out by the test, on the record
        "draft",
        "approve_draft",
        "hearing_right",  # told by the 拟批准公示 (行政许可法第47条)
        "pre_approval_notice",
        "public_notice_dates_moved",
        "sign",
        "finish_approval",
    ]


def test_sign_in_with_the_password_gives_a_bearer_token_and_a_wrong_one_401(
    client: TestClient,
) -> None:
    ok = client.post("/api/auth/token", data={"username": "qiye", "password": "eia-demo-2026"})
    assert ok.status_code == 200 and ok.json()["role"] == "applicant"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"})
    assert me.json()["username"] == "qiye"
    wrong = client.post("/api/auth/token", data={"username": "qiye", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["message"] == "用户名或密码错误"
