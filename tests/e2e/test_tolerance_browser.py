"""容缺受理 in Debian Chromium, as the enterprise: on its draft it signs the commitment for
the two non-key materials it lacks, submits without them, and after acceptance supplies them
on the 容缺受理 page; the page shows no research markers or sources. Staff see the sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from tests.api.case_checks import headers_for
from tests.api.case_driving import accept
from tests.api.test_tolerance import OWED, _draft_without_owed
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENS,
    Desk,
    browser,
    engine,
    live_server,
)
from tests.e2e.test_guide_pages_browser import FORBIDDEN
from tests.helpers import minimal_pdf

pytestmark = pytest.mark.e2e


def test_the_enterprise_signs_submits_without_two_materials_and_supplies_them_later(
    client: TestClient,
    live_server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    case_id = _draft_without_owed(client, headers_for(client, "qiye"))
    qiye = Desk(browser, live_server, "qiye")
    page = qiye.open(f"/cases/{case_id}")
    page.click("#tolerance-link a")
    for code in OWED:
        page.check(f"input[name=material_codes][value={code}]")
    page.fill("input[name=supply_by]", "2026-11-27")
    page.check("input[name=agree]")
    page.click("button:has-text('签署承诺书')")
    page.wait_for_url(f"**/cases/{case_id}?msg=tolerance_signed")
    assert "已签署容缺受理承诺书" in qiye.flash()
    page.click("#resubmit button:has-text('提交申请')")
    page.wait_for_selector("#case-status:has-text('待受理')")

    accept(client, case_id)
    page = qiye.open(f"/cases/{case_id}/tolerance")
    assert page.inner_text("#tolerance-state") == "待补齐"
    assert "2026年11月27日" in page.inner_text("#supply-by")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "tolerance-owed.png"), full_page=True)
    text = page.inner_text("body")
    assert [m.group() for m in FORBIDDEN.finditer(text)] == []
    assert "规则来源" not in text
    for code in OWED:
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(minimal_pdf(code))
        page.set_input_files(f"form[action$='/materials/{code}'] input[type=file]", pdf)
        with page.expect_navigation():
            page.click(f"form[action$='/materials/{code}'] button")
        assert page.url.endswith(f"/cases/{case_id}/tolerance"), (
            page.url,
            page.inner_text(".alert"),
        )
    assert page.inner_text("#tolerance-state") == "已补齐"
    page.screenshot(path=str(SCREENS / "tolerance-supplied.png"), full_page=True)

    staff = Desk(browser, live_server, "chengban").open(f"/cases/{case_id}/tolerance")
    assert "推定，待核实" in staff.inner_text("#tolerance-sources")
