"""Remote joint review (远程会审), the expert portal (专家工作台) and the green channel (特事特办)
through the pages (TestClient with the page cookie), on both databases: the case officer starts
a review from the case page (an impossible draw names its constraint), an expert sees only its
own assignments and another panel's case is "not found", members submit from the portal and
see each other's names but not votes, the chair closes, the applicant revises, the chair
confirms, the video site inspection is recorded with a photo, a section chief flags the green
channel, and every form is hidden from the roles that may not use it."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import SHANGHAI, FixedClock
from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from models import Expert, User
from tests.e2e.test_pages import page_login
from tests.helpers import create_submitted, minimal_pdf, refused_page, sign_in

START_FORM = {
    "needed": ["air", "water"],
    "size": "",  # the item's default: 5 for a report book
    "seed": "12345",
    "meeting_at": "2026-11-25T09:30",  # datetime-local: Zhengzhou time
    "video_link": "https://meeting.example/j/123",
}
REVISE = "补充大气环境影响预测\n核实废水去向"
# A 1×1 transparent PNG: signature, IHDR, IDAT, IEND.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


@pytest.fixture
def pool(client: TestClient, engine: Engine) -> dict[int, str]:
    """expert id → username of the demo pool (in this test's database)."""
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        rows = session.exec(select(Expert.id, User.username).join(User, User.id == Expert.user_id))
        return {expert_id: username for expert_id, username in rows}


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _text(html: str) -> str:
    """The page's words without tags or whitespace, as a person reads them."""
    return "".join(re.sub(r"<[^>]+>", "", html).split())


def _drafting_case(client: TestClient) -> int:
    """An EIA-01 report book accepted and handed to the case officer (承办拟办)."""
    case = create_submitted(client, sign_in(client, "qiye"))
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    return int(case["id"])


def _start(client: TestClient, case_id: int, **fields: Any) -> Response:
    page_login(client, "chengban")
    return client.post(
        f"/cases/{case_id}/joint-review", data=START_FORM | fields, follow_redirects=False
    )


def _members(client: TestClient, case_id: int) -> list[dict[str, Any]]:
    panels = client.get(
        f"/api/applications/{case_id}/joint-review", headers=sign_in(client, "chengban")
    ).json()
    return [m for m in panels[-1]["members"] if m["state"] == "invited"]


def _status(client: TestClient, case_id: int) -> str:
    detail = client.get(f"/api/applications/{case_id}", headers=sign_in(client, "chengban"))
    return str(detail.json()["status"])


def _opinion(client: TestClient, case_id: int, conclusion: str, opinion: str) -> Response:
    return client.post(
        f"/expert/cases/{case_id}/opinion",
        data={"conclusion": conclusion, "opinion": opinion},
        follow_redirects=False,
    )


def _in_review(client: TestClient, pool: dict[int, str]) -> tuple[int, list[dict[str, Any]]]:
    case_id = _drafting_case(client)
    started = _start(client, case_id)
    assert started.status_code == 303, started.text
    return case_id, _members(client, case_id)


def test_the_case_officer_starts_a_review_from_the_page_and_an_impossible_draw_says_why(
    client: TestClient, pool: dict[int, str]
) -> None:
    case_id = _drafting_case(client)
    form = f'action="/cases/{case_id}/joint-review"'
    page_login(client, "chengban")
    page = client.get(f"/cases/{case_id}").text
    assert form in page and "启动远程会审" in page
    assert 'name="size" min="3" max="9" step="2" value="5"' in page  # a report book: 5
    for label in ("大气环境", "水环境", "固体废物与危险废物", "核与辐射", "环评综合"):
        assert label in page

    everything = ["air", "water", "noise", "radiation", "ecology"]
    refused = _start(client, case_id, size="3", needed=everything)
    shown = refused_page(client, refused)  # back on the case page: a reload never posts
    assert "无法抽取专家组" in shown
    assert "未满足的条件：专家组人数不足以覆盖全部所需专业" in shown
    assert 'value="radiation" checked' in shown  # what was chosen is kept
    assert _status(client, case_id) == "drafting"
    assert client.get(f"/api/applications/{case_id}/joint-review").json() == []
    none_chosen = _start(client, case_id, needed=[])
    assert "请至少选择一个所需专业" in refused_page(client, none_chosen)

    started = _start(client, case_id)
    assert started.status_code == 303
    assert started.headers["location"] == (
        f"/cases/{case_id}?msg=joint_review_started#joint-review"
    )
    assert _status(client, case_id) == "joint_review"
    page = client.get(started.headers["location"]).text
    assert "已抽取专家并启动远程会审" in page
    assert form not in page  # started once
    words = _text(page)
    assert "随机种子12345" in words and "会议时间2026-11-2509:30" in words
    assert page.count('class="panel-member"') == 5
    assert page.count('data-submitted="no"') == 5
    assert re.search(r"候选专家</dt><dd[^>]*>\d+ 人", page)
    assert "https://meeting.example/j/123" in page


def test_an_expert_sees_only_its_own_assignments_and_the_chair_closes_the_review(
    client: TestClient, pool: dict[int, str], clock: FixedClock
) -> None:
    _on(clock, date(2026, 11, 23))
    case_id, members = _in_review(client, pool)
    number = client.get(f"/api/applications/{case_id}", headers=sign_in(client, "qiye")).json()[
        "number"
    ]
    chair = next(m for m in members if m["chair"])
    others = [m for m in members if not m["chair"]]
    outsider = next(u for i, u in pool.items() if i not in {m["expert_id"] for m in members})

    # Someone on no panel of this case: nothing listed, the case is "not found".
    assert page_login(client, outsider).headers["location"] == "/expert"
    portal = client.get("/expert")
    assert portal.status_code == 200 and "暂无会审任务" in portal.text
    assert number not in portal.text
    hidden = client.get(f"/expert/cases/{case_id}")
    assert hidden.status_code == 404 and "不存在" in hidden.text
    assert "郑州绿源精密机械" not in hidden.text
    assert _opinion(client, case_id, "pass", "同意").status_code == 404
    assert client.get("/queue").status_code == 403  # an expert has no staff queue

    # A member: exactly its assignment; the project, the materials, the meeting, the others.
    first = others[0]
    assert page_login(client, pool[first["expert_id"]]).headers["location"] == "/expert"
    portal = client.get("/expert").text
    assert portal.count('class="assignment') == 1 and number in portal
    assert "专家工作台" in portal and "未提交" in portal and "成员" in portal
    page = client.get(f"/expert/cases/{case_id}").text
    assert "郑州绿源精密机械" in page and "/materials/" in page
    assert "https://meeting.example/j/123" in page and "2026-11-25 09:30" in page
    for other in members:
        assert other["name"] in page
    assert f'action="/expert/cases/{case_id}/opinion"' in page
    assert f'action="/expert/cases/{case_id}/decline"' in page
    assert f'action="/expert/cases/{case_id}/close"' not in page  # only the chair closes
    sent = _opinion(client, case_id, "revise", REVISE)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/expert/cases/{case_id}?msg=opinion_submitted"
    page = client.get(sent.headers["location"]).text
    assert "评审意见已提交" in page and 'id="my-submitted"' in page
    assert f'action="/expert/cases/{case_id}/decline"' not in page  # submitted: no decline
    assert "已提交" in client.get("/expert").text
    blank = _opinion(client, case_id, "pass", "  ")
    assert "请填写书面评审意见" in refused_page(client, blank)

    # Another member sees the names, never the votes; staff see the votes.
    page_login(client, pool[others[1]["expert_id"]])
    page = client.get(f"/expert/cases/{case_id}").text
    assert first["name"] in page and "补充大气环境影响预测" not in page
    page_login(client, "chengban")
    staff_view = client.get(f"/cases/{case_id}").text
    assert "补充大气环境影响预测" in staff_view and "修改后通过" in staff_view
    assert staff_view.count('data-submitted="yes"') == 1

    # The chair sees who has not submitted; closing early is refused in Chinese.
    page_login(client, pool[chair["expert_id"]])
    page = client.get(f"/expert/cases/{case_id}").text
    assert "组长" in page and 'id="close-missing"' in page
    assert "尚有 5 名专家未提交意见" not in page and "尚有 4 名专家未提交意见" in page
    assert f'action="/expert/cases/{case_id}/close"' not in page
    early = client.post(f"/expert/cases/{case_id}/close", follow_redirects=False)
    assert "尚有4名专家未提交意见" in refused_page(client, early)

    # The rest submit (through the API to keep it short); the chair votes from the page.
    for member, vote in zip(others[1:], ["revise", "pass", "pass"], strict=True):
        response = client.post(
            f"/api/applications/{case_id}/joint-review/opinion",
            json={"conclusion": vote, "opinion": "同意，补充完善"},
            headers=sign_in(client, pool[member["expert_id"]]),
        )
        assert response.status_code == 200, response.text
    assert _opinion(client, case_id, "revise", REVISE).status_code == 303
    page = client.get(f"/expert/cases/{case_id}").text
    assert 'id="close-missing"' not in page
    closed = client.post(f"/expert/cases/{case_id}/close", follow_redirects=False)
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/expert/cases/{case_id}?msg=review_closed"
    assert _status(client, case_id) == "revision"
    page = client.get(closed.headers["location"]).text
    assert "已形成专家组意见" in page and "会审已结束：修改后通过" in page
    assert f'action="/expert/cases/{case_id}/opinion"' not in page

    # After the close an opinion is refused, in Chinese.
    page_login(client, pool[first["expert_id"]])
    late = _opinion(client, case_id, "pass", "会后补充")
    assert "会审已结束，不能再提交意见" in refused_page(client, late)


def test_the_applicant_revises_and_the_chair_returns_then_confirms_the_revision(
    client: TestClient, pool: dict[int, str], clock: FixedClock
) -> None:
    _on(clock, date(2026, 11, 23))
    case_id, members = _in_review(client, pool)
    chair = next(m for m in members if m["chair"])
    for member in members:
        response = client.post(
            f"/api/applications/{case_id}/joint-review/opinion",
            json={"conclusion": "revise", "opinion": REVISE},
            headers=sign_in(client, pool[member["expert_id"]]),
        )
        assert response.status_code == 200, response.text
    page_login(client, pool[chair["expert_id"]])
    assert client.post(f"/expert/cases/{case_id}/close").status_code == 200

    page_login(client, "qiye")
    page = client.get(f"/cases/{case_id}").text
    assert "请按专家组意见修改报告" in page and 'id="opinion-download"' in page
    assert "补充大气环境影响预测" in page and "核实废水去向" in page  # the revision items
    assert 'id="draw-record"' not in page and 'id="panel-members"' not in page  # staff only
    empty = client.post(f"/cases/{case_id}/revision", follow_redirects=False)
    assert "请上传按专家组意见修改后的报告" in refused_page(client, empty)
    _on(clock, date(2026, 11, 30))
    revised = {"file_report_full_text": ("修改稿.pdf", minimal_pdf("revised"), "application/pdf")}
    sent = client.post(f"/cases/{case_id}/revision", files=revised, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert _status(client, case_id) == "revision_review"
    assert "等待专家组组长复核" in client.get(sent.headers["location"]).text

    member = next(m for m in members if not m["chair"])
    page_login(client, pool[member["expert_id"]])
    assert 'id="revision-review-form"' not in client.get(f"/expert/cases/{case_id}").text
    page_login(client, pool[chair["expert_id"]])
    page = client.get(f"/expert/cases/{case_id}").text
    assert "确认修改稿" in page and "退回修改" in page and "修改稿.pdf" in page
    assert "待复核修改稿" in client.get("/expert").text
    bare = client.post(f"/expert/cases/{case_id}/revision/return", follow_redirects=False)
    assert "退回修改时请写明修改要求" in refused_page(client, bare)
    back = client.post(
        f"/expert/cases/{case_id}/revision/return",
        data={"comment": "废水去向仍未核实"},
        follow_redirects=False,
    )
    assert back.status_code == 303 and _status(client, case_id) == "revision"

    page_login(client, "qiye")
    assert "废水去向仍未核实" in client.get(f"/cases/{case_id}").text
    # the revised report is already uploaded: submitting again needs no new file
    assert client.post(f"/cases/{case_id}/revision", follow_redirects=False).status_code == 303
    page_login(client, pool[chair["expert_id"]])
    confirmed = client.post(f"/expert/cases/{case_id}/revision/confirm", follow_redirects=False)
    assert confirmed.status_code == 303 and _status(client, case_id) == "drafting"


def test_a_member_declines_from_the_portal_and_a_replacement_is_drawn(
    client: TestClient, pool: dict[int, str]
) -> None:
    case_id, members = _in_review(client, pool)
    leaving = next(m for m in members if not m["chair"])
    page_login(client, pool[leaving["expert_id"]])
    declined = client.post(f"/expert/cases/{case_id}/decline", follow_redirects=False)
    assert declined.status_code == 303
    assert declined.headers["location"] == "/expert?msg=expert_declined"
    assert "已按原随机种子补抽" in client.get(declined.headers["location"]).text
    assert client.get(f"/expert/cases/{case_id}").status_code == 404  # no longer on the panel
    now = _members(client, case_id)
    assert len(now) == 5 and leaving["expert_id"] not in {m["expert_id"] for m in now}
    page_login(client, "chengban")
    page = client.get(f"/cases/{case_id}").text
    assert "无法参加（已补抽）" in page and f"替换{leaving['name']}" in page


def test_the_case_officer_records_a_video_site_inspection_with_a_photo(
    client: TestClient, pool: dict[int, str]
) -> None:
    case_id, members = _in_review(client, pool)
    page_login(client, "kezhang")
    assert 'id="site-inspection-form"' not in client.get(f"/cases/{case_id}").text
    page_login(client, "chengban")
    assert 'id="site-inspection-form"' in client.get(f"/cases/{case_id}").text
    data = {
        "inspection_at": "2026-11-20T09:00",
        "participants": "承办人，建设单位代表、环评单位代表",
        "inspection_notes": "厂区雨污分流已完成",
    }
    missing = client.post(
        f"/cases/{case_id}/joint-review/site-inspection",
        data=data | {"participants": ""},
        follow_redirects=False,
    )
    assert "请填写参加人员" in refused_page(client, missing)
    recorded = client.post(
        f"/cases/{case_id}/joint-review/site-inspection",
        data=data,
        files={"media": ("厂区.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    page = client.get(recorded.headers["location"]).text
    assert "视频踏勘记录已登记" in page and "厂区雨污分流已完成" in page
    assert "承办人、建设单位代表、环评单位代表" in page and "2026-11-20 09:00" in page
    link = re.search(r'href="(/cases/\d+/joint-review/inspections/\d+/media/0)"', page)
    assert link is not None
    photo = client.get(link.group(1))
    assert photo.status_code == 200 and photo.content == PNG
    assert photo.headers["content-type"] == "image/png"
    page_login(client, pool[members[0]["expert_id"]])  # the panel sees it too
    assert "厂区雨污分流已完成" in client.get(f"/expert/cases/{case_id}").text
    assert client.get(link.group(1)).status_code == 200
    page_login(client, "qiye")
    assert client.get(link.group(1)).status_code == 404


def test_a_section_chief_flags_the_green_channel_from_the_page(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"), project_name="医疗废物应急处置项目")
    form = f'action="/cases/{case["id"]}/green-channel"'
    reason = "汛后医疗废物处置能力紧缺，需特事特办尽快审批"
    for username in ("qiye", "shouli", "chengban", "jiancha"):
        page_login(client, username)
        assert form not in client.get(f"/cases/{case['id']}").text, username
    refused = client.post(
        f"/cases/{case['id']}/green-channel", data={"justification": reason}, follow_redirects=False
    )
    assert refused.status_code == 403 and "只有科室负责人、分管领导或管理员" in refused.text

    page_login(client, "kezhang")
    assert form in client.get(f"/cases/{case['id']}").text
    short = client.post(
        f"/cases/{case['id']}/green-channel", data={"justification": "急"}, follow_redirects=False
    )
    assert "不少于10个字" in refused_page(client, short)
    flagged = client.post(
        f"/cases/{case['id']}/green-channel", data={"justification": reason}, follow_redirects=False
    )
    assert flagged.status_code == 303
    page = client.get(flagged.headers["location"]).text
    assert "已启用绿色通道" in page and 'id="green-badge"' in page
    assert "绿色通道（特事特办）" in page and reason in page and form not in page
    page_login(client, "qiye")
    page = client.get(f"/cases/{case['id']}").text
    assert 'id="green-badge"' in page and reason in page


def test_the_review_forms_are_hidden_from_roles_that_may_not_use_them(
    client: TestClient, pool: dict[int, str]
) -> None:
    case_id = _drafting_case(client)
    start = f'action="/cases/{case_id}/joint-review"'
    for username in ("qiye", "shouli", "kezhang", "lingdao", "jiancha"):
        page_login(client, username)
        assert start not in client.get(f"/cases/{case_id}").text, username
    page_login(client, "shouli")
    refused = client.post(f"/cases/{case_id}/joint-review", data=START_FORM)
    assert refused.status_code in (403, 409) and _status(client, case_id) == "drafting"
    assert _start(client, case_id).status_code == 303  # the case officer may
    page_login(client, "qiye")
    page = client.get(f"/cases/{case_id}").text
    assert 'id="draw-record"' not in page and 'id="site-inspection-form"' not in page
    assert "正在组织专家远程会审" in page
    assert client.get("/expert").status_code == 403  # the portal is the experts' own
    member = _members(client, case_id)[0]
    page_login(client, pool[member["expert_id"]])
    page = client.get(f"/cases/{case_id}").text  # the case page sends experts to the portal
    assert f'href="/expert/cases/{case_id}"' in page and 'id="draw-record"' not in page
    assert "专家工作台" in page


def test_the_panel_size_follows_the_item_and_an_item_without_a_review_offers_none(
    client: TestClient,
) -> None:
    table = create_submitted(client, sign_in(client, "qiye"), item_code="EIA-02")
    other = create_submitted(client, sign_in(client, "qiye"), item_code="EIA-06")
    for case in (table, other):
        accepted = client.post(
            f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
        )
        assert accepted.status_code == 200, accepted.text
    page_login(client, "chengban")
    page = client.get(f"/cases/{table['id']}").text
    assert 'name="size" min="3" max="9" step="2" value="3"' in page  # a report table: 3
    page = client.get(f"/cases/{other['id']}").text
    assert f'action="/cases/{other["id"]}/joint-review"' not in page
    refused = _start(client, other["id"])
    assert "不需要专家评审" in refused_page(client, refused)
