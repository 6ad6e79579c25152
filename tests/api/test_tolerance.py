"""容缺受理: an application accepted with named non-key materials owed on a signed commitment;
the clock runs, the leader cannot sign until they arrive, an overdue commitment gets its item's
rule (suspend, then 退件) from the deadline sweep, and an enterprise on the bad-credit list
staff loaded is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import FixedClock
from approvals.seed import demo_uscc
from flows import deadlines
from flows.runtime import Runtime
from models import ClockPause, OutboxMail
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import accept, approve_draft, draft
from tests.helpers import PROJECT, minimal_pdf, required_materials
from tests.notice_time import agree_and_end_pre_approval

OWED = ["project_approval", "business_licence"]


def _draft_without_owed(client: TestClient, applicant: dict[str, str]) -> int:
    created = client.post("/api/applications", json=PROJECT, headers=applicant)
    assert created.status_code == 201, created.text
    case_id = int(created.json()["id"])
    for code in required_materials(client, "EIA-01"):
        if code not in OWED:
            uploaded = client.put(
                f"/api/applications/{case_id}/materials/{code}",
                files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
                headers=applicant,
            )
            assert uploaded.status_code == 200, uploaded.text
    return case_id


def _declare(client: TestClient, case_id: int, applicant: dict[str, str], by: date) -> Any:
    body = {"material_codes": OWED, "supply_by": by.isoformat(), "agree": True}
    return client.put(f"/api/applications/{case_id}/tolerance", json=body, headers=applicant)


def _supply(client: TestClient, case_id: int, code: str, applicant: dict[str, str]) -> Any:
    return client.put(
        f"/api/applications/{case_id}/tolerance/materials/{code}",
        files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
        headers=applicant,
    )


def _accepted_with_owed(client: TestClient, by: date) -> tuple[int, dict[str, str]]:
    applicant = headers_for(client, "qiye")
    case_id = _draft_without_owed(client, applicant)
    assert _declare(client, case_id, applicant, by).status_code == 200
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    assert accept(client, case_id)["status"] in {"accepted", "drafting"}
    return case_id, applicant


def test_a_case_accepted_with_owed_materials_is_signed_only_once_they_arrive(
    client: TestClient, engine: Engine
) -> None:
    applicant = headers_for(client, "qiye")
    case_id = _draft_without_owed(client, applicant)
    refused = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert "缺少必需材料" in expect_error(refused, 422, "invalid_input")["message"]

    option = client.get(f"/api/applications/{case_id}/tolerance/option", headers=applicant).json()
    assert option["allowed"] is True and option["rule_sources"] is None
    assert [m["code"] for m in option["materials"]] == OWED
    latest = date.fromisoformat(option["latest_supply_by"])
    too_late = _declare(client, case_id, applicant, latest + timedelta(days=1))
    assert "承诺补齐日期应在" in expect_error(too_late, 422, "invalid_input")["message"]
    key = client.put(
        f"/api/applications/{case_id}/tolerance",
        json={"material_codes": ["report_full_text"], "supply_by": "2026-11-27", "agree": True},
        headers=applicant,
    )
    assert "非关键性材料" in expect_error(key, 422, "invalid_input")["message"]

    signed = _declare(client, case_id, applicant, date(2026, 11, 27))
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["state"] == "owed" and body["rule_sources"] is None
    assert "容缺受理承诺书" in body["text"] and "2026年11月27日前" in body["text"]
    assert [o["supplied"] for o in body["owed"]] == [False, False]

    assert client.post(f"/api/applications/{case_id}/submit", headers=applicant).status_code == 200
    staff_view = client.get(
        f"/api/applications/{case_id}/tolerance", headers=headers_for(client, "shouli")
    ).json()
    markers = {s["rule"]: s["evidence"] for s in staff_view["rule_sources"]}
    assert markers["失信企业不适用容缺受理"] == "found"
    assert markers["本事项可容缺的材料及逾期处理方式"] == "inferred"

    accept(client, case_id)
    ordinary = client.put(
        f"/api/applications/{case_id}/materials/project_approval",
        files={"file": ("p.pdf", minimal_pdf("p"), "application/pdf")},
        headers=applicant,
    )
    expect_error(ordinary, 422, "invalid_input")
    draft(client, case_id)
    approve_draft(client, case_id)
    agree_and_end_pre_approval(client, case_id)
    leader = headers_for(client, "lingdao")
    refused = client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader)
    body = expect_error(refused, 409, "invalid_transition")
    assert "容缺受理的材料尚未补齐" in body["message"] and body["details"]["owed"] == OWED

    assert _supply(client, case_id, "project_approval", applicant).status_code == 200
    refused = client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader)
    assert expect_error(refused, 409, "invalid_transition")["details"]["owed"] == [
        "business_licence"
    ]
    wrong = _supply(client, case_id, "report_full_text", applicant)
    expect_error(wrong, 422, "invalid_input")
    assert _supply(client, case_id, "business_licence", applicant).status_code == 200
    settled = client.get(f"/api/applications/{case_id}/tolerance", headers=applicant).json()
    assert settled["state"] == "supplied" and all(o["supplied"] for o in settled["owed"])
    signed_off = client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader)
    assert signed_off.status_code == 200, signed_off.text


def test_an_overdue_commitment_suspends_the_case_then_returns_it_and_mails_the_applicant(
    client: TestClient, clock: FixedClock, runtime: Runtime, engine: Engine
) -> None:
    case_id, applicant = _accepted_with_owed(client, date(2026, 11, 24))
    assert deadlines.apply_tolerance_rules(runtime) == {"suspended": 0, "returned": 0}
    clock.advance(timedelta(days=5))  # Wed 11-25: the promised 11-24 has passed
    assert deadlines.apply_tolerance_rules(runtime) == {"suspended": 1, "returned": 0}
    assert deadlines.apply_tolerance_rules(runtime) == {"suspended": 0, "returned": 0}
    with Session(engine) as session:
        [pause] = session.exec(select(ClockPause).where(ClockPause.application_id == case_id))
        assert pause.end_on is None and pause.reason.startswith("容缺材料逾期未补齐")
    state = client.get(f"/api/applications/{case_id}/tolerance", headers=applicant).json()
    assert state["state"] == "suspended" and state["overdue_on"] == "2026-11-25"

    assert _supply(client, case_id, "project_approval", applicant).status_code == 200
    clock.advance(timedelta(days=22))  # 12-17: the 15 working days after 11-25 ended 12-16
    assert deadlines.apply_tolerance_rules(runtime) == {"suspended": 0, "returned": 1}
    case = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert case["status"] == "returned"
    late = _supply(client, case_id, "business_licence", applicant)
    expect_error(late, 409, "invalid_transition")
    with Session(engine) as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.application_id == case_id)).all()
        pause = session.exec(select(ClockPause).where(ClockPause.application_id == case_id)).one()
    subjects = [m.subject for m in mails if "容缺" in m.subject]
    assert subjects == [
        f"【{case['number']}】容缺材料逾期未补齐，办件暂停办理",
        f"【{case['number']}】容缺材料逾期未补齐，办件已退件",
    ]
    assert "营业执照" in next(m.body for m in mails if "退件" in m.subject)
    assert pause.end_on == date(2026, 12, 17)


def test_supplying_everything_while_suspended_ends_the_suspension(
    client: TestClient, clock: FixedClock, runtime: Runtime, engine: Engine
) -> None:
    case_id, applicant = _accepted_with_owed(client, date(2026, 11, 24))
    clock.advance(timedelta(days=5))
    deadlines.apply_tolerance_rules(runtime)
    for code in OWED:
        assert _supply(client, case_id, code, applicant).status_code == 200
    with Session(engine) as session:
        pause = session.exec(select(ClockPause).where(ClockPause.application_id == case_id)).one()
    assert pause.end_on == date(2026, 11, 25)
    clock.advance(timedelta(days=30))
    assert deadlines.apply_tolerance_rules(runtime) == {"suspended": 0, "returned": 0}
    case = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert case["status"] == "drafting"


def test_an_enterprise_on_the_loaded_bad_credit_list_is_refused(client: TestClient) -> None:
    applicant = headers_for(client, "qiye")
    case_id = _draft_without_owed(client, applicant)
    assert _declare(client, case_id, applicant, date(2026, 11, 27)).status_code == 200
    entry = {"uscc": demo_uscc(), "name": "郑州绿源精密机械有限公司", "reason": "严重失信"}
    forbidden = client.put("/api/credit-list", json={"entries": [entry]}, headers=applicant)
    expect_error(forbidden, 403, "permission_denied")
    bad_code = client.put(
        "/api/credit-list",
        json={"entries": [entry | {"uscc": "91410100MA00000000"}]},
        headers=headers_for(client, "shouli"),
    )
    assert "第1条" in expect_error(bad_code, 422, "invalid_input")["message"]
    loaded = client.put(
        "/api/credit-list", json={"entries": [entry]}, headers=headers_for(client, "shouli")
    )
    assert loaded.json() == {"active": 1, "added": 1, "ended": 0}

    refused = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert "失信名单" in expect_error(refused, 422, "invalid_input")["message"]
    option = client.get(f"/api/applications/{case_id}/tolerance/option", headers=applicant).json()
    assert option["allowed"] is False and "失信名单" in option["reason"]
    again = _declare(client, case_id, applicant, date(2026, 11, 27))
    expect_error(again, 422, "invalid_input")

    cleared = client.put(
        "/api/credit-list", json={"entries": []}, headers=headers_for(client, "kezhang")
    )
    assert cleared.json() == {"active": 0, "added": 0, "ended": 1}
    listed = client.get("/api/credit-list", headers=headers_for(client, "jiancha"))
    assert listed.json() == []
    assert client.post(f"/api/applications/{case_id}/submit", headers=applicant).status_code == 200
