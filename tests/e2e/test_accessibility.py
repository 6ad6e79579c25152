"""Every page for every role in Debian Chromium: an axe-core scan (axe-playwright-python) finds
no serious or critical violation, and at 390 px wide no applicant page scrolls sideways.

One browser, one context per role, the pages visited in turn; SQLite only, like
``test_browser.py``. The counts by impact are printed (``-s``) for the record."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.seed import DEMO_PASSWORD
from core.db import session_scope
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from tests.e2e.test_browser import CHROMIUM_ARGS
from tests.fixtures_db import wipe
from tests.fixtures_servers import free_port
from tests.helpers import create_submitted, sign_in

pytestmark = pytest.mark.e2e

CASE = "{case}"  # replaced by the id of a case with documents and materials
PAGES: dict[str | None, list[str]] = {
    None: ["/login", "/register", "/password/forgot", "/guide", "/guide/EIA-01", "/verify",
           "/public/notices"],
    "qiye": ["/my", "/apply", "/apply/EIA-01", "/enterprise", f"/cases/{CASE}", "/guide",
             "/verify", "/consultations"],
    "shouli": ["/queue", f"/cases/{CASE}", "/admin/facts", "/admin/facts/EIA-01"],
    "chengban": ["/queue", f"/cases/{CASE}", "/consultations", "/consultations/slots"],
    "kezhang": ["/queue"],
    "lingdao": ["/queue"],
    "jiancha": ["/audit", "/audit/commitment", f"/audit/cases/{CASE}", "/audit/consultations"],
    "admin": ["/admin", "/admin/users", "/admin/experts", "/admin/holidays", "/admin/parks"],
    "zj01": ["/expert"],
}  # fmt: skip
APPLICANT_PAGES = PAGES[None] + PAGES["qiye"]
BLOCKING = ("serious", "critical")
# What scrolls sideways: the page itself, or any box inside it (a table in a scrolling wrapper).
SIDEWAYS = """() => {
  const found = [];
  const doc = document.documentElement;
  const page = doc.scrollWidth - doc.clientWidth;
  if (page > 0) found.push(`页面 ${page}px`);
  for (const el of document.querySelectorAll("body *")) {
    const x = getComputedStyle(el).overflowX;
    if ((x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      const by = el.scrollWidth - el.clientWidth;
      found.push(`${el.tagName.toLowerCase()}.${el.className} ${by}px`);
    }
  }
  return found;
}"""


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    wipe(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def case_id(client: TestClient, engine: Engine) -> int:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
    case = create_submitted(client, sign_in(client, "qiye"))
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    return int(case["id"])


@pytest.fixture
def base(runtime: Runtime, case_id: int) -> Iterator[str]:
    app = create_app(
        runtime.settings, engine=runtime.engine, store=runtime.store,
        catalogue=runtime.catalogue, clock=runtime.clock, launcher=InlineLauncher(runtime),
    )  # fmt: skip
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-a11y", daemon=True)
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


def signed_in_page(browser: Browser, base: str, username: str | None, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    if username:
        page.goto(f"{base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_selector(".who-name")
    return page


def scan(browser: Browser, base: str, case_id: int) -> tuple[Counter[str], list[str]]:
    """Counts of axe violations by impact over every page of every role, and the blocking ones
    (rule, page, first target) for the failure message."""
    axe = Axe()
    counts: Counter[str] = Counter()
    blocking: list[str] = []
    for username, paths in PAGES.items():
        page = signed_in_page(browser, base, username, 1280)
        for path in paths:
            path = path.replace(CASE, str(case_id))
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, (username, path)
            for violation in axe.run(page).response["violations"]:
                counts[violation["impact"]] += len(violation["nodes"])
                if violation["impact"] in BLOCKING:
                    target = violation["nodes"][0]["target"]
                    blocking.append(f"{username or '访客'} {path}: {violation['id']} {target}")
        page.context.close()
    return counts, blocking


def test_no_page_of_any_role_has_a_serious_or_critical_accessibility_violation(
    browser: Browser, base: str, case_id: int
) -> None:
    counts, blocking = scan(browser, base, case_id)
    print(f"\naxe violations (nodes) by impact: {dict(counts)}")
    assert blocking == [], "\n".join(blocking)


def test_no_applicant_page_scrolls_sideways_on_a_phone(
    browser: Browser, base: str, case_id: int
) -> None:
    wide: list[str] = []
    for username in (None, "qiye"):
        page = signed_in_page(browser, base, username, 390)
        for path in PAGES[username]:
            page.goto(f"{base}{path.replace(CASE, str(case_id))}")
            wide += [f"{path}: {what}" for what in page.evaluate(SIDEWAYS)]
        page.context.close()
    print("\n".join(["sideways at 390 px:", *wide]))
    assert wide == [], wide
