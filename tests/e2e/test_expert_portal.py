"""The expert portal (专家工作台) in Debian Chromium (Playwright), SQLite only like
``test_browser.py`` (whose live server, browser and desk this reuses).

A report book is accepted (through the API) and the case officer draws a 5-expert panel from
the case page's 启动远程会审 form. One member signs in, lands on its portal, sees exactly its own
assignment, opens it and submits an opinion; the other members submit through the API; the
chair, in another browser context, sees who has not submitted, submits its own and closes the
review; staff then see every vote and the draw record. Screenshots go to /tmp/screens/.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.seed import DEMO_PASSWORD
from core.db import session_scope
from flows.runtime import Runtime
from models import Expert, User
from tests.e2e import test_browser as walk
from tests.e2e.test_browser import SCREENS, Desk, reload_until
from tests.helpers import create_submitted

pytestmark = pytest.mark.e2e
engine, live_server, browser = walk.engine, walk.live_server, walk.browser  # the walk's fixtures

START = {
    "needed": ["air", "water"],
    "seed": 20261123,
    "video_link": "https://meeting.example/j/20261125",
}
OPINION = "补充大气环境影响预测，核实非正常工况排放源强\n核实生产废水去向及园区污水处理厂接纳能力"


class Api:
    """The JSON API of the live server, with a bearer token per demo user (signed in once)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.tokens: dict[str, dict[str, str]] = {}

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.http.post(
                "/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self.tokens[username]


def _pool(db: Engine) -> dict[int, str]:
    with session_scope(db) as session:
        ensure_expert_pool(session)
        session.commit()
        rows = session.exec(select(Expert.id, User.username).join(User, User.id == Expert.user_id))
        return {expert_id: username for expert_id, username in rows}


def _wait_for_status(api: Api, case_id: int, status: str) -> None:
    """The flows run after the response; wait (bounded) until the case has moved on."""
    headers = api.auth("chengban")
    deadline = time.monotonic() + 20
    while api.http.get(f"/api/applications/{case_id}", headers=headers).json()["status"] != status:
        assert time.monotonic() < deadline, f"case {case_id} did not reach {status}"
        time.sleep(0.1)


def _drafting_case(api: Api) -> dict[str, Any]:
    case = create_submitted(api.http, api.auth("qiye"))  # type: ignore[arg-type]
    accepted = api.http.post(f"/api/applications/{case['id']}/accept", headers=api.auth("shouli"))
    assert accepted.status_code == 200, accepted.text
    _wait_for_status(api, case["id"], "drafting")
    return case


def _start_from_the_case_page(desk: Desk, case_id: int) -> None:
    """The case officer draws the panel from the case page's 启动远程会审 form."""
    page = desk.open(f"/cases/{case_id}")
    form = page.locator("#joint-review-form")
    expect(form.locator("input[name=size]")).to_have_value("5")  # a report book
    for code in START["needed"]:
        form.locator(f"input[name=needed][value={code}]").check()
    form.locator("input[name=seed]").fill(str(START["seed"]))
    form.locator("input[name=meeting_at]").fill("2026-11-25T09:30")
    form.locator("input[name=video_link]").fill(str(START["video_link"]))
    page.screenshot(path=SCREENS / "joint_review_start.png", full_page=True)
    form.locator("button:has-text('抽取专家并启动远程会审')").click()
    page.wait_for_url(re.compile(r"msg=joint_review_started"))
    assert "已抽取专家并启动远程会审" in desk.flash()
    expect(page.locator("#draw-seed")).to_have_text(str(START["seed"]))
    expect(page.locator("#panel-members .panel-member")).to_have_count(5)


def _members(api: Api, case_id: int) -> list[dict[str, Any]]:
    panels = api.http.get(
        f"/api/applications/{case_id}/joint-review", headers=api.auth("chengban")
    ).json()
    return [m for m in panels[-1]["members"] if m["state"] == "invited"]


def test_an_expert_submits_from_its_portal_and_the_chair_closes_the_review(
    live_server: str, browser: Browser, runtime: Runtime
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    pool = _pool(runtime.engine)
    api = Api(live_server)
    with api.http:
        case = _drafting_case(api)
        case_id, number = case["id"], case["number"]
        officer = Desk(browser, live_server, "chengban")
        _start_from_the_case_page(officer, case_id)
        members = _members(api, case_id)
        chair = next(m for m in members if m["chair"])
        member, *others = [m for m in members if not m["chair"]]

        # The member signs in and lands on its own portal: exactly this one assignment.
        desk = Desk(browser, live_server, pool[member["expert_id"]])
        page = desk.page
        page.wait_for_url(f"{live_server}/expert")
        rows = page.locator("tr.assignment")
        expect(rows).to_have_count(1)
        row = rows.first
        assert row.get_attribute("data-number") == number
        assert "2026-11-25 09:30" in row.inner_text() and "未提交" in row.inner_text()
        assert row.locator("a:text('进入会议')").get_attribute("href") == START["video_link"]
        row.locator("a:text('评审')").click()
        page.wait_for_url(f"{live_server}/expert/cases/{case_id}")

        # Its review page: the project, the materials, the meeting and the others by name.
        assert case["project_name"] in page.inner_text("h1")
        expect(page.locator("#materials a:text('下载')")).to_have_count(8)
        names = page.locator("#panel-members .panel-member").all_inner_texts()
        assert len(names) == 5 and any(chair["name"] in n and "组长" in n for n in names)
        expect(page.locator("#close-form")).to_have_count(0)  # not the chair
        page.check("input[name=conclusion][value=revise]")
        page.fill("textarea[name=opinion]", OPINION)
        page.click("button:has-text('提交评审意见')")
        page.wait_for_url(re.compile(r"msg=opinion_submitted"))
        assert "评审意见已提交" in desk.flash()
        expect(page.locator("#my-submitted")).to_contain_text("已提交")
        page = desk.open("/expert")
        expect(page.locator("tr.assignment .assignment-submitted")).to_contain_text("已提交")
        page.screenshot(path=SCREENS / "expert_portal.png", full_page=True)

        # The other members submit through the API.
        for other, vote in zip(others, ["revise", "pass", "pass"], strict=True):
            sent = api.http.post(
                f"/api/applications/{case_id}/joint-review/opinion",
                json={"conclusion": vote, "opinion": "同意，按意见补充完善。"},
                headers=api.auth(pool[other["expert_id"]]),
            )
            assert sent.status_code == 200, sent.text

        # The chair, in its own browser context: only its own vote is missing, then it closes.
        chair_desk = Desk(browser, live_server, pool[chair["expert_id"]])
        page = chair_desk.page
        page.wait_for_url(f"{live_server}/expert")
        page.click(f"tr.assignment[data-case='{case_id}'] a:text('评审')")
        expect(page.locator("#close-missing")).to_contain_text(chair["name"])
        expect(page.locator("#close-form")).to_have_count(0)
        page.check("input[name=conclusion][value=revise]")
        page.fill("textarea[name=opinion]", "同意专家组意见，补充大气环境影响预测")
        page.click("button:has-text('提交评审意见')")
        page.wait_for_url(re.compile(r"msg=opinion_submitted"))
        expect(page.locator("#close-missing")).to_have_count(0)
        page.screenshot(path=SCREENS / "expert_chair.png", full_page=True)
        page.click("button:has-text('形成专家组意见')")
        page.wait_for_url(re.compile(r"msg=review_closed"))
        assert "已形成专家组意见" in chair_desk.flash()
        expect(page.locator("#panel-status")).to_have_text("会审已结束：修改后通过")
        reload_until(page, lambda: page.locator("#meeting a:text('下载专家组评审意见')"),
                     "the 专家组评审意见")  # fmt: skip
        page.screenshot(path=SCREENS / "expert_closed.png", full_page=True)
        _wait_for_status(api, case_id, "revision")

        # Staff see the panel with every vote and the draw record.
        page = officer.open(f"/cases/{case_id}")
        expect(page.locator("#panel-conclusion")).to_have_text("专家组结论：修改后通过")
        expect(page.locator("#panel-members [data-submitted=yes]")).to_have_count(5)
        assert OPINION.splitlines()[0] in page.inner_text("#panel-members")
        page.locator("#joint-review").screenshot(path=SCREENS / "joint_review_staff.png")

        # The member's portal now shows the review as over; the form is gone.
        page = desk.open(f"/expert/cases/{case_id}")
        expect(page.locator("#opinion-form")).to_have_count(0)
        expect(page.locator("#panel-status")).to_contain_text("会审已结束")
