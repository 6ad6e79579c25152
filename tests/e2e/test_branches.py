"""Branches (分局): the administrator puts a staff account in a district's branch from the
users page (audited); the branch's case officer then sees only its district's cases in the
queue and in the menu's live count; back at the bureau (市局) the officer sees them all."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.runtime import Runtime
from models import AuditEvent, User
from tests.api.case_driving import accept
from tests.helpers import create_submitted, page_login, refused_page, sign_in


def _officer_id(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        found = session.exec(select(User.id).where(User.username == "chengban")).one()
    assert found is not None
    return found


def test_a_branch_officer_works_the_cases_of_its_district_only(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = sign_in(client, "qiye")
    ours = create_submitted(client, applicant, district="新郑市", project_name="新郑项目")
    theirs = create_submitted(client, applicant, district="金水区", project_name="金水项目")
    for case in (ours, theirs):
        accept(client, case["id"])  # to 承办拟办, the case officer's queue
    officer = _officer_id(runtime)

    page_login(client, "admin")
    wrong = client.post(f"/admin/branches/{officer}", data={"branch": "海淀区"})
    assert "请选择市局或一个分局" in refused_page(client, wrong)
    put = client.post(f"/admin/branches/{officer}", data={"branch": "新郑市"})
    assert put.status_code == 200 and "已设置所属单位" in put.text
    assert '<option value="新郑市" selected>郑州市生态环境局新郑分局</option>' in put.text
    with Session(runtime.engine) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "staff_branch_changed")
        ).all()
    assert "由市局改为郑州市生态环境局新郑分局" in event.comment

    page_login(client, "chengban")
    queue = client.get("/queue").text
    assert "郑州市生态环境局新郑分局" in queue
    assert ours["number"] in queue and theirs["number"] not in queue
    assert client.get("/queue/live").json()["count"] == 1

    page_login(client, "admin")
    client.post(f"/admin/branches/{officer}", data={"branch": ""})
    page_login(client, "chengban")
    queue = client.get("/queue").text
    assert ours["number"] in queue and theirs["number"] in queue
    assert client.get("/queue/live").json()["count"] == 2
