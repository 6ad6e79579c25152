"""A draft is editable and withdrawable by its applicant until it is submitted; both acts are
audited. A fast-track (EIA-07) draft needs its industry code from the start, and a draft that
lacks one can be fixed by editing it instead of being stuck."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from flows.runtime import Runtime
from models import Application, AuditEvent, Status
from tests.api.case_checks import add_other_applicant, expect_error, headers_for
from tests.helpers import PROJECT, create_submitted, page_login, refused_page, sign_in

FAST_TRACK = PROJECT | {"item_code": "EIA-07", "industry_code": "3670"}
INSIDE_PARK = {"park_name": "郑州经济技术开发区", "longitude": 113.80, "latitude": 34.68}


def _events(runtime: Runtime, case_id: int) -> list[tuple[str, str]]:
    with Session(runtime.engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.application_id == case_id).order_by(AuditEvent.id)
        )
        return [(e.action, e.comment) for e in rows]


def test_the_applicant_edits_a_draft_and_the_change_is_checked_and_audited(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    draft = client.post("/api/applications", json=PROJECT, headers=applicant).json()
    url = f"/api/applications/{draft['id']}"

    edited = client.patch(
        url,
        json={"project_name": "郑州绿源数控机床扩建项目", "industry_code": "C3422"},
        headers=applicant,
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["project_name"] == "郑州绿源数控机床扩建项目"
    assert edited.json()["version"] == draft["version"] + 1
    assert _events(runtime, draft["id"]) == [("edit_draft", "修改：项目名称、国民经济行业代码")]
    for bad, field in [
        ({"district": "海淀区"}, "district"),
        ({"env_investment": "20000.00"}, "env_investment"),
        ({"item_code": "EIA-02"}, "item_code"),  # another item is another application
        ({"consultant": ""}, "consultant"),  # an EIA report needs its consultant
    ]:
        refused = client.patch(url, json=bad, headers=applicant)
        assert refused.status_code == 422, (bad, refused.text)
        assert field in refused.text, bad
    assert len(_events(runtime, draft["id"])) == 1  # the refused edits changed nothing

    expect_error(
        client.patch(url, json={}, headers=headers_for(client, "shouli")), 403, "permission_denied"
    )
    add_other_applicant(runtime.engine, "minjiang", "other-password-123")
    stranger = sign_in(client, "minjiang", "other-password-123")
    expect_error(client.patch(url, json={"site": "某地"}, headers=stranger), 404, "not_found")


def test_a_submitted_case_can_be_neither_edited_nor_withdrawn(client: TestClient) -> None:
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    url = f"/api/applications/{case['id']}"
    edit = client.patch(url, json={"project_name": "改名"}, headers=applicant)
    assert "草稿" in expect_error(edit, 409, "invalid_transition")["message"]
    withdraw = client.post(f"{url}/withdraw", headers=applicant)
    assert "草稿" in expect_error(withdraw, 409, "invalid_transition")["message"]


def test_the_applicant_withdraws_a_draft_which_then_stays_withdrawn(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    draft = client.post("/api/applications", json=PROJECT, headers=applicant).json()
    url = f"/api/applications/{draft['id']}"

    withdrawn = client.post(f"{url}/withdraw", headers=applicant)

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["status_label"] == "已撤回（草稿）"
    assert [a for a, _ in _events(runtime, draft["id"])] == ["withdraw"]
    expect_error(client.post(f"{url}/withdraw", headers=applicant), 409, "invalid_transition")
    assert client.post(f"{url}/submit", headers=applicant).status_code in (409, 422)
    expect_error(
        client.patch(url, json={"site": "某地"}, headers=applicant), 409, "invalid_transition"
    )
    detail = client.get(url, headers=applicant).json()
    assert detail["status"] == "withdrawn" and detail["actions"] == []


def test_a_fast_track_draft_needs_an_industry_code_and_a_stuck_one_is_fixed_by_editing(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    without = client.post(
        "/api/applications", json=FAST_TRACK | {"industry_code": ""}, headers=applicant
    )
    assert "国民经济行业代码" in expect_error(without, 422, "invalid_input")["message"]

    draft = client.post("/api/applications", json=FAST_TRACK, headers=applicant).json()
    with Session(runtime.engine) as session:  # a draft made before the code was required
        session.execute(
            update(Application).where(Application.id == draft["id"]).values(industry_code="")  # type: ignore[arg-type]
        )
        session.commit()
    facts = f"/api/applications/{draft['id']}/commitment/facts"
    stuck = client.put(facts, json=INSIDE_PARK, headers=applicant)
    assert stuck.status_code == 422, stuck.text

    fixed = client.patch(
        f"/api/applications/{draft['id']}", json={"industry_code": "3670"}, headers=applicant
    )
    assert fixed.status_code == 200, fixed.text
    with Session(runtime.engine) as session:
        row = session.get(Application, draft["id"])
        assert row is not None and row.industry_code == "3670" and row.status is Status.DRAFT
    judged = client.put(facts, json=INSIDE_PARK, headers=applicant)
    assert judged.status_code == 200, judged.text


def test_the_draft_page_offers_edit_and_withdraw(client: TestClient, runtime: Runtime) -> None:
    applicant = headers_for(client, "qiye")
    draft = client.post("/api/applications", json=PROJECT, headers=applicant).json()
    assert page_login(client, "qiye").status_code == 303
    page = client.get(f"/cases/{draft['id']}").text
    assert 'action="/cases/{}/draft"'.format(draft["id"]) in page and "撤回草稿" in page

    fields = {k: v for k, v in PROJECT.items() if k != "item_code"}
    refused = client.post(
        f"/cases/{draft['id']}/draft", data=fields | {"district": "海淀区"}, follow_redirects=False
    )
    assert "海淀区" in refused_page(client, refused)  # the typed value kept
    saved = client.post(
        f"/cases/{draft['id']}/draft",
        data=fields | {"project_name": "郑州绿源新项目"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert "草稿已保存" in client.get(saved.headers["location"]).text
    withdrawn = client.post(f"/cases/{draft['id']}/withdraw", follow_redirects=False)
    assert withdrawn.status_code == 303
    page = client.get(withdrawn.headers["location"]).text
    assert "草稿已撤回" in page and "已撤回（草稿）" in page and "withdraw-draft" not in page
    assert [a for a, _ in _events(runtime, draft["id"])] == ["edit_draft", "withdraw"]
