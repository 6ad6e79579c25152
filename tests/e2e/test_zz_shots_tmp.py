from pathlib import Path
import pytest
from playwright.sync_api import Browser
from tests.e2e.test_browser import Desk, engine, live_server, browser  # noqa
from tests.helpers import PROJECT, minimal_pdf
from approvals.seed import DEMO_PASSWORD

S = Path("/tmp/screens/extra")


def test_shots(live_server, browser: Browser, tmp_path):
    S.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    p = ctx.new_page()
    p.goto(live_server + "/login")
    p.screenshot(path=S / "login.png", full_page=True)
    p.fill("input[name=username]", "qiye")
    p.fill("input[name=password]", "bad")
    p.click("button:has-text('登录')")
    p.screenshot(path=S / "login_error.png", full_page=True)
    q = Desk(browser, live_server, "qiye")
    q.open("/apply").screenshot(path=S / "apply_list.png", full_page=True)
    q.open("/my").screenshot(path=S / "my_empty.png", full_page=True)
    pg = q.open("/apply/EIA-01")
    pg.fill("input[name=project_name]", "<b>测试</b>项目")
    pg.fill("input[name=site]", "x")
    pg.select_option("select[name=district]", "金水区")
    pg.fill("input[name=industry_code]", "3421")
    pg.fill("input[name=total_investment]", "10")
    pg.fill("input[name=env_investment]", "20")
    pg.fill("input[name=consultant]", "某公司")
    req = pg.locator("input[type=file][required]")
    for i in range(req.count()):
        f = tmp_path / f"{i}.pdf"
        f.write_bytes(minimal_pdf())
        req.nth(i).set_input_files(f)
    pg.click("button:has-text('提交申请')")
    pg.screenshot(path=S / "apply_error.png", full_page=True)
    pg.fill("input[name=env_investment]", "2")
    for i in range(req.count()):
        f = tmp_path / f"{i}.pdf"
        req.nth(i).set_input_files(f)
    pg.click("button:has-text('提交申请')")
    pg.wait_for_url("**/cases/**")
    url = pg.url
    q.open("/my").screenshot(path=S / "my.png", full_page=True)
    q.open("/cases/999").screenshot(path=S / "error404.png", full_page=True)
    q.open("/queue").screenshot(path=S / "error403.png", full_page=True)
    m = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    mp = m.new_page()
    mp.goto(live_server + "/login")
    mp.fill("input[name=username]", "shouli")
    mp.fill("input[name=password]", DEMO_PASSWORD)
    mp.click("button:has-text('登录')")
    mp.goto(url)
    mp.screenshot(path=S / "mobile_case.png", full_page=True)
    mp.goto(live_server + "/queue")
    mp.screenshot(path=S / "mobile_queue.png", full_page=True)
    d = Desk(browser, live_server, "shouli")
    pg = d.open(url.removeprefix(live_server))
    pg.click("button:has-text('一次性告知补正')")
    pg.screenshot(path=S / "staff_intake_error.png", full_page=True)
    pg.click("summary:has-text('不予受理')")
    pg.screenshot(path=S / "staff_intake_open.png", full_page=True)
    pg.fill("textarea[name=missing]", "营业执照：过期\n公众参与说明")
    pg.click("button:has-text('一次性告知补正')")
    q.open(url.removeprefix(live_server)).screenshot(
        path=S / "applicant_correction.png", full_page=True
    )
