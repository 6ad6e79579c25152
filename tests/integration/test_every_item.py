"""Every item that can be applied for, from submission to its final document, through the real
services: PostgreSQL, the SeaweedFS S3 server and the aiosmtpd SMTP server (flows in-process).
Checks the final PDF's text and the mail that carried it."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import LicenceAction, ProcessKind, load_catalogue
from approvals.joint_review.expert_pool import ensure_expert_pool
from models import Application, Expert, User
from tests.helpers import PROJECT, minimal_pdf, required_materials, sign_in
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app
from tests.real_stack import real_stack

pytestmark = pytest.mark.integration
CATALOGUE = load_catalogue()
APPLIABLE = [item.code for item in CATALOGUE.appliable()]
ISSUERS = {
    "pollutant_discharge": "PW-02",
    "hazardous_waste": "HW-01",
    "radiation": "RD-01",
    "e_waste": "OT-01",
}
FINAL_DOCUMENT = {
    ProcessKind.STANDARD: "approval",
    ProcessKind.FILING: "filing_receipt",
    ProcessKind.SERVICE: "reply_letter",
    ProcessKind.COMMITMENT: "commitment_decision",
}


@pytest.fixture(scope="module")
def stack(
    postgres_engine: Engine,
    s3_server: Any,
    smtp_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    with real_stack(
        postgres_engine,
        s3_server,
        smtp_server,
        var_dir=tmp_path_factory.mktemp("every-item"),
        bucket="eia-items",
        catalogue=CATALOGUE,
    ) as (client, store, _runtime):
        yield {"client": client, "store": store, "licences": {}, "headers": {}}


def _headers(stack: dict[str, Any], user: str) -> dict[str, str]:
    if user not in stack["headers"]:
        stack["headers"][user] = sign_in(stack["client"], user)
    return stack["headers"][user]  # type: ignore[no-any-return]


def _apply(stack: dict[str, Any], code: str) -> dict[str, Any]:
    """Drive ``code`` to its final state; returns the case detail as the applicant sees it."""
    client: TestClient = stack["client"]
    item = CATALOGUE.get(code)
    applicant = _headers(stack, "qiye")
    body = PROJECT | {
        "item_code": code,
        "project_name": f"{item.name_zh.split('（')[0]}测试项目",
        "description": f"关于“{item.name_zh}”的申请内容说明",
    }
    if code == "EIA-07":
        body |= {"industry_code": "3670"}
    if item.licence is not None and item.licence.action is not LicenceAction.ISSUE:
        # a cancellation gets a licence of its own, so later items still find theirs active
        fresh = item.licence.action is LicenceAction.CANCEL
        body["licence_number"] = _licence(stack, item.licence.kind.value, fresh=fresh)
    created = client.post("/api/applications", json=body, headers=applicant)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    for material in required_materials(client, code):
        uploaded = client.put(
            f"/api/applications/{case_id}/materials/{material}",
            files={"file": (f"{material}.pdf", minimal_pdf(material), "application/pdf")},
            headers=applicant,
        )
        assert uploaded.status_code == 200, uploaded.text
    if item.process_kind is ProcessKind.COMMITMENT:
        facts = {"park_name": "郑州经济技术开发区", "longitude": 113.80, "latitude": 34.68}
        client.put(f"/api/applications/{case_id}/commitment/facts", json=facts, headers=applicant)
        sha = client.post(f"/api/applications/{case_id}/commitment/letter", headers=applicant)
        client.post(
            f"/api/applications/{case_id}/commitment/accept",
            json={"sha256": sha.json()["sha256"]},
            headers=applicant,
        )
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    if item.process_kind is not ProcessKind.FILING:
        accepted = client.post(
            f"/api/applications/{case_id}/accept", headers=_headers(stack, "shouli")
        )
        assert accepted.status_code == 200, accepted.text
    if item.process_kind is ProcessKind.SERVICE:
        answered = client.post(
            f"/api/applications/{case_id}/answer",
            json={"answer": f"已办理：{item.name_zh}。"},
            headers=_headers(stack, "chengban"),
        )
        assert answered.status_code == 200, answered.text
    elif item.process_kind in (ProcessKind.STANDARD, ProcessKind.COMMITMENT):
        if item.process_kind is ProcessKind.STANDARD:
            end_notices_of_app(client.app, case_id)
            for path, user, payload in (
                ("decision", "chengban", {"outcome": "approve", "conditions": ["落实各项要求。"]}),
                ("review/approve", "kezhang", {}),
            ):
                moved = client.post(
                    f"/api/applications/{case_id}/{path}",
                    json=payload,
                    headers=_headers(stack, user),
                )
                assert moved.status_code == 200, moved.text
            agree_and_end_pre_approval(client, case_id)
        signed = client.post(
            f"/api/applications/{case_id}/sign", json={}, headers=_headers(stack, "lingdao")
        )
        assert signed.status_code == 200, signed.text
    return client.get(f"/api/applications/{case_id}", headers=applicant).json()  # type: ignore[no-any-return]


def _licence(stack: dict[str, Any], kind: str, *, fresh: bool = False) -> str:
    """A licence of ``kind`` held by the demo enterprise, issued through its own item."""
    if fresh or kind not in stack["licences"]:
        number = _licence_number(stack, _apply(stack, ISSUERS[kind])["id"])
        if fresh:
            return number
        stack["licences"][kind] = number
    return stack["licences"][kind]  # type: ignore[no-any-return]


def _licence_number(stack: dict[str, Any], case_id: int) -> str:
    with Session(stack["client"].app.state.services.engine) as session:
        application = session.get(Application, case_id)
        assert application is not None and application.licence_number
        return application.licence_number


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


@pytest.mark.parametrize("code", APPLIABLE)
def test_every_appliable_item_ends_in_its_document_stored_and_mailed(
    code: str, stack: dict[str, Any], smtp_server: Any
) -> None:
    item = CATALOGUE.get(code)
    detail = _apply(stack, code)
    finals = {
        "standard": {"approved"},
        "filing": {"filed"},
        "service": {"answered"},
        "commitment": {"post_check"},
    }
    assert detail["status"] in finals[item.process_kind.value], detail["status"]
    kind = FINAL_DOCUMENT[item.process_kind]
    document = next(d for d in detail["documents"] if d["kind"] == kind)
    pdf = stack["store"].get(document["object_key"])
    assert hashlib.sha256(pdf).hexdigest() == document["sha256"]
    text = _pdf_text(pdf)
    assert document["number"] in text
    assert detail["project_name"] in text or kind == "reply_letter"
    smtp_server.wait_for(1, timeout=30)
    mail = next(m for m in smtp_server.messages if document["number"] in str(m["Subject"]))
    assert mail["To"] == "qiye@lvyuan.example"
    attachment = next(a for a in mail.iter_attachments() if a.get_content() == pdf)
    assert attachment.get_content_type() == "application/pdf"
    if "licence_certificate" in {d["kind"] for d in detail["documents"]}:
        certificate = next(d for d in detail["documents"] if d["kind"] == "licence_certificate")
        assert certificate["number"] in _pdf_text(stack["store"].get(certificate["object_key"]))


def test_a_report_book_through_a_joint_review_to_its_approval_on_the_real_services(
    stack: dict[str, Any], smtp_server: Any
) -> None:
    """EIA-01 with a remote joint review: the panel's opinion and the approval are stored in
    S3 and mailed over SMTP; the experts' invitations go out too."""
    client: TestClient = stack["client"]
    engine = client.app.state.services.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        usernames = dict(
            session.exec(
                select(Expert.id, User.username).join(User, col(User.id) == col(Expert.user_id))
            ).all()
        )
    applicant, officer = _headers(stack, "qiye"), _headers(stack, "chengban")
    body = PROJECT | {"project_name": "远程会审报告书测试项目"}
    case_id = client.post("/api/applications", json=body, headers=applicant).json()["id"]
    for material in required_materials(client, "EIA-01"):
        client.put(
            f"/api/applications/{case_id}/materials/{material}",
            headers=applicant,
            files={"file": (f"{material}.pdf", minimal_pdf(material), "application/pdf")},
        )
    client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    client.post(f"/api/applications/{case_id}/accept", headers=_headers(stack, "shouli"))
    started = client.post(
        f"/api/applications/{case_id}/joint-review",
        headers=officer,
        json={
            "needed": ["air", "water"],
            "seed": 2021,
            "meeting_at": "2026-11-20T14:00:00+08:00",
            "video_link": "https://meeting.example/j/2021",
        },
    )
    assert started.status_code == 201, started.text
    members = started.json()["members"]
    for member in members:
        own = sign_in(client, usernames[member["expert_id"]])
        client.post(
            f"/api/applications/{case_id}/joint-review/opinion",
            headers=own,
            json={"conclusion": "pass", "opinion": "报告书编制规范，结论可信。"},
        )
    chair = next(m for m in members if m["chair"])
    closed = client.post(
        f"/api/applications/{case_id}/joint-review/close",
        headers=sign_in(client, usernames[chair["expert_id"]]),
    )
    assert closed.status_code == 200 and closed.json()["conclusion"] == "pass"
    end_notices_of_app(client.app, case_id)
    for path, user, payload in (
        ("decision", "chengban", {"outcome": "approve", "conditions": ["落实专家组意见。"]}),
        ("review/approve", "kezhang", {}),
        ("sign", "lingdao", {}),
    ):
        if path == "sign":
            agree_and_end_pre_approval(client, case_id)
        assert (
            client.post(
                f"/api/applications/{case_id}/{path}", json=payload, headers=_headers(stack, user)
            ).status_code
            == 200
        )
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["status"] == "approved"
    for kind in ("expert_opinion", "approval"):
        document = next(d for d in detail["documents"] if d["kind"] == kind)
        pdf = stack["store"].get(document["object_key"])
        # the experts' opinion is theirs, not a bureau 公文: no 文号 on it, its 核验码 identifies it
        printed = document["verify_code"] if kind == "expert_opinion" else document["number"]
        assert printed in _pdf_text(pdf)
        mail = next(m for m in smtp_server.messages if document["number"] in str(m["Subject"]))
        assert any(a.get_content() == pdf for a in mail.iter_attachments())
    invited = {str(m["To"]) for m in smtp_server.messages if "专家会审邀请" in str(m["Subject"])}
    assert len(invited) == len(members) == 5
