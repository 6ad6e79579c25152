"""The other ways a case ends or turns back: correction, refusal, denial; their documents,
the postal record, public verification; and the comments those steps cannot do without."""

from __future__ import annotations

import io
import re
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from flows.runtime import Runtime
from models import PostalDispatch, Status
from tests.api.case_checks import case_state, expect_error, headers_for, row_count
from tests.api.case_driving import DENY, accept, draft, to_signing
from tests.helpers import create_submitted, minimal_pdf

MISSING = [
    {"name": "建设项目环境影响报告书（全本）", "reason": "缺少第五章环境影响预测与评价"},
    {"name": "建设项目环境影响报告书（公开版本）", "reason": ""},
    {"name": "营业执照", "reason": "复印件已过有效期"},
]


def _pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed (line breaks fall anywhere in Chinese)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def _documents(client: TestClient, case_id: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    detail = client.get(f"/api/applications/{case_id}", headers=headers).json()
    documents: list[dict[str, Any]] = detail["documents"]
    return documents


def _download(client: TestClient, document: dict[str, Any], headers: dict[str, str]) -> str:
    response = client.get(document["download_url"], headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return _pdf_text(response.content)


def test_a_correction_with_an_empty_or_missing_list_is_422(
    client: TestClient, runtime: Runtime
) -> None:
    case_id = create_submitted(client, headers_for(client, "qiye"))["id"]
    intake = headers_for(client, "shouli")
    before = case_state(runtime.engine, case_id)
    for body in ({"missing": []}, {}, {"missing": [{"name": "  "}]}):
        response = client.post(f"/api/applications/{case_id}/correction", json=body, headers=intake)
        expect_error(response, 422, "invalid_input")
    assert case_state(runtime.engine, case_id) == before


def test_a_refusal_without_reasons_is_422(client: TestClient, runtime: Runtime) -> None:
    case_id = create_submitted(client, headers_for(client, "qiye"))["id"]
    intake = headers_for(client, "shouli")
    before = case_state(runtime.engine, case_id)
    for body in ({}, {"reasons": ""}, {"reasons": "   \n "}):
        response = client.post(f"/api/applications/{case_id}/refuse", json=body, headers=intake)
        problems = expect_error(response, 422, "invalid_input")["details"]["problems"]
        assert [p["field"] for p in problems] == ["reasons"]
    assert case_state(runtime.engine, case_id) == before


def test_returning_a_draft_without_a_comment_is_422(client: TestClient, runtime: Runtime) -> None:
    case_id = create_submitted(client, headers_for(client, "qiye"))["id"]
    accept(client, case_id)
    draft(client, case_id)
    chief = headers_for(client, "kezhang")
    before = case_state(runtime.engine, case_id)
    assert before.status is Status.REVIEWING

    for body in ({}, {"comment": "  "}):
        response = client.post(
            f"/api/applications/{case_id}/review/return", json=body, headers=chief
        )
        assert "needs a comment" in expect_error(response, 422, "invalid_input")["message_en"]
    assert case_state(runtime.engine, case_id) == before

    returned = client.post(
        f"/api/applications/{case_id}/review/return",
        json={"comment": "请补充大气环境防护距离的论证。"},
        headers=chief,
    )
    assert returned.status_code == 200 and returned.json()["status"] == "drafting"


def test_a_correction_notice_lists_everything_missing_and_the_resubmission_returns_to_intake(
    client: TestClient, runtime: Runtime
) -> None:
    applicant, intake = headers_for(client, "qiye"), headers_for(client, "shouli")
    case_id = create_submitted(client, applicant)["id"]

    corrected = client.post(
        f"/api/applications/{case_id}/correction", json={"missing": MISSING}, headers=intake
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["status"] == "correction"
    assert client.get("/api/queue", headers=intake).json() == []
    (notice,) = _documents(client, case_id, applicant)
    assert (notice["kind"], notice["state"]) == ("correction_notice", "issued")
    assert notice["number"] == "郑环补〔2026〕1号"
    text = _pdf_text(client.get(notice["download_url"], headers=applicant).content)
    assert "郑环补〔2026〕1号" in text
    for index, missing in enumerate(MISSING, start=1):
        assert f"{index}.{missing['name']}" in text
        assert missing["reason"] in text

    mine = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert mine["actions"] == ["resubmit"]
    reuploaded = client.put(
        f"/api/applications/{case_id}/materials/report_full_text",
        files={"file": ("报告书全本（补正）.pdf", minimal_pdf("v2"), "application/pdf")},
        headers=applicant,
    )
    assert reuploaded.status_code == 200, reuploaded.text
    resubmitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["status"] == "submitted"

    assert [c["id"] for c in client.get("/api/queue", headers=intake).json()] == [case_id]
    detail = client.get(f"/api/applications/{case_id}", headers=intake).json()
    assert [t["action"] for t in detail["timeline"]] == ["submit", "request_correction", "resubmit"]
    report = [m for m in detail["materials"] if m["material_code"] == "report_full_text"]
    assert [m["filename"] for m in report] == ["报告书全本（补正）.pdf"]  # the old one superseded
    assert detail["actions"] == ["accept", "request_correction", "refuse"]


def test_a_refusal_issues_its_decision_and_the_original_can_then_be_posted(
    client: TestClient, runtime: Runtime
) -> None:
    applicant, intake = headers_for(client, "qiye"), headers_for(client, "shouli")
    case_id = create_submitted(client, applicant)["id"]
    postal = {"courier": "中国邮政EMS", "waybill": "1180123456789", "sent_on": "2026-11-20"}
    early = client.post(f"/api/applications/{case_id}/postal", json=postal, headers=intake)
    assert "no final result" in expect_error(early, 422, "invalid_input")["message_en"]

    reasons = "该项目依法应向河南省生态环境厅申请，不属于本机关职权范围。"
    refused = client.post(
        f"/api/applications/{case_id}/refuse",
        json={"reasons": reasons, "redirect_to": "河南省生态环境厅"},
        headers=intake,
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "not_accepted"
    assert refused.json()["decided_on"] == "2026-11-20"
    (decision,) = _documents(client, case_id, applicant)
    assert (decision["kind"], decision["kind_label"]) == ("refusal_notice", "不予受理决定书")
    assert decision["number"] == "郑环不受〔2026〕1号"
    text = _download(client, decision, applicant)
    assert reasons in text and "河南省生态环境厅" in text

    spaced = client.post(
        f"/api/applications/{case_id}/postal",
        json=postal | {"waybill": "1180 1234 5678"},
        headers=intake,
    )
    assert [
        p["field"] for p in expect_error(spaced, 422, "invalid_input")["details"]["problems"]
    ] == ["waybill"]
    leader = headers_for(client, "lingdao")
    by_leader = client.post(f"/api/applications/{case_id}/postal", json=postal, headers=leader)
    expect_error(by_leader, 403, "permission_denied")
    assert row_count(runtime.engine, PostalDispatch) == 0

    recorded = client.post(f"/api/applications/{case_id}/postal", json=postal, headers=intake)
    assert recorded.status_code == 201, recorded.text
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["postal"] == [postal]
    assert detail["status"] == "not_accepted"
    assert detail["timeline"][-1]["action"] == "postal_dispatch"
    with Session(runtime.engine) as session:
        assert session.exec(select(PostalDispatch.waybill)).one() == "1180123456789"


def test_a_signed_denial_issues_a_numbered_decision_and_closes_the_case(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    case_id = create_submitted(client, applicant)["id"]
    to_signing(client, case_id, DENY)

    signed = client.post(
        f"/api/applications/{case_id}/sign",
        json={"comment": "同意不予批准。"},
        headers=headers_for(client, "lingdao"),
    )
    assert signed.status_code == 200, signed.text

    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["status"] == "denied"
    assert detail["decided_on"] == "2026-11-20"
    denial = next(d for d in detail["documents"] if d["kind"] == "denial")
    assert (denial["kind_label"], denial["number"]) == ("不予批准决定书", "郑环审〔2026〕1号")
    assert DENY["reasons"] in _download(client, denial, applicant)
    assert [t["action"] for t in detail["timeline"]][-2:] == ["sign", "finish_denial"]
    assert not [d for d in detail["documents"] if d["kind"] == "approval"]


def test_the_public_verify_endpoint_confirms_an_issued_document_and_404s_an_unknown_code(
    client: TestClient,
) -> None:
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    accept(client, case["id"])
    (notice,) = _documents(client, case["id"], applicant)

    verified = client.get(f"/api/verify/{notice['verify_code']}")  # no token: anyone may check

    assert verified.status_code == 200, verified.text
    body = verified.json()
    licence = body.pop("licence")  # its electronic licence (tests/api/test_electronic_licences)
    assert licence["identifier"].startswith("1.2.156.3005.2.") and licence["holder"]
    assert body | {"issued_at": None} == {
        "valid": True,
        "state": "issued",
        "kind": "受理通知书",
        "number": "郑环受〔2026〕1号",
        "sha256": notice["sha256"],
        "issued_at": None,
        "project_name": case["project_name"],
    }
    unknown = client.get("/api/verify/ZZZZZZZZZZZZ")
    assert expect_error(unknown, 404, "not_found")["message"] == "核验码不存在"


def test_the_openapi_document_lists_the_main_paths(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    case = "/api/applications/{application_id}"
    expected = {
        "/api/auth/token": "post",
        "/api/me": "get",
        "/api/items": "get",
        "/api/applications": "post",
        case: "get",
        f"{case}/materials/{{material_code}}": "put",
        f"{case}/submit": "post",
        f"{case}/documents/{{document_id}}/pdf": "get",
        "/api/queue": "get",
        f"{case}/accept": "post",
        f"{case}/correction": "post",
        f"{case}/refuse": "post",
        f"{case}/decision": "post",
        f"{case}/review/approve": "post",
        f"{case}/review/return": "post",
        f"{case}/sign": "post",
        f"{case}/sign/return": "post",
        f"{case}/postal": "post",
        "/api/verify/{verify_code}": "get",
    }
    for path, method in expected.items():
        assert method in paths.get(path, {}), path
    assert "/api/health" not in paths
