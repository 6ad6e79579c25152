"""In Chromium: 签发 asks first (a page script under the strict CSP, no inline handler);
cancelling the question posts nothing, accepting it signs. Screenshot in /tmp/screens/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Dialog, sync_playwright
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.seed import DEMO_PASSWORD
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from tests.api.case_driving import to_signing
from tests.e2e.test_browser import CHROMIUM_ARGS, SCREENS
from tests.fixtures_db import wipe
from tests.fixtures_servers import free_port
from tests.helpers import create_submitted, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    wipe(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def served(runtime: Runtime, seeded: Engine) -> Iterator[tuple[FastAPI, str]]:
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
    thread = threading.Thread(target=server.run, name="uvicorn-confirm", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield app, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


def test_cancelling_the_sign_question_posts_nothing(served: tuple[FastAPI, str]) -> None:
    app, base = served
    client = TestClient(app)
    case = create_submitted(client, sign_in(client, "qiye"))
    to_signing(client, case["id"])
    questions: list[str] = []
    answer = {"accept": False}

    def on_dialog(dialog: Dialog) -> None:
        questions.append(dialog.message)
        if answer["accept"]:
            dialog.accept()
        else:
            dialog.dismiss()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.set_default_timeout(10_000)
        page.on("dialog", on_dialog)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "lingdao")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_selector(".who-name")
        page.goto(f"{base}/cases/{case['id']}")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / "case-sign-step.png"), full_page=True)
        # The draft and its button are in one card, the button right below the draft.
        draft = page.locator("#actions #decision-draft").bounding_box()
        button = page.locator("#actions #decide").bounding_box()
        assert draft is not None and button is not None
        assert 0 < button["y"] - draft["y"] < 600

        page.click("#decide")
        assert len(questions) == 1 and questions[0].startswith("确认签发《批复》")
        page.wait_for_timeout(300)  # a posted form would have left the page by now
        assert page.url == f"{base}/cases/{case['id']}"
        headers = sign_in(client, "lingdao")
        status = client.get(f"/api/applications/{case['id']}", headers=headers).json()["status"]
        assert status == "signing"

        answer["accept"] = True
        with page.expect_navigation():
            page.click("#decide")
        assert len(questions) == 2
        assert "已签发" in page.inner_text("main") or "签发" in page.inner_text(".alert-ok")
        status = client.get(f"/api/applications/{case['id']}", headers=headers).json()["status"]
        assert status != "signing"
        browser.close()
