"""All 53 办事指南 pages and the catalogue page, as a member of the public sees them in Debian
Chromium: no research marker, no internal path, no other city's address, no English subtitle.

One browser and one page for the whole walk (a fresh page per guide would triple the time).
Screenshots of two guides go to /tmp/screens/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from approvals.catalogue import Catalogue
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENS,
    Desk,
    browser,
    engine,
    live_server,
)

pytestmark = pytest.mark.e2e

# What a public page must never show: research vocabulary and the old evidence badges, placeholders,
# paths and files of this project, and any web address (the sources are other cities' pages).
FORBIDDEN = re.compile(
    r"inferred|推定|推断|占位|核实|placeholder|依据推理|有出处|法条标记"
    r"|approvals/|shared/|domain/|/work/|\.ya?ml\b|\.py\b|\.md\b|github|https?://|www\.",
    re.IGNORECASE,
)
# A line of Latin words only ("Approval of EIA Report …"): an English subtitle.
ENGLISH_LINE = re.compile(r"^[\x20-\x7e]*[A-Za-z]{3,}[\x20-\x7e]*\s[A-Za-z]{3,}[\x20-\x7e]*$")


def _problems(page: Page) -> list[str]:
    text = page.inner_text("body")
    html = page.content()
    problems = [f"marker {m.group()!r}" for m in FORBIDDEN.finditer(text)]
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    problems += [f"link {h!r}" for h in hrefs if h and re.match(r"https?://|//", h)]
    problems += [f"English line {line!r}" for line in text.splitlines() if ENGLISH_LINE.match(line)]
    problems += ["evidence badge"] if 'class="ev ' in html else []
    return problems


def test_no_guide_page_shows_a_research_marker_a_path_or_an_english_subtitle(
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    catalogue: Catalogue,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server}/guide")
    codes = page.eval_on_selector_all("tr.guide-row", "rows => rows.map(r => r.dataset.code)")
    assert sorted(codes) == sorted(i.code for i in catalogue.items) and len(codes) == 53
    found = {"/guide": _problems(page)}
    for item in catalogue.items:
        response = page.goto(f"{live_server}/guide/{item.code}")
        assert response is not None and response.status == 200, item.code
        assert page.inner_text("h1") == item.name_zh
        problems = _problems(page)
        problems += [f"English name {item.name_en!r}"] if item.name_en in page.content() else []
        found[item.code] = problems
        if item.code in ("EIA-01", "PS-09"):
            SCREENS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENS / f"guide-{item.code}.png"), full_page=True)
    assert {where: p for where, p in found.items() if p} == {}
    context.close()


def test_the_research_is_behind_staff_sign_in_in_the_admin_view(
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    catalogue: Catalogue,
) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/admin/facts/EIA-01")
    assert page.url.startswith(f"{live_server}/login")  # a visitor is sent to sign in
    context.close()
    chief = Desk(browser, live_server, "kezhang")
    page = chief.open("/admin/facts/EIA-01")
    assert page.inner_text("h1") == catalogue.get("EIA-01").name_zh
    assert "数据来源" in page.inner_text("#research") and "http" in page.inner_text("#research")
    assert page.locator('.fact-row[data-verified="no"]').count() > 0
    page.click("#publish-form button")
    assert "尚有未核实的内容" in page.inner_text("#facts-error")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "facts-EIA-01.png"), full_page=True)
