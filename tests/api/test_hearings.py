"""听证 through the API: the right told, an interested party's request on the public form stops
the clock (特别程序告知书), signing waits, the 主持人 may not be the case officer, the notice days
and the 20-day period bound the date, the 听证通知书 and the 听证笔录 are issued as PDFs, the
parties confirm (a refusal recorded), the clock resumes and its due date has moved by the hearing
days, the 批复 says it rests on the record; a withdrawn request resumes the clock; a late request
is refused."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue.schema import DayUnit
from approvals.clock import SHANGHAI, FixedClock
from approvals.timekeeping.schedule import shared_calendar
from models import OutboxMail, User
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import approve_draft, draft
from tests.api.test_public_comments import answered_challenge, other_address
from tests.api.test_public_notices import accepted_case
from tests.helpers import page_login, refused_page
from tests.notice_time import agree_and_end_pre_approval

PARTY = {
    "name": "王利民",
    "contact": "13800000001",
    "email": "wanglimin@example.com",
    "relation": "项目东侧80米居民楼业主",
    "reasons": "项目夜间噪声和废气可能影响居住，请求举行听证",
}
RECORD = {
    "held_at": "2026-12-03T09:40:00+08:00",
    "participants": [
        {"name": "郑州绿源精密机械有限公司", "role": "申请人"},
        {"name": "王利民", "role": "利害关系人"},
        {"name": "李承办", "role": "行政许可审查人员"},
    ],
    "review_opinion": "项目选址符合园区规划，噪声源强取值依据充分。",
    "statements": [
        {"speaker": "王利民", "text": "夜间冲压噪声会影响休息"},
        {"speaker": "郑州绿源精密机械有限公司", "text": "冲压车间夜间停产，并设隔声罩"},
    ],
    "evidence": [{"party": "王利民", "text": "住宅与厂界距离测量照片3张"}],
    "adoption_note": "采纳利害关系人关于夜间噪声的意见，批复要求冲压工序夜间停产",
}


def _on(clock: FixedClock, day: date, hour: int = 10) -> None:
    clock.set(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI))


def _detail(client: TestClient, case_id: int, who: str = "chengban") -> dict[str, Any]:
    response = client.get(f"/api/applications/{case_id}", headers=headers_for(client, who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _pdf_text(client: TestClient, url: str) -> str:
    pdf = client.get(url, headers=headers_for(client, "qiye")).content
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def _tell_right(client: TestClient, case_id: int) -> None:
    told = client.post(
        f"/api/applications/{case_id}/hearing-right",
        json={},
        headers=headers_for(client, "chengban"),
    )
    assert told.status_code == 201, told.text
    assert "2026年11月27日前申请听证" in told.json()["message"]  # 5 working days after Fri 11-20


def _party_request(client: TestClient, case_id: int, host: str) -> Any:
    visitor = other_address(client, host)
    [notice] = [
        n
        for n in visitor.get("/api/public/notices").json()
        if n["project_name"] == _detail(client, case_id)["project_name"]
    ]
    data = PARTY | answered_challenge(visitor, notice["id"])
    return visitor.post(f"/api/public/notices/{notice['id']}/hearing-requests", data=data)


def _user_id(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        return user.id


def test_a_requested_hearing_stops_the_clock_and_the_decision_rests_on_its_record(
    client: TestClient, clock: FixedClock, engine: Engine
) -> None:
    case_id = accepted_case(client)  # Friday 2026-11-20
    draft(client, case_id)
    approve_draft(client, case_id)
    _tell_right(client, case_id)
    due_before = date.fromisoformat(_detail(client, case_id)["clock"]["due_on"])
    waiting = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    message = expect_error(waiting, 409, "invalid_transition")["message"]
    assert "申请听证的期限至2026年11月27日届满" in message

    _on(clock, date(2026, 11, 23))
    asked = _party_request(client, case_id, "198.51.100.7")
    assert asked.status_code == 201, asked.text
    detail = _detail(client, case_id)
    assert detail["clock"]["paused"] is True and detail["clock"]["pause_reason"] == "听证"
    assert any(d["kind"] == "special_procedure_notice" for d in detail["documents"])
    refused = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    assert "听证尚未举行" in expect_error(refused, 409, "invalid_transition")["message"]

    officer = headers_for(client, "chengban")
    plan = {
        "scheduled_at": "2026-12-03T09:30:00+08:00",
        "mode": "in_person",
        "place": "郑州市生态环境局三楼听证室",
        "presiding_officer_id": _user_id(engine, "chengban"),
        "recorder": "孙记录",
    }
    own = client.post(f"/api/applications/{case_id}/hearing/schedule", json=plan, headers=officer)
    assert "审查该行政许可申请的工作人员以外" in expect_error(own, 422, "invalid_input")["message"]
    plan["presiding_officer_id"] = _user_id(engine, "kezhang")
    too_soon = client.post(
        f"/api/applications/{case_id}/hearing/schedule",
        json=plan | {"scheduled_at": "2026-11-30T09:30:00+08:00"},
        headers=officer,
    )
    expect_error(too_soon, 422, "invalid_input")  # 7 working days after 11-23: 12-02
    scheduled = client.post(
        f"/api/applications/{case_id}/hearing/schedule", json=plan, headers=officer
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["state"] == "scheduled" and scheduled.json()["hold_by"] == "2026-12-21"
    with Session(engine) as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.to_addr == PARTY["email"])).all()
        assert len(mails) == 1 and "2026年12月3日9时30分" in mails[0].body
    # a hearing the parties asked for is notified to them, not announced (§47, §48(一))
    assert client.get("/api/public/notices", params={"kind": "hearing"}).json() == []

    _on(clock, date(2026, 12, 3), 12)
    page_login(client, "chengban")
    form = {
        "held_at": "2026-12-03T09:40",
        "participants": "王利民：利害关系人",
        "review_opinion": "同意",
        "statements": "王利民说夜间噪声大",  # no 发言人：内容
        "adoption_note": "采纳",
    }
    bad = client.post(f"/cases/{case_id}/hearing/record", data=form)
    assert "每行应写成“名称：内容”" in refused_page(client, bad)
    client.cookies.clear()
    held = client.post(f"/api/applications/{case_id}/hearing/record", json=RECORD, headers=officer)
    assert held.status_code == 200 and held.json()["state"] == "held", held.text
    confirmed = client.post(
        f"/api/applications/{case_id}/hearing/confirmations",
        json={"name": "任意", "confirmed": True},
        headers=headers_for(client, "qiye"),
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "held", confirmed.text
    page_login(client, "chengban")  # the officer records the party's refusal on the page
    page = client.get(f"/cases/{case_id}").text
    assert 'id="hearing-confirm"' in page and '<option value="王利民">' in page
    refusal = {"name": "王利民", "confirmed": "no", "note": ""}
    unnoted = client.post(f"/cases/{case_id}/hearing/confirmations", data=refusal)
    assert "拒绝签字的，请记明情况" in refused_page(client, unnoted)
    refusal["note"] = "认为笔录未记全其发言，拒绝签字"
    recorded = client.post(
        f"/cases/{case_id}/hearing/confirmations", data=refusal, follow_redirects=False
    )
    assert recorded.status_code == 303, recorded.text
    client.cookies.clear()
    [hearing] = client.get(f"/api/applications/{case_id}/hearings", headers=officer).json()
    assert hearing["state"] == "recorded"

    detail = _detail(client, case_id)
    assert detail["clock"]["paused"] is False
    # paused (11-23, 12-03]: 11-24 … 12-03 are 8 working days; the due date moves by them
    moved = date.fromisoformat(detail["clock"]["due_on"])
    assert moved == shared_calendar().due(due_before, 8, DayUnit.WORKING).day
    documents = {d["kind"]: d for d in detail["documents"]}
    notice = _pdf_text(client, documents["hearing_notice"]["download_url"])
    for text in (
        "听证通知书",
        "利害关系人王利民在法定期限内提出了听证申请",
        "2026年12月3日9时30分",
        "听证主持人：张科长（科室负责人）",
        "行政许可审查人员：李承办（承办人）",
        "有权在听证举行前申请回避",
    ):
        assert text in notice, text
    record = _pdf_text(client, documents["hearing_record"]["download_url"])
    for text in (
        "听证笔录",
        "王利民：夜间冲压噪声会影响休息。",
        "（一）王利民提交：住宅与厂界距离测量照片3张。",
        "郑州绿源精密机械有限公司：经核对，以上笔录无误",
        "王利民：拒绝签字（盖章），情况记明如下：认为笔录未记全其发言，拒绝签字。",
        "听证主持人（签字）：张科长（科室负责人）",
    ):
        assert text in record, text

    agree_and_end_pre_approval(client, case_id)  # the 拟批准公示 runs out (moved back)
    signed = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text
    detail = _detail(client, case_id)
    approval = next(d for d in detail["documents"] if d["kind"] == "approval")
    text = _pdf_text(client, approval["download_url"])
    assert "本机关已于2026年12月3日依法举行听证，本决定根据听证笔录" in text
    assert "采纳利害关系人关于夜间噪声的意见" in text
    trace = client.get(f"/api/audit/cases/{case_id}", headers=headers_for(client, "jiancha"))
    assert trace.status_code == 200 and trace.json()["hearing_working_days"] == 8, trace.text
    page_login(client, "jiancha")
    assert (
        "其中听证（含通知、举行和笔录确认）用时 8 个工作日"
        in client.get(f"/audit/cases/{case_id}").text
    )


def test_a_withdrawn_request_resumes_the_clock_and_a_late_one_is_refused(
    client: TestClient, clock: FixedClock
) -> None:
    case_id = accepted_case(client)  # drafting, Friday 2026-11-20
    applicant = headers_for(client, "qiye")
    early = client.post(
        f"/api/applications/{case_id}/hearing-requests",
        json={"reasons": "请求听证"},
        headers=applicant,
    )
    assert "尚未告知听证权利" in expect_error(early, 409, "invalid_transition")["message"]
    _tell_right(client, case_id)
    _on(clock, date(2026, 11, 23))
    asked = client.post(
        f"/api/applications/{case_id}/hearing-requests",
        json={"reasons": "对拟批准的防护距离有异议"},
        headers=applicant,
    )
    assert asked.status_code == 201, asked.text
    assert _detail(client, case_id)["clock"]["paused"] is True
    [hearing] = client.get(f"/api/applications/{case_id}/hearings", headers=applicant).json()
    [request] = hearing["requests"]
    page_login(client, "chengban")
    staff_page = client.get(f"/cases/{case_id}").text
    assert "已申请，待安排" in staff_page and "安排听证并制发听证通知书" in staff_page
    assert "李承办" not in staff_page.split('name="presiding_officer_id"')[1].split("</select>")[0]
    page_login(client, "qiye")
    own_page = client.get(f"/cases/{case_id}").text
    assert "对拟批准的防护距离有异议" in own_page and f"{request['id']}/withdraw" in own_page
    client.cookies.clear()
    _on(clock, date(2026, 11, 25))
    withdrawn = client.post(
        f"/api/applications/{case_id}/hearing-requests/{request['id']}/withdraw",
        json={"note": "已与周边居民协商一致"},
        headers=applicant,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "cancelled"
    detail = _detail(client, case_id)
    assert detail["clock"]["paused"] is False
    hearing_pause = next(p for p in detail["pauses"] if p["reason"] == "听证")
    assert (hearing_pause["start_on"], hearing_pause["end_on"]) == ("2026-11-23", "2026-11-25")

    _on(clock, date(2026, 11, 30))  # the period ended Friday 11-27
    late = _party_request(client, case_id, "198.51.100.8")
    body = expect_error(late, 409, "invalid_transition")
    assert "听证申请已逾期" in body["message"] and "2026年11月27日" in body["message"]
    assert (
        client.get(f"/api/applications/{case_id}/hearings", headers=applicant).json()[0]["state"]
        == "cancelled"
    )


def test_a_hearing_the_bureau_orders_is_announced_to_the_public_with_its_time_and_place(
    client: TestClient, clock: FixedClock, engine: Engine
) -> None:
    """§46: a hearing held of the bureau's own motion on a matter of public interest is
    announced (听证公告) — subject, time, way and place, open to the public — when scheduled;
    rescheduling brings the announcement up to date."""
    case_id = accepted_case(client)  # Friday 2026-11-20
    draft(client, case_id)
    officer = headers_for(client, "chengban")
    reasons = "项目位于居民集中区上风向，涉及重大公共利益"
    ordered = client.post(
        f"/api/applications/{case_id}/hearing/order", json={"reasons": reasons}, headers=officer
    )
    assert ordered.status_code == 201, ordered.text
    assert client.get("/api/public/notices", params={"kind": "hearing"}).json() == []
    plan = {
        "scheduled_at": "2026-12-03T09:30:00+08:00",
        "mode": "in_person",
        "place": "郑州市生态环境局三楼听证室",
        "presiding_officer_id": _user_id(engine, "kezhang"),
        "recorder": "孙记录",
    }
    url = f"/api/applications/{case_id}/hearing/schedule"
    assert client.post(url, json=plan, headers=officer).status_code == 200
    [notice] = client.get("/api/public/notices", params={"kind": "hearing"}).json()
    assert notice["kind_label"] == "听证公告" and notice["overview"] == reasons
    assert notice["hearing_place"] == "现场方式：郑州市生态环境局三楼听证室"
    assert notice["hearing_at"].startswith("2026-12-03T01:30")  # UTC
    assert notice["status"] == "open" and "公开举行" in notice["hearing_right"]

    later = plan | {
        "scheduled_at": "2026-12-04T14:00:00+08:00",
        "mode": "online",
        "place": "视频会议",
    }
    assert client.post(url, json=later, headers=officer).status_code == 200
    [moved] = client.get("/api/public/notices", params={"kind": "hearing"}).json()
    assert moved["id"] == notice["id"] and moved["ends_on"] == "2026-12-04"
    assert moved["hearing_place"] == "网络视频方式：视频会议"
    page = client.get(moved["page_url"]).text
    for text in ("听证公告", "听证事项", reasons, "2026-12-04 14:00", "旁听", "待举行"):
        assert text in page, text
    listing = client.get("/public/notices").text
    assert "notices-hearings" in listing and "网络视频方式" in listing
    feed = client.get("/public/notices.atom").text
    assert "听证公告" in feed
