"""The administrator keeps the fast track's parks and scope: a park's plan-EIA review recorded
makes its projects eligible from the review date, a suspended type sends its projects the
standard way with the reason, a retired park is no longer offered; each change is a new
version, audited, listed with who changed what and why, and refused with a clear message when
it lacks its basis. Nobody else may change them."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from approvals.commitment.scope import shared_parks, shared_scope
from flows.runtime import Runtime
from models import AuditEvent
from tests.api.test_commitment import _draft
from tests.helpers import page_login, refused_page, sign_in

XINMI = "河南新密经济开发区"
SITE = {"park_name": XINMI, "longitude": 113.38, "latitude": 34.53}


def _findings(client: TestClient, case_id: int, headers: dict[str, str]) -> list[str]:
    view = client.get(f"/api/applications/{case_id}/commitment", headers=headers).json()
    return [f["reason"] for f in view["findings"]]


def _recheck(client: TestClient, case_id: int, headers: dict[str, str]) -> list[str]:
    """The applicant saves the same facts again: eligibility is assessed on the list now."""
    put = client.put(f"/api/applications/{case_id}/commitment/facts", json=SITE, headers=headers)
    assert put.status_code == 200, put.text
    return _findings(client, case_id, headers)


def test_a_recorded_plan_eia_review_makes_the_parks_projects_eligible_audited_and_versioned(
    client: TestClient, runtime: Runtime
) -> None:
    admin, applicant = sign_in(client, "admin"), sign_in(client, "qiye")
    case_id = _draft(client, applicant, SITE)
    assert _findings(client, case_id, applicant) == ["park_plan_eia_unverified"]
    url = f"/api/admin/parks/{quote(XINMI)}/plan-eia"
    review = {"status": "passed", "review_date": "2022-05-10", "reviewer": "郑州市生态环境局",
              "source": "郑环审〔2022〕18号", "reason": "收到规划环评审查意见"}  # fmt: skip

    no_date = client.post(url, json=review | {"review_date": None}, headers=admin)
    assert no_date.status_code == 422 and "审查意见日期" in no_date.json()["message"]
    no_reason = client.post(url, json=review | {"reason": " "}, headers=admin)
    assert no_reason.status_code == 422
    officer = client.post(url, json=review, headers=sign_in(client, "chengban"))
    assert officer.status_code == 403

    saved = client.post(url, json=review, headers=admin)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"kind": "parks", "version": shared_parks().version + 1}
    assert _recheck(client, case_id, applicant) == []  # eligible on the new version
    public = client.get("/api/reference/parks").json()
    stated = next(p for p in public if p["name"] == XINMI)["plan_eia"]
    assert stated.startswith("规划环评已于2022年")

    history = client.get("/api/admin/reference/parks/history", headers=admin).json()
    assert [(h["version"], h["reason"]) for h in history] == [(saved.json()["version"],
                                                               "收到规划环评审查意见")]  # fmt: skip
    assert XINMI in history[0]["change"] and "已通过审查" in history[0]["change"]
    with Session(runtime.engine) as session:
        audited = session.exec(
            select(AuditEvent).where(AuditEvent.action == "reference_changed")
        ).all()
    assert (
        len(audited) == 1 and audited[0].actor_name and "收到规划环评审查意见" in audited[0].comment
    )


def test_a_suspended_type_sends_its_projects_the_standard_way_with_the_reason(
    client: TestClient,
) -> None:
    admin, applicant = sign_in(client, "admin"), sign_in(client, "qiye")
    url = "/api/admin/commitment-scope/types/36-1/suspension"
    scope_type = next(t for t in shared_scope().types() if t.code == "36-1")
    reason = "依市政府通知，汽车零部件制造暂停告知承诺制审批"
    not_suspended = client.post(url, json={"suspended": False, "reason": "x"}, headers=admin)
    assert not_suspended.status_code == 409
    saved = client.post(url, json={"suspended": True, "reason": reason}, headers=admin)
    assert saved.status_code == 200, saved.text

    case_id = _draft(client, applicant, {"park_name": "郑州经济技术开发区"})
    view = client.get(f"/api/applications/{case_id}/commitment", headers=applicant).json()
    assert [f["reason"] for f in view["findings"]] == ["type_suspended"]
    message = view["findings"][0]["message"]
    assert reason in message and scope_type.name_zh in message and "一般程序" in message
    public = client.get("/api/reference/commitment-scope").json()
    listed = next(t for c in public["categories"] for t in c["types"] if t["code"] == "36-1")
    assert listed["suspended"] == reason and public["version"] == shared_scope().version + 1

    resumed = client.post(url, json={"suspended": False, "reason": "暂停期满"}, headers=admin)
    assert resumed.json()["version"] == shared_scope().version + 2
    again = _draft(client, applicant, {"park_name": "郑州经济技术开发区"})
    assert _findings(client, again, applicant) == []


def test_parks_are_added_and_retired_on_the_admin_page_by_post_redirect_get(
    client: TestClient,
) -> None:
    page_login(client, "admin")
    added = client.post(
        "/admin/parks/add",
        data={
            "name": "郑州测试产业园",
            "aliases": "测试园、试验园",
            "level": "市级",
            "districts": ["中牟县"],
            "reason": "市政府批复设立",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get(added.headers["location"]).text
    assert "已将园区加入名录" in page and 'data-park="郑州测试产业园"' in page
    assert "新增园区郑州测试产业园（市级，中牟县）" in page and "市政府批复设立" in page

    taken = client.post(
        "/admin/parks/add",
        data={"name": "试验园", "level": "市级", "districts": ["中牟县"], "reason": "重复"},
    )
    assert "园区名称“试验园”已在名录中" in refused_page(client, taken)
    bad_date = client.post(
        "/admin/parks/plan-eia",
        data={
            "park": "郑州测试产业园",
            "status": "passed",
            "review_date": "2022-13-01",
            "source": "x",
            "reason": "y",
        },
    )
    refused = refused_page(client, bad_date)
    assert "审查日期格式应为 年-月-日" in refused and 'value="2022-13-01"' in refused

    retired = client.post(
        "/admin/parks/retire", data={"park": "郑州测试产业园", "reason": "园区撤并"},
        follow_redirects=False,
    )  # fmt: skip
    page = client.get(retired.headers["location"]).text
    assert 'data-park="郑州测试产业园"' not in page and "移出园区郑州测试产业园" in page
    names = [p["name"] for p in client.get("/api/reference/parks").json()]
    assert "郑州测试产业园" not in names and XINMI in names
    page_login(client, "chengban")
    refused = client.post("/admin/parks/retire", data={"park": XINMI, "reason": "x"})
    assert refused.status_code == 403
