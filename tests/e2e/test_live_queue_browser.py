"""In Chromium: a case officer's queue page, left open, shows a case the moment intake accepts
it (the page polls ``/queue/live`` and swaps in the fresh list, no reload), and the menu's
count follows; the applicant's open case page says the case has moved on. The wait is printed
(``-s``) for the record."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from tests.api.case_driving import accept
from tests.e2e.test_browser import CHROMIUM_ARGS, SCREENS, Desk
from tests.e2e.test_decisive_actions_browser import engine, served  # noqa: F401 - fixtures
from tests.helpers import create_submitted, page_login, sign_in

pytestmark = pytest.mark.e2e


def test_a_case_reaching_the_officers_queue_appears_without_a_reload(
    served: tuple[FastAPI, str],  # noqa: F811
) -> None:
    app, base = served
    client = TestClient(app, base_url="https://testserver")  # the page cookie is Secure
    case = create_submitted(client, sign_in(client, "qiye"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        follower = Desk(browser, base, "qiye").open(f"/cases/{case['id']}")  # the applicant
        assert follower.locator("#case-moved").is_hidden()
        page = Desk(browser, base, "chengban").open("/queue")
        count = page.locator(".menu-count")
        count.wait_for(state="visible")
        assert count.inner_text() == "0"
        assert page.locator(f"tr[data-number='{case['number']}']").count() == 0
        loads: list[str] = []
        page.on("load", lambda: loads.append(page.url))
        started = time.monotonic()
        accept(client, case["id"])  # intake accepts; the flow hands the case to 承办
        moved = time.monotonic()
        page.wait_for_selector(f"#queue-live tr[data-number='{case['number']}']")
        waited, after_move = time.monotonic() - started, time.monotonic() - moved
        assert loads == []  # no reload: the list was swapped in place
        assert count.inner_text() == "1"
        assert "待办已更新，共 1 件" in page.inner_text("#queue-news")
        page.screenshot(path=SCREENS / "live_queue.png")
        follower.wait_for_selector("#case-moved:visible")  # the case page says it moved on
        assert follower.inner_text("#case-moved .case-moved-status") != ""
        print(f"\nin the officer's queue {waited:.1f} s after 受理 was posted, {after_move:.1f} s"
              " after the flow moved it, without a reload")  # fmt: skip
        browser.close()
    page_login(client, "shouli")  # the intake officer's own queue is empty again
    assert client.get("/queue/live").json()["count"] == 0
