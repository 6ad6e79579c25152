"""The 告知承诺制 fast track through the API: eligibility with reasons, the letter, a decision
within one working day, the post-approval check, revocation, and conversion to standard."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from approvals.clock import SHANGHAI, FixedClock
from core.db import session_scope
from flows import deadlines
from flows.runtime import Runtime
from models import Application, CommitmentBar
from tests.helpers import PROJECT, minimal_pdf, required_materials, sign_in

FAST_TRACK = PROJECT | {
    "item_code": "EIA-07",
    "project_name": "郑州绿源年产20万套汽车零部件项目",
    "industry_code": "3670",
    "district": "郑州经济技术开发区",
}
INSIDE_PARK = {"park_name": "郑州经济技术开发区", "longitude": 113.80, "latitude": 34.68}


def _text(client: TestClient, url: str, headers: dict[str, str]) -> str:
    out = subprocess.run(
        ["pdftotext", "-", "-"],
        input=client.get(url, headers=headers).content,
        capture_output=True,
        check=True,
    )
    return "".join(out.stdout.decode().split())


def _draft(client: TestClient, applicant: dict[str, str], facts: dict[str, Any]) -> int:
    created = client.post("/api/applications", json=FAST_TRACK, headers=applicant)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    for code in required_materials(client, "EIA-07"):
        client.put(
            f"/api/applications/{case_id}/materials/{code}",
            headers=applicant,
            files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
        )
    put = client.put(f"/api/applications/{case_id}/commitment/facts", json=facts, headers=applicant)
    assert put.status_code == 200, put.text
    return case_id


def _commit_and_submit(client: TestClient, applicant: dict[str, str], case_id: int) -> str:
    letter = client.post(f"/api/applications/{case_id}/commitment/letter", headers=applicant)
    assert letter.status_code == 200, letter.text
    sha = letter.json()["sha256"]
    accepted = client.post(
        f"/api/applications/{case_id}/commitment/accept", json={"sha256": sha}, headers=applicant
    )
    assert accepted.status_code == 200 and accepted.json()["accepted_sha256"] == sha
    twice = client.post(
        f"/api/applications/{case_id}/commitment/accept", json={"sha256": sha}, headers=applicant
    )
    assert twice.status_code == 409  # a commitment accepted twice
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    return sha


def _decide(client: TestClient, case_id: int) -> dict[str, Any]:
    intake, leader = sign_in(client, "shouli"), sign_in(client, "lingdao")
    assert client.post(f"/api/applications/{case_id}/accept", headers=intake).status_code == 200
    assert client.get(f"/api/applications/{case_id}", headers=leader).json()["status"] == "signing"
    assert (
        client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader).status_code == 200
    )
    return client.get(f"/api/applications/{case_id}", headers=leader).json()  # type: ignore[no-any-return]


def test_an_eligible_project_is_decided_within_one_working_day_and_checked_afterwards(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant = sign_in(client, "qiye")
    case_id = _draft(client, applicant, INSIDE_PARK)
    view = client.get(f"/api/applications/{case_id}/commitment", headers=applicant).json()
    assert view["eligible"] is True and view["matched_park"] == "郑州经济技术开发区"
    sha = _commit_and_submit(client, applicant, case_id)
    detail = _decide(client, case_id)
    assert detail["status"] == "post_check"
    assert detail["clock"]["used"] <= 1  # promised: one working day
    decision = next(d for d in detail["documents"] if d["kind"] == "commitment_decision")
    assert sha in _text(client, decision["download_url"], applicant)
    # decide first, publish after: the notice appears with the decision, not at acceptance
    [notice] = client.get("/api/public/notices", params={"kind": "acceptance"}).json()
    [decided] = client.get("/api/public/notices", params={"kind": "decision"}).json()
    assert decided["conclusion"] == "准予许可（告知承诺制）" and decided["document_url"]
    assert (notice["project_name"], notice["starts_on"]) == (
        FAST_TRACK["project_name"],
        detail["decided_on"],
    )
    assert notice["days"] == 5 and notice["participation_url"] is None

    clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))  # the check comes due
    assert deadlines.assign_post_checks(runtime) == 1
    assert deadlines.assign_post_checks(runtime) == 0  # assigned once
    chief = sign_in(client, "kezhang")
    not_assigned = client.post(
        f"/api/applications/{case_id}/post-check", headers=chief, json={"outcome": "conforms"}
    )
    assert not_assigned.status_code == 403
    officer = sign_in(client, "chengban")
    closed = client.post(
        f"/api/applications/{case_id}/post-check",
        headers=officer,
        json={"outcome": "conforms", "findings": ["现场核查与承诺一致"]},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_false_commitment_is_revoked_and_the_applicant_barred(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant = sign_in(client, "qiye")
    case_id = _draft(client, applicant, INSIDE_PARK)
    _commit_and_submit(client, applicant, case_id)
    detail = _decide(client, case_id)
    decision = next(d for d in detail["documents"] if d["kind"] == "commitment_decision")
    clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))
    deadlines.assign_post_checks(runtime)
    officer = sign_in(client, "chengban")
    revoked = client.post(
        f"/api/applications/{case_id}/post-check",
        headers=officer,
        json={"outcome": "not_conforming", "findings": ["实际建有电镀生产线，与承诺不符"]},
    )
    assert revoked.status_code == 200, revoked.text
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["status"] == "revoked"
    revocation = next(d for d in detail["documents"] if d["kind"] == "revocation_decision")
    text = _text(client, revocation["download_url"], applicant)
    assert decision["number"] in text and "实际建有电镀生产线" in text and "六十日" in text
    assert client.get(f"/api/verify/{decision['verify_code']}").json()["valid"] is False
    with session_scope(runtime.engine) as session:
        assert session.exec(select(CommitmentBar)).one().until == date(2027, 12, 14)
    again = _draft(client, applicant, INSIDE_PARK)
    view = client.get(f"/api/applications/{again}/commitment", headers=applicant).json()
    assert view["eligible"] is False
    assert [f["reason"] for f in view["findings"]] == ["revoked_commitment_bar"]


def test_an_ineligible_project_is_converted_to_the_standard_review_keeping_its_materials(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = sign_in(client, "qiye")
    case_id = _draft(client, applicant, {"document_type": "report_book", "park_name": None})
    view = client.get(f"/api/applications/{case_id}/commitment", headers=applicant).json()
    reasons = {f["reason"] for f in view["findings"]}
    assert reasons == {"not_report_table", "outside_eligible_parks"}
    no_letter = client.post(f"/api/applications/{case_id}/commitment/letter", headers=applicant)
    assert no_letter.status_code == 422
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert (detail["status"], detail["item_code"]) == ("submitted", "EIA-02")
    assert len(detail["materials"]) == len(required_materials(client, "EIA-07"))
    notice = next(d for d in detail["documents"] if d["kind"] == "conversion_notice")
    assert "环境影响报告表" in _text(client, notice["download_url"], applicant)
    with session_scope(runtime.engine) as session:
        assert session.get(Application, case_id).process_kind == "standard"  # type: ignore[union-attr]


def test_changing_the_site_after_the_letter_voids_it_and_eligibility_is_recomputed(
    client: TestClient,
) -> None:
    applicant = sign_in(client, "qiye")
    case_id = _draft(client, applicant, INSIDE_PARK)
    letter = client.post(f"/api/applications/{case_id}/commitment/letter", headers=applicant)
    moved = client.put(
        f"/api/applications/{case_id}/commitment/facts",
        headers=applicant,
        json={"park_name": None, "longitude": 113.2, "latitude": 34.4},
    )
    assert moved.json()["eligible"] is False and moved.json()["letter_sha256"] is None
    stale = client.post(
        f"/api/applications/{case_id}/commitment/accept",
        headers=applicant,
        json={"sha256": letter.json()["sha256"]},
    )
    assert stale.status_code == 409
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.json()["item_code"] == "EIA-02"  # now ineligible: converted
