"""Least disclosure to the applicant: the expert draw (seed, candidates, exclusions) and the
panel's names stay with the bureau until the meeting is over; then the applicant sees the
conclusion and each expert's opinion. Staff and auditors keep the replay. Applicant pages show
no SHA-256 digests."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import SHANGHAI, FixedClock
from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from models import Document, Expert, User
from tests.helpers import create_submitted, page_login, sign_in

SEED = 4242
START = {
    "needed": ["air", "water"],
    "seed": SEED,
    "meeting_at": "2026-11-25T09:30:00+08:00",
    "video_link": "https://meeting.example/j/123",
}
DRAW_WORDS = ("随机种子", "候选", "回避", "补抽种子", str(SEED))


@pytest.fixture
def experts(client: TestClient, engine: Engine) -> dict[int, tuple[str, str, str]]:
    """expert id → (username, name, employer) of the demo pool."""
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        rows = session.exec(
            select(Expert.id, User.username, Expert.name, Expert.employer).join(
                User, User.id == Expert.user_id
            )
        )
        return {
            expert_id: (username, name, employer) for expert_id, username, name, employer in rows
        }


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _visible(html: str) -> str:
    """What a person reads on the page (tags and hidden inputs removed)."""
    return "".join(re.sub(r"<[^>]+>", " ", html).split())


def _started(client: TestClient, clock: FixedClock) -> tuple[int, dict[str, str], dict[str, str]]:
    applicant = sign_in(client, "qiye")
    case = create_submitted(client, applicant)
    officer = sign_in(client, "chengban")
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    _on(clock, date(2026, 11, 23))
    started = client.post(
        f"/api/applications/{case['id']}/joint-review", json=START, headers=officer
    )
    assert started.status_code == 201, started.text
    return int(case["id"]), applicant, officer


def _assert_no_draw_details(text: str, experts: dict[int, tuple[str, str, str]]) -> None:
    for word in DRAW_WORDS:
        assert word not in text, word
    for _username, name, _employer in experts.values():  # employers: the consultant is one
        assert name not in text, name


def test_before_the_meeting_the_applicant_sees_no_draw_and_no_names(
    client: TestClient, clock: FixedClock, experts: dict[int, tuple[str, str, str]]
) -> None:
    case_id, applicant, officer = _started(client, clock)

    [panel] = client.get(f"/api/applications/{case_id}/joint-review", headers=applicant).json()
    assert not {"seed", "candidates", "excluded"} & panel.keys()
    assert panel["members"] == [] and panel["size"] == 5 and "employer" not in str(panel)
    assert panel["meeting_at"] and panel["video_link"] == START["video_link"]
    _assert_no_draw_details(json.dumps(panel, ensure_ascii=False), experts)

    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    _assert_no_draw_details(json.dumps(detail["timeline"], ensure_ascii=False), experts)
    page_login(client, "qiye")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    _assert_no_draw_details(_visible(page.text), experts)

    # The bureau keeps the whole record.
    [staff_panel] = client.get(f"/api/applications/{case_id}/joint-review", headers=officer).json()
    assert staff_panel["seed"] == SEED and staff_panel["candidates"] > 0
    assert len(staff_panel["members"]) == 5
    staff_timeline = client.get(f"/api/applications/{case_id}", headers=officer).json()["timeline"]
    assert any(f"随机种子 {SEED}" in t["comment"] for t in staff_timeline)
    auditor_timeline = client.get(
        f"/api/applications/{case_id}", headers=sign_in(client, "jiancha")
    ).json()["timeline"]
    assert any(f"随机种子 {SEED}" in t["comment"] for t in auditor_timeline)


def test_after_the_panel_closes_the_applicant_sees_the_conclusion_and_each_opinion(
    client: TestClient, clock: FixedClock, experts: dict[int, tuple[str, str, str]]
) -> None:
    case_id, applicant, officer = _started(client, clock)
    members = client.get(f"/api/applications/{case_id}/joint-review", headers=officer).json()[0][
        "members"
    ]
    decliner = next(m for m in members if not m["chair"])
    declined = client.post(
        f"/api/applications/{case_id}/joint-review/decline",
        headers=sign_in(client, experts[decliner["expert_id"]][0]),
    )
    assert declined.status_code == 200, declined.text
    members = [
        m
        for m in client.get(f"/api/applications/{case_id}/joint-review", headers=officer).json()[0][
            "members"
        ]
        if m["state"] == "invited"
    ]
    for member in members:
        sent = client.post(
            f"/api/applications/{case_id}/joint-review/opinion",
            headers=sign_in(client, experts[member["expert_id"]][0]),
            json={"conclusion": "pass", "opinion": f"同意，意见{member['expert_id']}"},
        )
        assert sent.status_code == 200, sent.text
    chair = next(m for m in members if m["chair"])
    _on(clock, date(2026, 11, 26))
    closed = client.post(
        f"/api/applications/{case_id}/joint-review/close",
        headers=sign_in(client, experts[chair["expert_id"]][0]),
    )
    assert closed.status_code == 200, closed.text

    [panel] = client.get(f"/api/applications/{case_id}/joint-review", headers=applicant).json()
    assert panel["conclusion"] == "pass"
    assert not {"seed", "candidates", "excluded"} & panel.keys()
    shown = {m["name"]: m for m in panel["members"]}
    assert set(shown) == {experts[m["expert_id"]][1] for m in members}
    for member in members:
        entry = shown[experts[member["expert_id"]][1]]
        assert entry["conclusion"] == "pass"
        assert entry["opinion"] == f"同意，意见{member['expert_id']}"
        assert not {"employer", "expert_id", "state"} & entry.keys()
    declined_name = experts[decliner["expert_id"]][1]
    assert declined_name not in json.dumps(panel, ensure_ascii=False)

    timeline = client.get(f"/api/applications/{case_id}", headers=applicant).json()["timeline"]
    text = json.dumps(timeline, ensure_ascii=False)
    for word in DRAW_WORDS:
        assert word not in text, word
    page_login(client, "qiye")
    page = _visible(client.get(f"/cases/{case_id}").text)
    for word in DRAW_WORDS:
        assert word not in page, word


def test_applicant_pages_show_no_sha256_while_staff_pages_do(
    client: TestClient, engine: Engine
) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    with Session(engine) as session:
        digests = [
            d.sha256
            for d in session.exec(select(Document).where(Document.application_id == case["id"]))
            if d.sha256
        ]
    assert digests  # the 受理通知书 was issued

    page_login(client, "qiye")
    applicant_page = client.get(f"/cases/{case['id']}").text
    assert "SHA-256" not in applicant_page
    for digest in digests:
        assert digest[:12] not in applicant_page
    page_login(client, "shouli")
    staff_page = client.get(f"/cases/{case['id']}").text
    assert "SHA-256" in staff_page and digests[0][:12] in staff_page
