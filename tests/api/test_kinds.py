"""The filing and service process kinds through the API (flows in-process)."""

from __future__ import annotations

import subprocess

from fastapi.testclient import TestClient

from tests.helpers import create_submitted, sign_in


def _text(client: TestClient, url: str, headers: dict[str, str]) -> str:
    pdf = client.get(url, headers=headers).content
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_a_filing_is_done_on_submission_with_a_numbered_receipt(client: TestClient) -> None:
    applicant = sign_in(client, "qiye")
    case = create_submitted(client, applicant, item_code="EIA-08", project_name="某仓储项目登记")
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    assert detail["status"] == "filed"
    receipt = detail["documents"][0]
    assert receipt["kind"] == "filing_receipt" and receipt["number"] == "郑环备〔2026〕1号"
    text = _text(client, receipt["download_url"], applicant)
    assert "某仓储项目登记" in text and "2026410100" in text  # the filing number
    assert [t["action"] for t in detail["timeline"]] == ["file", "finish_filing"]


def test_a_service_request_is_assigned_answered_and_the_reply_mailed(client: TestClient) -> None:
    applicant, intake, officer = (sign_in(client, u) for u in ("qiye", "shouli", "chengban"))
    case = create_submitted(
        client,
        applicant,
        item_code="PS-04",
        project_name="咨询：报告表项目是否需要公示",
        description="我公司拟建项目编制报告表，请问审批前是否需要进行受理公示？",
    )
    assert (
        client.post(f"/api/applications/{case['id']}/accept", headers=intake).json()["status"]
        == "answering"
    )
    out_of_turn = client.post(
        f"/api/applications/{case['id']}/answer",
        headers=intake,
        json={"answer": "不应由受理窗口答复"},
    )
    assert out_of_turn.status_code == 403
    answered = client.post(
        f"/api/applications/{case['id']}/answer",
        headers=officer,
        json={
            "answer": "需要。受理后将在网站公示报告表全本。\n\n如有疑问请来电。",
            "legal_basis": "《环境影响评价公众参与办法》",
        },
    )
    assert answered.status_code == 200, answered.text
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    assert detail["status"] == "answered"
    reply = next(d for d in detail["documents"] if d["kind"] == "reply_letter")
    text = _text(client, reply["download_url"], applicant)
    assert "受理后将在网站公示报告表全本" in text and "是否需要进行受理公示" in text


def test_a_service_request_without_a_description_is_refused(client: TestClient) -> None:
    applicant = sign_in(client, "qiye")
    body = {"item_code": "PS-04", "project_name": "咨询", "site": "郑州", "district": "金水区"}
    response = client.post("/api/applications", json=body, headers=applicant)
    assert response.status_code == 422
    assert response.json()["details"]["missing"] == ["description"]
