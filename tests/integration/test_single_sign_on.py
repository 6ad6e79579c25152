"""Single sign-on against a real OpenID provider (node ``oidc-provider``, run by the test):
the authorization code flow with PKCE through the provider's own login and consent pages,
ending signed in to the app as the account and role the configured claim mapping gives."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from core.settings import Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import AuditEvent, Role, User
from tests.fixtures_db import wipe
from tests.fixtures_servers import free_port
from tests.oidc_provider import running_provider

pytestmark = pytest.mark.integration

ACCOUNTS = {
    "zhang.wei": {"name": "张伟", "preferred_username": "zhang.wei", "eia_role": "审批科-承办"},
    "jiancha": {"name": "电子监察", "preferred_username": "jiancha", "eia_role": "电子监察"},
    "qiye": {"name": "企业经办人", "preferred_username": "qiye", "eia_role": "审批科-承办"},
    "stranger": {"name": "陌生人", "preferred_username": "stranger", "eia_role": "企业"},
}
ROLE_MAP = {"审批科-承办": "case_officer", "电子监察": "auditor", "企业": "applicant"}
_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r'<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?[^>]*>')


@dataclass(frozen=True)
class App:
    base: str
    engine: Engine


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    wipe(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def app(runtime: Runtime, seeded: Engine, settings: Settings) -> Iterator[App]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_provider([f"{base}/login/oidc/callback"], ACCOUNTS) as provider:
        configured = settings.model_copy(
            update=provider.settings_values(
                public_base_url=base, oidc_role_claim="eia_role", oidc_role_map=ROLE_MAP
            )
        )
        application = create_app(
            configured, engine=runtime.engine, store=runtime.store,
            catalogue=runtime.catalogue, clock=runtime.clock, launcher=InlineLauncher(runtime),
        )  # fmt: skip
        server = uvicorn.Server(
            uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                           lifespan="off")
        )  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.02)
        try:
            yield App(base, runtime.engine)
        finally:
            server.should_exit = True
            thread.join(timeout=15)


def sign_in_at_provider(base: str, login: str) -> httpx.Response:
    """Follow the flow like a browser: the app's redirect, the provider's login form (any
    password: the provider's development login), its consent form, back to the app."""
    with httpx.Client(follow_redirects=True, timeout=20) as browser:
        page = browser.get(f"{base}/login")
        assert "使用统一身份认证平台登录" in page.text
        page = browser.get(f"{base}/login/oidc")
        for _ in range(4):  # the login form, then the consent form
            if not page.url.path.startswith("/interaction/"):
                break
            action, inner = _FORM.search(page.text).groups()  # type: ignore[union-attr]
            fields = {name: html.unescape(value or "") for name, value in _INPUT.findall(inner)}
            fields |= {"login": login, "password": "any"} if "login" in fields else {}
            page = browser.post(urljoin(str(page.url), action), data=fields)
        return page


def test_a_staff_identity_gets_an_account_with_the_mapped_role(app: App) -> None:
    page = sign_in_at_provider(app.base, "zhang.wei")
    assert page.url.path == "/queue", page.text[:500]
    assert "张伟" in page.text and "承办人" in page.text
    with Session(app.engine) as session:
        user = session.exec(select(User).where(User.username == "zhang.wei")).one()
        assert user.role is Role.CASE_OFFICER
        actions = session.exec(select(AuditEvent.action)).all()
    assert {"sso_account_created", "sso_sign_in"} <= set(actions)


def test_an_existing_auditor_lands_on_the_audit_pages(app: App) -> None:
    page = sign_in_at_provider(app.base, "jiancha")
    assert page.url.path == "/audit"
    assert "电子监察" in page.text


def test_a_mapped_role_that_differs_from_the_account_is_refused(app: App) -> None:
    page = sign_in_at_provider(app.base, "qiye")
    assert page.status_code == 403 and page.url.path == "/login/oidc/callback"
    assert "与本系统账号的角色" in page.text and "who-name" not in page.text


def test_an_enterprise_identity_without_a_registered_account_is_sent_to_register(app: App) -> None:
    page = sign_in_at_provider(app.base, "stranger")
    assert page.status_code == 401 and "企业注册" in page.text
    with Session(app.engine) as session:
        assert session.exec(select(User).where(User.username == "stranger")).first() is None
