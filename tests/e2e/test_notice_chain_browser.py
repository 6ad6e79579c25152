"""The public side of one approval, in Chromium: a visitor comments on the open 受理公示; a draft
before the officer's answer is refused; the 拟批准公示 tells of the hearing right; the leader's
sign-off before it ends is refused on the case page; the decision is published and is in the
Atom feed. Screenshots in /tmp/screens/."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from approvals.clock import SHANGHAI, FixedClock
from flows.runtime import Runtime
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import APPROVE, approve_draft
from tests.api.test_public_notices import accepted_case
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENS,
    Desk,
    browser,
    engine,
    live_server,
    reload_until,
)
from tests.helpers import PROJECT
from tests.notice_time import PRE_APPROVAL_TEXT, end_notices_of_app

pytestmark = pytest.mark.e2e
WORDS = "零一二三四五六七八九"


def test_comment_answer_pre_approval_refused_sign_and_the_published_decision(
    client: TestClient,
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    runtime: Runtime,
) -> None:
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    case_id = accepted_case(client, "EIA-01")  # Fri 2026-11-20
    officer = headers_for(client, "chengban")
    SCREENS.mkdir(parents=True, exist_ok=True)

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    visitor.set_default_timeout(10_000)
    page = visitor.new_page()
    page.goto(f"{live_server}/public/notices")
    page.fill("input[name=q]", "数控机床")
    page.get_by_role("button", name="查找").click()
    assert "剩余10个工作日" in page.inner_text("table.notices-open")
    page.get_by_role("link", name=PROJECT["project_name"]).first.click()
    href = page.get_attribute("a:has-text('公开版本')", "href")
    assert href is not None and page.request.get(f"{live_server}{href}").status == 200
    page.fill("input[name=name]", "赵女士")
    page.fill("input[name=contact]", "13900000000")
    page.fill("textarea[name=text]", "请说明夜间施工噪声的控制措施。")
    question = page.inner_text("label:has(input[name=challenge_answer]) .label")
    a, b = re.search(r"：(.)加(.)等于几", question).groups()  # type: ignore[union-attr]
    page.fill("input[name=challenge_answer]", str(WORDS.index(a) + WORDS.index(b)))
    page.get_by_role("button", name="提交意见").click()
    assert "意见已收到" in page.inner_text("[role=status]")

    early = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    assert (
        "受理公示期至2026年12月4日止" in expect_error(early, 409, "invalid_transition")["message"]
    )
    end_notices_of_app(client.app, case_id)  # the ten working days have passed
    unanswered = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    assert "尚有1条公众意见未答复" in expect_error(unanswered, 409, "invalid_transition")["message"]
    [comment] = client.get(f"/api/applications/{case_id}/public-comments", headers=officer).json()
    answered = client.post(
        f"/api/applications/{case_id}/public-comments/{comment['id']}/response",
        json={"response": "夜间（22时至次日6时）禁止高噪声施工，已写入审批条件。"},
        headers=officer,
    )
    assert answered.status_code == 200, answered.text
    drafted = client.post(f"/api/applications/{case_id}/decision", json=APPROVE, headers=officer)
    assert drafted.status_code == 200, drafted.text
    approve_draft(client, case_id)
    leader = Desk(browser, live_server, "lingdao")  # agrees in principle on the case page
    card = leader.open(f"/cases/{case_id}").locator("#pre-approval")
    assert APPROVE["conditions"][0] in card.locator("textarea[name=measures]").input_value()
    card.locator("textarea[name=overview]").fill(PRE_APPROVAL_TEXT["overview"])
    card.locator("textarea[name=measures]").fill(PRE_APPROVAL_TEXT["measures"])
    card.get_by_role("button", name="同意拟批准，发布拟批准公示").click()
    leader.page.wait_for_load_state()
    assert "拟批准公示已发布" in leader.flash()
    assert "公示期至2026年11月27日止" in leader.page.inner_text("#pre-approval")

    page.goto(f"{live_server}/public/notices")
    row = page.locator("table.notices-open tr", has_text="拟批准公示")
    assert "剩余5个工作日" in row.inner_text()
    row.get_by_role("link").click()
    assert "五日内" in page.inner_text(".hearing-right")
    assert "已逐条研究答复1条" in page.inner_text("main")
    page.screenshot(path=str(SCREENS / "pre-approval-notice.png"), full_page=True)

    leader.open(f"/cases/{case_id}")
    leader.page.click("#decide")
    leader.page.wait_for_load_state()
    # refused by the notice or by the hearing period it opened: both run to 11-27
    refusal = leader.page.locator("[role=alert]").inner_text()
    assert "暂不能签发" in refusal and "2026年11月27日" in refusal
    leader.page.screenshot(path=str(SCREENS / "sign-refused-notice.png"), full_page=True)

    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))  # the notice ended on 11-27
    leader.open(f"/cases/{case_id}")
    leader.page.click("#decide")
    leader.page.wait_for_load_state()
    reload_until(
        leader.page, lambda: leader.page.locator("#case-status:text('准予许可')"), "the approval"
    )

    page.goto(f"{live_server}/public/notices")
    decided = page.locator("table.notices-decisions tr", has_text=PROJECT["project_name"])
    assert "郑环审〔2026〕" in decided.inner_text() and "准予许可" in decided.inner_text()
    feed = page.request.get(f"{live_server}/public/notices.atom")
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    body = feed.text()
    assert f"审批决定公告：{PROJECT['project_name']}" in body
    assert f"拟批准公示：{PROJECT['project_name']}" in body
    visitor.close()
