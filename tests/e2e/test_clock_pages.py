"""The statutory clock on the pages (TestClient with the session cookie), on both databases:
the 法定时限 panel, pausing and resuming from the case page, the queue's warnings and order,
and what an applicant sees of it. Time moves on the ``clock`` fixture."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from approvals.catalogue import DayUnit
from approvals.clock import SHANGHAI, FixedClock
from approvals.timekeeping.schedule import shared_calendar
from flows import deadlines
from flows.runtime import Runtime
from tests.api.case_driving import to_signing
from tests.e2e.test_pages import page_login
from tests.helpers import create_submitted, sign_in

ACCEPTED_ON = date(2026, 11, 20)  # the clock fixture's Friday


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _accepted(client: TestClient, item_code: str = "EIA-02") -> dict[str, Any]:
    """A case submitted by qiye and accepted by shouli today (the flows hand it to 承办)."""
    case = create_submitted(client, sign_in(client, "qiye"), item_code=item_code)
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    return case


def _panel(html: str) -> str:
    found = re.search(r'<section class="card clock-card.*?</section>', html, re.S)
    assert found is not None, "no 法定时限 panel on the page"
    return found.group(0)


def _text(html: str) -> str:
    """The page's words without tags or whitespace, as a person reads them."""
    return "".join(re.sub(r"<[^>]+>", "", html).split())


def _detail(client: TestClient, case: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/applications/{case['id']}", headers=sign_in(client, "chengban"))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _pause(client: TestClient, case: dict[str, Any], **fields: str) -> Any:
    data = {"reason": "专家评审", "max_days": "20", "unit": "working"} | fields
    return client.post(f"/cases/{case['id']}/clock/pause", data=data, follow_redirects=False)


def test_the_panel_shows_used_of_the_limit_the_due_date_and_the_warning_badge(
    client: TestClient, clock: FixedClock
) -> None:
    case = _accepted(client)  # EIA-02: 30 working days by law, 10 promised
    _on(clock, date(2026, 11, 25))
    page_login(client, "chengban")
    panel = _panel(client.get(f"/cases/{case['id']}").text)
    words = _text(panel)
    assert "法定时限" in words and "3/30个工作日" in words and "27个工作日" in words
    due = shared_calendar().due(ACCEPTED_ON, 30, DayUnit.WORKING).day
    assert _cn(due) in words
    # the current step against its budget: 8 working days and the 受理公示's 5 it waits for
    assert "承办拟办·已用3/13个工作日" in words
    assert 'id="clock-warning"' in panel and "正常" in words and "warn-good" in panel

    _on(clock, date(2026, 12, 7))  # 11 working days: the promised 10 are exceeded
    panel = _panel(client.get(f"/cases/{case['id']}").text)
    assert "11/30个工作日" in _text(panel) and "已用11/10个工作日" in _text(panel)
    assert "黄牌预警" in panel and "warn-yellow" in panel


def test_a_due_date_in_a_year_without_the_official_schedule_is_marked_provisional(
    client: TestClient,
) -> None:
    case = _accepted(client, "EIA-01")  # 60 working days from 2026-11-20 reach into 2027
    page_login(client, "qiye")
    panel = _panel(client.get(f"/cases/{case['id']}").text)
    assert "（暂定）" in panel
    assert 'title="2027年起的节假日安排尚未发布，按固定节日推算"' in panel


def test_pausing_from_the_page_stops_the_clock_and_issues_the_special_procedure_notice(
    client: TestClient, clock: FixedClock
) -> None:
    case = _accepted(client)
    _on(clock, date(2026, 11, 25))
    page_login(client, "chengban")
    page = client.get(f"/cases/{case['id']}").text
    assert f'action="/cases/{case["id"]}/clock/pause"' in page
    assert '<option value="专家评审"' in page and '<option value="公示期"' not in page

    response = _pause(client, case, pause_comment="组织专家对报告表进行技术评审")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/cases/{case['id']}?msg=pause_clock"
    page = client.get(response.headers["location"]).text
    assert "已暂停计时" in page
    panel = _panel(page)
    assert "计时暂停中：专家评审" in panel and "进行中" in panel
    assert "组织专家对报告表进行技术评审" in panel and "20 个工作日" in panel
    resume_by = shared_calendar().due(date(2026, 11, 25), 20, DayUnit.WORKING).day
    assert f"至迟 {_cn(resume_by)}" in panel  # what the notice told the applicant
    assert "暂停计时（特别程序）" in page  # the timeline names the step in Chinese
    assert f'action="/cases/{case["id"]}/clock/resume"' in panel
    assert f'action="/cases/{case["id"]}/clock/pause"' not in panel  # one pause at a time
    notice = re.search(
        r'<tr class="document" data-kind="special_procedure_notice">.*?</tr>', page, re.S
    )
    assert notice is not None and "特别程序告知书" in notice.group(0)
    assert "郑环告〔2026〕" in notice.group(0) and "下载" in notice.group(0)  # issued by the flow
    [pause] = _detail(client, case)["pauses"]
    assert pause["reason"] == "专家评审" and pause["start_on"] == "2026-11-25"
    assert pause["end_on"] is None and pause["max_days"] == 20

    _on(clock, date(2026, 12, 2))
    panel = _panel(client.get(f"/cases/{case['id']}").text)
    assert "3/30个工作日" in _text(panel)  # the day the pause started counted, none since
    resumed = client.post(f"/cases/{case['id']}/clock/resume", follow_redirects=False)
    assert resumed.status_code == 303, resumed.text
    page = client.get(resumed.headers["location"]).text
    assert "已恢复计时" in page
    panel = _panel(page)
    assert "计时暂停中" not in panel and "进行中" not in panel
    assert _cn(date(2026, 12, 2)) in panel  # the pause's end
    assert f'action="/cases/{case["id"]}/clock/pause"' in panel  # may pause again
    [pause] = _detail(client, case)["pauses"]
    assert pause["end_on"] == "2026-12-02"


def test_a_reason_the_item_does_not_allow_shows_the_chinese_error_and_keeps_the_form(
    client: TestClient,
) -> None:
    case = _accepted(client)
    page_login(client, "chengban")
    sent = _pause(client, case, reason="公示期", max_days="15")
    assert sent.status_code == 303  # post/redirect/get: the refusal is shown on a GET
    refused = client.get(sent.headers["location"])
    assert refused.status_code == 200
    assert "“公示期”不是本事项依法不计入时限的程序" in refused.text
    assert 'class="alert alert-error"' in refused.text
    assert 'id="pause-form" open' in refused.text and 'value="15"' in refused.text
    bad_days = client.get(_pause(client, case, max_days="0").headers["location"])
    assert "最长所需时间应为1至250之间的整数" in bad_days.text
    assert _detail(client, case)["pauses"] == []


def test_the_queue_puts_an_overdue_case_first_with_the_red_badge(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    first = _accepted(client, "EIA-01")  # submitted first: 60 working days
    overdue = _accepted(client, "EIA-02")  # submitted second: 30 working days
    clock.advance(timedelta(days=70))  # 2027-01-29: EIA-02 past its limit, EIA-01 close to it
    fresh = _accepted(client, "EIA-02")  # submitted last, just accepted
    assert deadlines.refresh_warnings(runtime)["changed"] >= 2

    page_login(client, "chengban")
    page = client.get("/queue").text
    order = re.findall(
        r'<tr class="queue-row[^"]*" data-number="([^"]+)" data-warning="(\w+)"', page
    )
    assert order == [
        (overdue["number"], "red"),
        (first["number"], "yellow"),
        (fresh["number"], "none"),
    ]
    row = re.search(rf'data-number="{overdue["number"]}".*?</tr>', page, re.S)
    assert row is not None and "红牌超期" in row.group(0) and "warn-red" in row.group(0)
    due = shared_calendar().due(ACCEPTED_ON, 30, DayUnit.WORKING).day
    assert _cn(due) in row.group(0)
    assert "黄牌预警" in page and "正常" in page
    panel = _panel(client.get(f"/cases/{overdue['id']}").text)
    assert "红牌超期" in panel and "已超期" in panel


def test_an_applicant_sees_the_clock_read_only_and_the_due_date_in_my_cases(
    client: TestClient, clock: FixedClock
) -> None:
    case = _accepted(client)
    _on(clock, date(2026, 11, 25))
    page_login(client, "chengban")
    assert _pause(client, case).status_code == 303

    page_login(client, "qiye")
    page = client.get(f"/cases/{case['id']}").text
    panel = _panel(page)
    assert "计时暂停中：专家评审" in panel and "3/30个工作日" in _text(panel)
    assert "/clock/pause" not in page and "/clock/resume" not in page and "<select" not in panel
    refused = client.post(f"/cases/{case['id']}/clock/resume", follow_redirects=False)
    assert refused.status_code == 403
    assert _detail(client, case)["pauses"][0]["end_on"] is None

    mine = client.get("/my").text
    row = re.search(rf'data-number="{case["number"]}".*?</tr>', mine, re.S)
    assert row is not None
    due = _detail(client, case)["due_on"]
    assert _cn(date.fromisoformat(due)) in row.group(0) and "计时暂停" in row.group(0)


def test_only_the_case_officer_and_section_chief_see_the_pause_form(client: TestClient) -> None:
    case = _accepted(client)
    form = f'action="/cases/{case["id"]}/clock/pause"'
    for username, shown in [("chengban", True), ("kezhang", True), ("shouli", False),
                            ("lingdao", False)]:  # fmt: skip
        page_login(client, username)
        assert (form in client.get(f"/cases/{case['id']}").text) is shown, username


def test_after_the_decision_the_panel_says_done_not_days_remaining(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    to_signing(client, case["id"])
    signed = client.post(
        f"/api/applications/{case['id']}/sign", json={}, headers=sign_in(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text
    page_login(client, "qiye")
    page = client.get(f"/cases/{case['id']}").text
    panel = page[page.index('id="statutory-clock"') :]
    panel = panel[: panel.index("</section>")]
    assert "已办结" in panel and 'id="clock-decided"' in panel
    assert "剩余" not in panel and "正常" not in panel
