"""In Chromium: the apply form sends each material as it is chosen (progress bar, checked on
arrival), a bad file is named beside its field and the others stay; a refused submit comes back
with every problem listed and marked, nothing chosen lost; then it goes through. The form in
its refused state passes the axe scan and fits a 390 px phone. Screenshots in /tmp/screens/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.e2e.test_accessibility import BLOCKING, SIDEWAYS
from tests.e2e.test_browser import SCREENS, Desk, browser, engine, live_server  # noqa: F401 (fixtures)
from tests.helpers import DECLARED, PROJECT, minimal_pdf

pytestmark = pytest.mark.e2e


def _fill_all_but_site(page: Page) -> None:
    for name in ("project_name", "industry_code", "total_investment", "env_investment",
                 "consultant"):  # fmt: skip
        page.fill(f"input[name={name}]", PROJECT[name])
    page.select_option("select[name=district]", PROJECT["district"])
    page.fill("input[name=project_code]", DECLARED["project_code"])
    page.fill("input[name=consultancy_uscc]", DECLARED["consultancy_uscc"])
    page.fill("textarea[name=engineers]", DECLARED["engineers"])


def test_a_bad_material_is_named_at_once_and_no_chosen_file_is_lost(
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    qiye = Desk(browser, live_server, "qiye")
    page = qiye.open("/apply/EIA-01")
    _fill_all_but_site(page)
    inputs = page.locator("input[type=file][required]")
    codes = [str(inputs.nth(i).get_attribute("data-stage")) for i in range(inputs.count())]
    bad, *good = codes
    bad_name = page.inner_text(f"label[for=f-file_{bad}]").rstrip("*").strip()
    renamed = tmp_path / "报告书.pdf"
    renamed.write_bytes(b"PK\x03\x04 a Word file renamed to .pdf")
    page.set_input_files(f"#f-file_{bad}", renamed)
    for code in good:
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(minimal_pdf(code))
        page.set_input_files(f"#f-file_{code}", pdf)
    for code in good:  # each one arrived and was kept
        page.wait_for_selector(f"#s-file_{code}:has-text('已上传：{code}.pdf')")
    error = page.locator(f"#e-file_{bad}")
    error.wait_for(state="visible")
    assert error.inner_text().startswith(f"「{bad_name}」不是PDF文件")
    assert page.get_attribute(f"#f-file_{bad}", "aria-invalid") == "true"
    assert page.locator(".upload-progress:visible").count() == 0

    page.click("button:has-text('提交申请')")  # the site is still blank, the bad file unfixed
    page.wait_for_url(re.compile(r"/apply/EIA-01\?draft="))
    summary = page.locator("#error-summary")
    assert "有 2 处需要修改" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_attribute("#f-site", "aria-invalid") == "true"
    assert page.get_attribute(f"#f-file_{bad}", "aria-invalid") == "true"
    assert all(f"已上传：{c}.pdf" in page.inner_text(f"#s-file_{c}") for c in good)
    assert page.input_value("input[name=project_name]") == PROJECT["project_name"]
    page.screenshot(path=SCREENS / "apply_form_refused.png", full_page=True)
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate(SIDEWAYS) == []
    page.screenshot(path=SCREENS / "apply_form_refused_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.fill("input[name=site]", PROJECT["site"])
    fixed = tmp_path / "fixed.pdf"
    fixed.write_bytes(minimal_pdf("fixed"))
    page.set_input_files(f"#f-file_{bad}", fixed)
    page.wait_for_selector(f"#s-file_{bad}:has-text('已上传：fixed.pdf')")
    assert page.get_attribute(f"#f-file_{bad}", "aria-invalid") is None
    page.click("button:has-text('提交申请')")
    page.wait_for_url(re.compile(r"/cases/\d+"))
    assert qiye.status() == "待受理"
    assert "fixed.pdf" in page.inner_text("#materials")
