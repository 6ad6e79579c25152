"""A member of the public, in Debian Chromium and without an account, finds an open 受理公示,
downloads the public version of the report and comments; the page shows nothing internal.
A screenshot of the notice page goes to /tmp/screens/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import PublicComment
from tests.api.test_public_notices import accepted_case
from tests.e2e.test_browser import SCREENS, browser, engine, live_server  # noqa: F401 (fixtures)
from tests.e2e.test_guide_pages_browser import FORBIDDEN
from tests.helpers import PROJECT, minimal_pdf

pytestmark = pytest.mark.e2e
WORDS = "零一二三四五六七八九"
INTERNAL = re.compile(
    r"sha-?256|[0-9a-f]{32}|EIA-\d\d|chengban|shouli|承办人：|办件编号|410100-", re.I
)


def test_an_anonymous_visitor_finds_the_notice_downloads_the_report_and_comments(
    client: TestClient,
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    engine: Engine,  # noqa: F811
) -> None:
    accepted_case(client, "EIA-01")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="公示公告").first.click()
    assert "剩余10个工作日" in page.inner_text("table.notices-open")
    page.get_by_role("link", name=PROJECT["project_name"]).click()
    assert page.inner_text("h1") == f"{PROJECT['project_name']}环境影响评价文件受理公示"

    href = page.get_attribute("a:has-text('公开版本')", "href")
    assert href is not None
    report = page.request.get(f"{live_server}{href}")
    assert report.status == 200 and report.body() == minimal_pdf("public_version")

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "public-notice.png"), full_page=True)
    text = page.inner_text("body")
    assert "网址" not in text  # the honeypot field is not shown to people
    assert [m.group() for m in FORBIDDEN.finditer(text)] == []
    assert [m.group() for m in INTERNAL.finditer(text)] == []
    html = page.content()  # hidden fields carry only the form's CSRF token and signed question
    assert [
        w for w in ("EIA-01", "chengban", "shouli", "410100-", "application_id") if w in html
    ] == []

    page.fill("input[name=name]", "李先生")
    page.fill("input[name=contact]", "lixiansheng@example.com")
    page.fill("textarea[name=text]", "建议公开施工期扬尘监测数据。")
    question = page.inner_text("label:has(input[name=challenge_answer]) .label")
    a, b = re.search(r"：(.)加(.)等于几", question).groups()  # type: ignore[union-attr]
    page.fill("input[name=challenge_answer]", str(WORDS.index(a) + WORDS.index(b)))
    page.get_by_role("button", name="提交意见").click()
    assert "意见已收到" in page.inner_text("[role=status]")
    page.screenshot(path=str(SCREENS / "public-notice-commented.png"), full_page=True)
    context.close()
    with Session(engine) as session:
        [row] = session.exec(select(PublicComment)).all()
    assert (row.name, row.late, row.hidden) == ("李先生", False, False)
