"""靠前服务 in Debian Chromium: the enterprise registers its planned project from the menu, the
section chief assigns the officer, the officer offers a time, the enterprise books it (on a
390 px phone, nothing scrolls sideways), the officer issues the guidance, the enterprise reads
the signed 指导意见, rates it and links its application, and the officer sees the project's
history on the case page. No research markers or sources reach the enterprise."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from tests.api.case_checks import headers_for
from tests.e2e.test_accessibility import SIDEWAYS
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENS,
    Desk,
    browser,
    engine,
    live_server,
    reload_until,
)
from tests.e2e.test_guide_pages_browser import FORBIDDEN
from tests.helpers import create_submitted

pytestmark = pytest.mark.e2e
PROJECT_NAME = "郑州绿源年产2000台精密减速机建设项目"


def test_an_enterprise_and_an_officer_walk_a_consultation_through_the_pages(
    client: TestClient,
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    qiye = Desk(browser, live_server, "qiye")
    page = qiye.open("/my")
    page.click("nav.site-nav a:has-text('前期指导')")
    form = page.locator("#consultation-new")
    form.locator("input[name=project_name]").fill(PROJECT_NAME)
    form.locator("select[name=district]").select_option("郑州经济技术开发区")
    form.locator("input[name=industry_code]").fill("3453")
    form.locator("input[name=site]").fill("经北五路66号")
    form.locator("input[name=scale]").fill("年产精密减速机2000台")
    form.locator("textarea[name=description]").fill("新建机加工、装配车间各一座，含喷漆工序。")
    form.locator("textarea[name=question]").fill("需要编制哪类环评文件？")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/consultations/*?msg=consultation_requested")
    assert "已登记项目" in qiye.flash()
    detail = page.url.split("?")[0].removeprefix(live_server)

    chief = Desk(browser, live_server, "kezhang").open(detail)
    chief.select_option("#assign select[name=officer_id]", label="李承办（承办人）")
    chief.click("#assign button")
    chief.wait_for_url("**?msg=consultation_assigned")
    assert chief.inner_text("#officer") == "李承办（承办人）"

    officer = Desk(browser, live_server, "chengban")
    slots = officer.open("/consultations/slots")
    slots.fill("input[name=day]", "2026-11-23")
    slots.fill("input[name=time]", "09:30")
    slots.fill("input[name=place]", "腾讯会议 123-456-789")
    slots.click("#slot-new button")
    slots.wait_for_url("**/consultations/slots?msg=slot_offered")
    assert "可预约" in slots.inner_text("#my-slots")

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server}{detail}")
    page.check("#book-form input[name=slot_id]")
    page.click("#book-form button")
    page.wait_for_url("**?msg=consultation_booked")
    assert "2026-11-23 09:30" in page.inner_text("#booked-time")
    assert page.evaluate(SIDEWAYS) == []
    page.screenshot(path=str(SCREENS / "consultation-booked-390.png"), full_page=True)

    guide = officer.open(detail)
    guide.select_option("#guidance-form select[name=item_code]", "EIA-02")
    guide.select_option("#guidance-form select[name=eia_category]", "report_table")
    guide.fill("#guidance-form textarea[name=obstacles]", "喷漆工序须配套挥发性有机物处理设施。")
    guide.click("#guidance-form button")
    guide.wait_for_url("**?msg=guidance_issued")
    reload_until(guide, lambda: guide.locator("#guidance-document a"), "the signed guidance")
    assert "郑环指〔2026〕1号" in guide.inner_text("#guidance-document")

    page.goto(f"{live_server}{detail}")
    assert page.inner_text("#eia-category") == "环境影响报告表"
    href = page.get_attribute("#guidance-document a", "href") or ""
    pdf = page.request.get(f"{live_server}{href}")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    page.check("#rating input[name=level][value='4']")
    page.click("#rating button")
    page.wait_for_url("**?msg=guidance_rated")
    assert page.inner_text("#rating-level") == "满意"
    case = create_submitted(client, headers_for(client, "qiye"), project_name=PROJECT_NAME)
    page.goto(f"{live_server}{detail}")
    page.select_option("#history select[name=application_id]", str(case["id"]))
    page.click("#history button")
    page.wait_for_url("**?msg=consultation_linked")
    assert case["number"] in page.inner_text("#history")
    text = page.inner_text("body")
    assert [m.group() for m in FORBIDDEN.finditer(text)] == [] and "规则来源" not in text
    assert page.evaluate(SIDEWAYS) == []
    page.screenshot(path=str(SCREENS / "consultation-guided-390.png"), full_page=True)
    for path in ("/consultations", f"/cases/{case['id']}"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate(SIDEWAYS) == [], path

    on_case = officer.open(f"/cases/{case['id']}")
    history = on_case.inner_text("#consultation-history")
    assert "郑环指〔2026〕1号" in history and "喷漆工序" in history
    on_case.screenshot(path=str(SCREENS / "consultation-case-history.png"), full_page=True)
    audit = Desk(browser, live_server, "jiancha").open("/audit/consultations")
    assert audit.inner_text("#guided") == "1"
