"""The event feed: integrators follow cases by cursor instead of polling each case; every
caller sees only the cases it may see; issued documents come with their download link."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from flows.runtime import Runtime
from models import Expert, User
from tests.api.case_checks import add_other_applicant, expect_error, headers_for
from tests.helpers import create_submitted, sign_in


def follow(client: TestClient, headers: dict[str, str], after: int = 0, limit: int = 2) -> Any:
    """Every event after ``after``, page by page, as an integrator reads them."""
    events: list[dict[str, Any]] = []
    while True:
        page = client.get(f"/api/events?after={after}&limit={limit}", headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        events += body["events"]
        assert body["next"] == (body["events"][-1]["id"] if body["events"] else after)
        after = body["next"]
        if not body["more"]:
            return events, after


def test_the_applicant_follows_its_case_from_submission_to_the_acceptance_notice(
    client: TestClient,
) -> None:
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    seen, cursor = follow(client, applicant)
    assert [(e["kind"], e["to_status"]) for e in seen] == [("status_changed", "submitted")]

    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200
    new, cursor = follow(client, applicant, cursor)
    kinds = [(e["kind"], e["action"], e["automated"]) for e in new]
    assert kinds[0] == ("status_changed", "accept", False)
    issued = [e for e in new if e["kind"] == "document_issued"]
    assert len(issued) == 1 and issued[0]["document"]["kind"] == "acceptance_notice"
    assert ("status_changed", "start_drafting", True) in kinds  # the flow moved it on
    pdf = client.get(issued[0]["document"]["download_url"], headers=applicant)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert {e["application_number"] for e in seen + new} == {case["number"]}
    assert [e["id"] for e in seen + new] == sorted({e["id"] for e in seen + new})
    assert follow(client, applicant, cursor) == ([], cursor)  # nothing new: same cursor


def test_another_enterprise_sees_none_of_it_and_staff_see_all(
    client: TestClient, runtime: Runtime
) -> None:
    create_submitted(client, headers_for(client, "qiye"))
    add_other_applicant(runtime.engine, "minjiang", "another-password-1")
    other = sign_in(client, "minjiang", "another-password-1")
    assert follow(client, other) == ([], 0)
    staff, _ = follow(client, headers_for(client, "jiancha"), limit=50)
    assert [e["to_status"] for e in staff] == ["submitted"]
    assert "comment" not in staff[0] and "actor" not in str(staff[0])


def test_the_feed_needs_a_sign_in_and_a_sane_cursor(client: TestClient) -> None:
    expect_error(client.get("/api/events"), 401, "not_authenticated")
    applicant = headers_for(client, "qiye")
    for query in ("after=-1", "limit=0", "limit=201", "after=x"):
        expect_error(client.get(f"/api/events?{query}", headers=applicant), 422, "invalid_input")


def test_the_contract_says_which_statuses_run_by_themselves(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/events"]["get"]
    assert "`issuing`" in operation["description"] and "`accepted`" in operation["description"]
    assert "/api/reference/statuses" in operation["description"]


def test_an_expert_follows_the_cases_of_its_panels_only(client: TestClient, seeded: Engine) -> None:
    with session_scope(seeded) as session:
        ensure_expert_pool(session)
        session.commit()
        experts = dict(session.exec(select(Expert.id, User.username).join(User)).all())
    case = create_submitted(client, headers_for(client, "qiye"))
    client.post(f"/api/applications/{case['id']}/accept", headers=headers_for(client, "shouli"))
    started = client.post(
        f"/api/applications/{case['id']}/joint-review",
        json={
            "needed": ["air", "water"],
            "seed": 12345,
            "meeting_at": "2026-11-25T09:30:00+08:00",
            "video_link": "https://meeting.example/j/123",
        },
        headers=headers_for(client, "chengban"),
    )
    assert started.status_code == 201, started.text
    members = {m["expert_id"] for m in started.json()["members"] if m["state"] == "invited"}
    member = headers_for(client, experts[next(iter(members))])
    outsider = headers_for(client, next(u for i, u in experts.items() if i not in members))
    seen, _ = follow(client, member, limit=50)
    assert {e["application_id"] for e in seen} == {case["id"]}
    assert "joint_review" in [e["to_status"] for e in seen]
    assert follow(client, outsider) == ([], 0)
