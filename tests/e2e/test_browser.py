"""One application walked through the real pages in Debian Chromium (Playwright).

The app runs under uvicorn on a free port with flows run in-process after each response, the
way ``tests/conftest.py``'s ``client`` builds it; SQLite only (the pages are the same on both
databases, and ``test_pages.py`` covers PostgreSQL). Screenshots go to /tmp/screens/.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.clock import FixedClock
from approvals.seed import DEMO_PASSWORD
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from tests.fixtures_db import wipe
from tests.fixtures_servers import free_port
from tests.helpers import DECLARED, PROJECT, minimal_pdf
from tests.notice_time import agree_and_end_pre_approval_on, end_notices

pytestmark = pytest.mark.e2e

SCREENS = Path("/tmp/screens")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
FLOW_WAIT_SECONDS = 20.0
MISSING = "环境影响报告书(报批稿)公开版本"
CONDITIONS = (
    "落实废气治理措施，颗粒物排放执行《大气污染物综合排放标准》（GB 16297-1996）。",
    "危险废物分类收集、规范贮存，委托有资质单位处置，执行转移联单制度。",
)


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only for the browser walk (overrides the sqlite/postgres parametrised fixture)."""
    wipe(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def live_server(runtime: Runtime, seeded: Engine) -> Iterator[str]:
    app = create_app(
        runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Desk:
    """One person at one browser: a context signed in as ``username``."""

    def __init__(self, browser: Browser, base: str, username: str) -> None:
        self.base = base
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        context.set_default_timeout(10_000)
        self.page = context.new_page()
        # Decisive buttons ask first (data-confirm); this person answers yes.
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.page.goto(f"{base}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("button:has-text('登录')")
        self.page.wait_for_selector(".who-name")

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.base}{path}")
        return self.page

    def status(self) -> str:
        return self.page.inner_text("#case-status").strip()

    def flash(self) -> str:
        return self.page.inner_text(".alert-ok").strip()


def reload_until(page: Page, found: Callable[[], Locator], what: str) -> Locator:
    """Reload until the flow that runs after the response has finished (bounded)."""
    deadline = time.monotonic() + FLOW_WAIT_SECONDS
    while True:
        locator = found()
        if locator.count() > 0:
            return locator
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
        page.reload()


def test_one_application_walks_from_apply_to_a_mailed_approval(
    live_server: str, browser: Browser, runtime: Runtime, tmp_path: Path
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)

    # The applicant applies for EIA-01 in one form.
    qiye = Desk(browser, live_server, "qiye")
    page = qiye.open("/apply")
    page.click("a.btn[href='/apply/EIA-01']")
    page.fill("input[name=project_name]", PROJECT["project_name"])
    page.fill("input[name=site]", PROJECT["site"])
    page.select_option("select[name=district]", PROJECT["district"])
    page.fill("input[name=industry_code]", PROJECT["industry_code"])
    page.fill("input[name=total_investment]", PROJECT["total_investment"])
    page.fill("input[name=env_investment]", PROJECT["env_investment"])
    page.fill("input[name=consultant]", PROJECT["consultant"])
    page.fill("input[name=project_code]", DECLARED["project_code"])
    page.fill("input[name=consultancy_uscc]", DECLARED["consultancy_uscc"])
    page.fill("textarea[name=engineers]", DECLARED["engineers"])
    required = page.locator("input[type=file][required]")
    names = [str(required.nth(i).get_attribute("name")) for i in range(required.count())]
    assert len(names) == 8  # a field stops being required once its file is staged
    for name in names:
        code = name.removeprefix("file_")
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(minimal_pdf(code))
        page.set_input_files(f"input[name={name}]", pdf)
    page.screenshot(path=SCREENS / "apply_form.png", full_page=True)
    page.click("button:has-text('提交申请')")
    page.wait_for_url(re.compile(r"/cases/\d+"))
    case_path = page.url.removeprefix(live_server).split("?")[0]
    number = page.inner_text(".case-meta .mono")
    assert re.fullmatch(r"410100-EIA01-20261120-\d{4}", number)
    assert qiye.status() == "待受理" and "申请已提交" in qiye.flash()
    lap("apply")

    # The intake officer finds it in 待办 and asks for one missing item, once.
    clock.advance(timedelta(days=3))  # Monday 11-23
    shouli = Desk(browser, live_server, "shouli")
    page = shouli.open("/queue")
    page.screenshot(path=SCREENS / "staff_queue.png", full_page=True)
    page.click(f"tr:has-text('{number}') >> a:has-text('办理')")
    page.fill("textarea[name=missing]", f"{MISSING}：未删除涉及商业秘密的内容，请重新编制公开版本")
    page.click("button:has-text('一次性告知补正')")
    assert shouli.status() == "待补正"
    reload_until(page, lambda: page.locator("tr[data-kind=correction_notice] a:text('下载')"),
                 "the correction notice")  # fmt: skip
    lap("correction")

    # The applicant re-uploads that material and resubmits.
    clock.advance(timedelta(days=1))
    page = qiye.open(case_path)
    assert MISSING in page.inner_text(".correction-list")
    fixed = tmp_path / "public_version_v2.pdf"
    fixed.write_bytes(minimal_pdf("public version v2"))
    page.set_input_files("input[name=file_public_version]", fixed)
    page.click("button:has-text('重新提交')")
    assert qiye.status() == "待受理" and "重新提交" in qiye.flash()
    assert "public_version_v2.pdf" in page.inner_text("#materials")
    lap("resubmit")

    # Intake accepts; the flow issues the 受理通知书 and hands the case to the case officer.
    clock.advance(timedelta(days=1))
    page = shouli.open(case_path)
    page.click("button:text-is('受理')")
    assert "已受理" in shouli.flash()
    reload_until(page, lambda: page.locator("#case-status:text('承办拟办')"), "drafting")
    lap("accept")

    # The case officer drafts an approval with two conditions, once the 受理公示 has run
    # (moved back here, audited; tests/e2e/test_notice_chain_browser.py walks the notices).
    clock.advance(timedelta(days=2))
    case_id = int(case_path.rsplit("/", 1)[-1])
    end_notices(runtime.engine, clock, case_id)
    chengban = Desk(browser, live_server, "chengban")
    page = chengban.open("/queue")
    page.click(f"tr:has-text('{number}') >> a:has-text('办理')")
    page.check("input[name=outcome][value=approve]")
    page.fill("textarea[name=conditions]", "\n".join(CONDITIONS))
    page.click("button:has-text('提交拟办意见')")
    assert chengban.status() == "科室审核"

    # The section chief approves, the leader signs.
    clock.advance(timedelta(days=3))  # Monday 11-30
    kezhang = Desk(browser, live_server, "kezhang")
    page = kezhang.open(case_path)
    assert CONDITIONS[1] in page.inner_text("ol.conditions")
    page.fill("textarea[name=comment]", "同意。")
    page.click("button:has-text('审核通过')")
    assert kezhang.status() == "领导签发"
    clock.advance(timedelta(days=1))
    agree_and_end_pre_approval_on(runtime.engine, clock, case_id)  # the 拟批准公示 has run
    lingdao = Desk(browser, live_server, "lingdao")
    page = lingdao.open(case_path)
    page.screenshot(path=SCREENS / "staff_case.png", full_page=True)
    page.click("button:has-text('签发')")
    assert "已签发" in lingdao.flash()
    reload_until(page, lambda: page.locator("#case-status:text('准予许可')"), "the approval")
    lap("review_and_sign")

    # Intake records the postal dispatch of the sealed original.
    clock.advance(timedelta(days=1))
    page = shouli.open("/queue")
    page.click(f"tr:has-text('{number}') >> a:has-text('登记邮寄')")
    page.fill("input[name=courier]", "中国邮政EMS")
    page.fill("input[name=waybill]", "1187654321098")
    page.click("button:has-text('登记邮寄')")
    assert "邮寄信息已登记" in shouli.flash()
    lap("postal")

    # The applicant sees the result, the mail record and every step; downloads the 批复.
    page = qiye.open(case_path)
    assert qiye.status() == "准予许可（已办结）"
    postal = page.inner_text("#postal")
    assert "中国邮政EMS" in postal and "1187654321098" in postal
    steps = page.locator("#timeline .step-action").all_inner_texts()
    assert steps == [
        "提交申请", "一次性告知补正", "补正后重新提交", "受理", "受理通知书已送达，转承办",
        "公示期间前移（演示/测试）", "承办人拟办", "审核通过", "告知听证权利",
        "同意拟批准，发布拟批准公示", "公示期间前移（演示/测试）", "领导签发", "批复已制发送达",
        "登记邮寄结果",
    ]  # fmt: skip
    assert "+3 天 / +1 工作日" in page.inner_text("#timeline")
    approval = page.locator("tr[data-kind=approval]")
    assert "郑环审〔2026〕1号" in approval.inner_text()
    assert approval.locator("code.hash").count() == 0  # digests are for staff and auditors
    with page.expect_download() as download:
        approval.locator("a:text('下载')").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    shown_sha = hashlib.sha256(pdf).hexdigest()  # what the public verification page must show
    page.screenshot(path=SCREENS / "applicant_case.png", full_page=True)

    # Anyone can check it by its verification code.
    approval.locator("a.mono").click()
    page.wait_for_url(re.compile(r"/verify/[A-Z0-9]+$"))
    result = page.inner_text(".verify-result")
    assert "有效" in result and "郑环审〔2026〕1号" in result and str(shown_sha) in result
    page.screenshot(path=SCREENS / "verify.png", full_page=True)
    lap("final_view")
    print("browser walk timings (s):", timings, "total", round(sum(timings.values()), 2))
