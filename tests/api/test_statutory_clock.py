"""The statutory clock on a moved clock: deemed acceptance, pauses with the §45 notice,
warnings and reminders from the deadline sweep (run in-process), turnaround at decision."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import col, select

from approvals.catalogue import DayUnit
from approvals.clock import SHANGHAI, FixedClock
from approvals.timekeeping.calendar import Pause
from approvals.timekeeping.schedule import shared_calendar
from core.db import session_scope
from flows import deadlines
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import Application, AuditEvent, OutboxMail, Reminder
from tests.helpers import create_submitted, sign_in
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _sweep(runtime: Runtime) -> dict[str, object]:
    deemed = deadlines.deem_overdue_intakes(runtime, InlineLauncher(runtime))
    counts = deadlines.refresh_warnings(runtime)
    return {"deemed": deemed, **counts, "reminders": deadlines.queue_reminders(runtime)}


def _pdf_text(client: TestClient, url: str, headers: dict[str, str]) -> str:
    pdf = client.get(url, headers=headers).content
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_intake_silent_for_five_working_days_deems_the_case_accepted_as_of_receipt(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant = sign_in(client, "qiye")
    case = create_submitted(client, applicant)  # received Friday 2026-11-20
    _on(clock, date(2026, 11, 27))  # the fifth working day: still within the limit
    assert _sweep(runtime)["deemed"] == 0
    _on(clock, date(2026, 11, 30))
    assert _sweep(runtime)["deemed"] == 1
    assert _sweep(runtime)["deemed"] == 0  # idempotent

    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    assert detail["status"] == "drafting"
    assert detail["accepted_on"] == "2026-11-20"
    assert detail["clock"]["started_on"] == "2026-11-20"
    assert detail["clock"]["used"] == 6  # 11-23..27 and 11-30
    assert "deemed_accept" in [t["action"] for t in detail["timeline"]]
    notice = next(d for d in detail["documents"] if d["kind"] == "acceptance_notice")
    text = _pdf_text(client, notice["download_url"], applicant)
    assert "第三十二条第一款第（四）项" in text and "即为受理" in text


def test_pause_for_expert_review_stops_the_clock_and_tells_the_applicant_in_writing(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant, intake, officer = (sign_in(client, u) for u in ("qiye", "shouli", "chengban"))
    case = create_submitted(client, applicant, item_code="EIA-02")  # 30 working, promised 10
    client.post(f"/api/applications/{case['id']}/accept", headers=intake)  # Fri 2026-11-20
    _on(clock, date(2026, 12, 7))
    detail = client.get(f"/api/applications/{case['id']}", headers=officer).json()
    assert detail["clock"]["used"] == 11
    assert detail["clock"]["warning"] == "yellow"  # the promised 10 days are exceeded
    due_before = date.fromisoformat(detail["clock"]["due_on"])

    paused = client.post(
        f"/api/applications/{case['id']}/clock/pause",
        json={"reason": "专家评审", "max_days": 20, "comment": "组织专家技术评审"},
        headers=officer,
    )
    assert paused.status_code == 201, paused.text
    again = client.post(
        f"/api/applications/{case['id']}/clock/pause",
        json={"reason": "专家评审", "max_days": 5},
        headers=officer,
    )
    assert again.status_code == 409
    _on(clock, date(2026, 12, 14))
    assert (
        client.get(f"/api/applications/{case['id']}", headers=officer).json()["clock"]["used"] == 11
    )  # the day the pause started counted; the days after it do not
    resumed = client.post(f"/api/applications/{case['id']}/clock/resume", json={}, headers=officer)
    assert resumed.status_code == 200, resumed.text
    _on(clock, date(2026, 12, 15))
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    assert detail["clock"]["used"] == 12  # 12-14 (the end day) does not count; 12-15 does
    paused_working = shared_calendar().used(date(2026, 12, 7), date(2026, 12, 14), DayUnit.WORKING)
    assert paused_working.days == 5
    expected_due = shared_calendar().due(
        date(2026, 11, 20), 30, DayUnit.WORKING, [Pause(date(2026, 12, 7), date(2026, 12, 14))]
    )
    assert date.fromisoformat(detail["clock"]["due_on"]) == expected_due.day > due_before
    assert detail["pauses"][0]["reason"] == "专家评审" and detail["pauses"][0]["end_on"]
    notice = next(d for d in detail["documents"] if d["kind"] == "special_procedure_notice")
    text = _pdf_text(client, notice["download_url"], applicant)
    assert "专家评审" in text and "20个工作日" in text and "第四十五条" in text


def test_the_sweep_warns_once_per_level_and_escalates_overdue_cases_to_the_chief(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant, item_code="EIA-02")
    client.post(f"/api/applications/{case['id']}/accept", headers=intake)
    _on(clock, date(2026, 12, 7))  # promised limit exceeded: yellow
    first = _sweep(runtime)
    assert first["reminders"] == 1
    assert _sweep(runtime)["reminders"] == 0  # running it twice sends nothing twice
    clock.advance(timedelta(days=60))  # past the statutory 30 working days: red
    assert _sweep(runtime)["reminders"] == 1
    with session_scope(runtime.engine) as session:
        application = session.get(Application, case["id"])
        assert application is not None and application.warning == "red"
        mails = session.exec(
            select(OutboxMail).where(col(OutboxMail.message_id).startswith("<reminder-"))
        ).all()
        recipients = sorted(m.to_addr for m in mails)
        assert recipients == [
            "chengban@sthjj.example",  # yellow: the case officer
            "chengban@sthjj.example",  # red: the case officer again
            "kezhang@sthjj.example",  # red: and the section chief
        ]
        levels = sorted(r.level for r in session.exec(select(Reminder)))
        assert levels == ["red", "yellow"]


def test_a_decided_case_records_its_turnaround_in_working_days_without_pauses(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    applicant, intake, officer = (sign_in(client, u) for u in ("qiye", "shouli", "chengban"))
    chief, leader = sign_in(client, "kezhang"), sign_in(client, "lingdao")
    case = create_submitted(client, applicant)
    client.post(f"/api/applications/{case['id']}/accept", headers=intake)  # Fri 11-20
    _on(clock, date(2026, 11, 24))
    client.post(
        f"/api/applications/{case['id']}/clock/pause",
        json={"reason": "专家评审", "max_days": 10},
        headers=officer,
    )
    _on(clock, date(2026, 11, 27))
    client.post(f"/api/applications/{case['id']}/clock/resume", json={}, headers=officer)
    _on(clock, date(2026, 12, 2))
    end_notices_of_app(client.app, case["id"])
    client.post(
        f"/api/applications/{case['id']}/decision",
        headers=officer,
        json={"outcome": "approve", "conditions": ["落实各项措施。"]},
    )
    client.post(f"/api/applications/{case['id']}/review/approve", json={}, headers=chief)
    agree_and_end_pre_approval(client, case["id"], "EIA-01")
    client.post(f"/api/applications/{case['id']}/sign", json={}, headers=leader)
    with session_scope(runtime.engine) as session:
        application = session.get(Application, case["id"])
        assert application is not None and application.status == "approved"
        # (11-20, 12-02]: 23,24,25,26,27,30,1,2 = 8 working days; paused (11-24, 11-27] = 3
        assert application.turnaround_working_days == 5
        assert application.paused_working_days == 3
        assert application.turnaround_calendar_days == 12
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.application_id == case["id"])
        ).all()
        assert "clock_pause" in actions and "clock_resume" in actions
