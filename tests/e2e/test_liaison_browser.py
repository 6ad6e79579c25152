"""问题台账 in Debian Chromium: the enterprise (a key enterprise) raises a problem, its liaison
答复 and 办结 it, the enterprise confirms on the page (销号) and the auditor's ledger counts it
closed within the deadline. At 390 px the pages do not scroll sideways."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page

from tests.api.test_liaison import make_key
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENS,
    Desk,
    browser,
    engine,
    live_server,
)
from tests.e2e.test_guide_pages_browser import FORBIDDEN

pytestmark = pytest.mark.e2e


def _fits_390(page: Page) -> bool:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return bool(wide <= 390)


def test_a_problem_is_raised_resolved_and_closed_by_the_enterprise_on_the_pages(
    client: TestClient,
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    engine,  # noqa: F811
) -> None:
    make_key(client, engine)
    qiye = Desk(browser, live_server, "qiye")
    page = qiye.open("/problems")
    page.fill("input[name=title]", "危废暂存间建设标准咨询")
    page.fill("textarea[name=description]", "防渗要求和标识规范不清楚。")
    page.select_option("select[name=category]", "policy")
    page.click("#problem-new button:has-text('登记')")
    page.wait_for_selector("#problem-state")
    assert "问题已登记" in qiye.flash()
    problem_url = page.url.split("?")[0]
    text = page.inner_text("body")
    assert [m.group() for m in FORBIDDEN.finditer(text)] == [] and "规则来源" not in text

    liaison = Desk(browser, live_server, "chengban")
    staff = liaison.open("/liaison")
    assert "郑州绿源" in staff.inner_text("#key-enterprises")
    staff = liaison.open(problem_url.removeprefix(live_server))
    staff.fill("#problem-handle textarea[name=text]", "已现场指导，按标准建设防渗层。")
    staff.click("button:has-text('办结，请企业确认')")
    staff.wait_for_selector("#problem-state:has-text('待企业确认')")
    assert _fits_390(staff)

    page = qiye.open(problem_url.removeprefix(live_server))
    page.check("input[name=solved][value=yes]")
    page.click("#problem-confirm button")
    page.wait_for_selector("#problem-state:has-text('已销号')")
    assert "按期办结" in page.inner_text("#problem")
    page.check("#problem-rating input[name=level][value='5']")  # 好差评 of the closed problem
    page.click("#problem-rating button")
    page.wait_for_selector("#problem-rating .rating-level:has-text('非常满意')")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(SCREENS / "problem-closed-390.png"), full_page=True)
    assert _fits_390(page)

    audit = Desk(browser, live_server, "jiancha").open("/audit/problems")
    assert audit.inner_text("#figure-closed") == "1"
    assert audit.inner_text("#figure-on-time").startswith("1")
    assert _fits_390(audit)
    assert _fits_390(qiye.open("/helpers"))  # 帮办代办: the enterprise's authorisations
