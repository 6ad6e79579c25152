"""Getting an account and getting in, in Debian Chromium (Playwright): a new enterprise
registers, opens the verification link from the mail that reached the SMTP server (aiosmtpd),
signs in and reaches the apply form; a password reset through the mailed link; each role
lands where its work is; a sign-in through a real OpenID provider (node ``oidc-provider``)
reaches the auditor's pages."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from approvals.accounts import hash_password
from approvals.seed import DEMO_PASSWORD
from approvals.uscc import check_character
from core.settings import MailBackend, Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import Role, User
from tests.fixtures_db import wipe
from tests.fixtures_servers import SmtpServer, free_port
from tests.oidc_provider import running_provider

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PASSWORD = "Huanbao-2026-lvshui"
_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Site:
    base: str
    smtp: SmtpServer
    engine: Engine


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    wipe(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def site(
    runtime: Runtime, seeded: Engine, settings: Settings, smtp_server: SmtpServer
) -> Iterator[Site]:
    """The app on a free port, mailing through the test SMTP server, with single sign-on
    against a real OpenID provider."""
    smtp_server.clear()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    accounts = {"jiancha": {"name": "陈监察", "preferred_username": "jiancha"}}
    with running_provider([f"{base}/login/oidc/callback"], accounts) as provider:
        configured = settings.model_copy(
            update=provider.settings_values(
                public_base_url=base,
                mail_backend=MailBackend.SMTP,
                smtp_host=smtp_server.host,
                smtp_port=smtp_server.port,
                smtp_anonymous_relay=True,
            )
        )
        app = create_app(
            configured, engine=runtime.engine, store=runtime.store,
            catalogue=runtime.catalogue, clock=runtime.clock, launcher=InlineLauncher(runtime),
        )  # fmt: skip
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, name="uvicorn-accounts", daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        try:
            yield Site(base, smtp_server, runtime.engine)
        finally:
            server.should_exit = True
            thread.join(timeout=15)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def link_in(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    [link] = [m for m in _LINK.findall(body.get_content()) if f"{path}?token=" in m]
    return link


def sign_in(page: Page, username: str, password: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('登录')")


def test_a_new_enterprise_registers_verifies_its_email_and_reaches_the_apply_form(
    site: Site, page: Page
) -> None:
    page.goto(f"{site.base}/login")
    assert "企业注册" in page.inner_text(".login-hint")
    page.click("a:has-text('企业注册')")
    first17 = "91410100MA4Q8R7K1"
    page.fill("#uscc", first17 + check_character(first17))
    page.fill("#enterprise_name", "郑州青山环保新材料有限公司")
    page.fill("#legal_representative", "王建国")
    page.fill("#display_name", "李明")
    page.select_option("select[name=member_kind]", "legal_representative")
    page.fill("#username", "qingshan")
    page.fill("#email", "liming@qingshan.example")
    page.fill("#phone", "13803710000")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.click("button:has-text('注册')")
    page.wait_for_selector("h1:has-text('注册成功')")

    [mail] = site.smtp.wait_for(1)
    assert site.smtp.envelopes[0].rcpt_tos == ("liming@qingshan.example",)
    assert "验证" in str(mail["Subject"])
    page.goto(link_in(mail, "/verify-email"))
    assert "邮箱验证成功" in page.inner_text("h1")
    page.click("a:has-text('登录并网上申请')")
    sign_in(page, "qingshan", PASSWORD)
    page.wait_for_url(f"{site.base}/apply")
    assert page.inner_text(".who-name") == "李明"
    page.goto(f"{site.base}/apply/EIA-01")
    assert page.locator("form[action*='/apply']").count() >= 1


def test_a_forgotten_password_is_reset_through_the_mailed_link(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/login")
    page.click("a:has-text('忘记密码')")
    page.fill("input[name=email]", "qiye@lvyuan.example")
    page.click("button:has-text('发送重置链接')")
    assert "请查收邮件" in page.inner_text("h1")
    [mail] = site.smtp.wait_for(1)
    page.goto(link_in(mail, "/password/reset"))
    page.fill("input[name=new_password]", PASSWORD)
    page.fill("input[name=new_password_again]", PASSWORD)
    page.click("button:has-text('确定')")
    assert "密码已重置" in page.inner_text(".alert-ok")
    assert page.input_value("input[name=username]") == "qiye"
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{site.base}/my")


def test_each_role_lands_where_its_work_is(site: Site, browser: Browser) -> None:
    with Session(site.engine) as session:
        session.add(
            User(username="zhuanjia", display_name="刘专家", role=Role.EXPERT,
                 password_hash=hash_password(DEMO_PASSWORD), email="liu@expert.example")
        )  # fmt: skip
        session.commit()
    homes = {"qiye": "/my", "shouli": "/queue", "jiancha": "/audit", "zhuanjia": "/expert"}
    for username, home in homes.items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(f"{site.base}/login")
        sign_in(page, username, DEMO_PASSWORD)
        page.wait_for_url(f"{site.base}{home}")
        context.close()


def test_single_sign_on_through_the_real_provider_reaches_the_auditor_pages(
    site: Site, page: Page
) -> None:
    page.goto(f"{site.base}/login")
    page.click("a:has-text('使用统一身份认证平台登录')")
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/interaction/"))
    page.fill("input[name=login]", "jiancha")
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # the provider's consent page
    page.wait_for_url(f"{site.base}/audit")
    assert page.inner_text(".who-name") == "陈监察（电子监察）"
