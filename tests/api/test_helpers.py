"""帮办代办: the administrator names 李承办 a helper (帮办员); the demo enterprise authorises him
to fill in its EIA-01 application for a month. Acting with ``X-Acting-For`` he creates it and
uploads its materials — recorded as done by the helper for the enterprise, on the case's
timeline — but submitting, another item, a day after the period and anything after the
enterprise revokes the authorisation are refused with the reason in Chinese."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import FixedClock
from models import AuditEvent, User
from tests.api.case_checks import expect_error, headers_for
from tests.api.test_liaison import _ids
from tests.helpers import PROJECT, minimal_pdf, page_login, refused_page, required_materials


def _as_helper(client: TestClient, enterprise_id: int) -> dict[str, str]:
    return headers_for(client, "chengban") | {"X-Acting-For": str(enterprise_id)}


def _grant(client: TestClient, **body: Any) -> Any:
    grant = {
        "helper_username": "chengban", "actions": ["apply"], "item_codes": ["EIA-01"],
        "valid_from": "2026-11-20", "valid_to": "2026-12-19",
    } | body  # fmt: skip
    return client.post(
        "/api/helpers/authorisations", json=grant, headers=headers_for(client, "qiye")
    )


def test_a_helper_acts_within_the_authorisation_and_is_refused_outside_it(
    client: TestClient, engine: Engine, clock: FixedClock
) -> None:
    enterprise_id, _ = _ids(engine)
    with Session(engine) as session:
        helper_id = session.exec(select(User.id).where(User.username == "chengban")).one()
    not_yet = expect_error(_grant(client), 422, "invalid_input")
    assert "不是帮办员" in not_yet["message"]
    assert (
        client.put(f"/api/helpers/{helper_id}", headers=headers_for(client, "admin")).status_code
        == 204
    )
    granted = _grant(client, actions=["apply", "submit"])
    assert granted.status_code == 201, granted.text
    assert granted.json()["active"] is True

    helper = _as_helper(client, enterprise_id)
    created = client.post("/api/applications", json=PROJECT, headers=helper)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    for code in required_materials(client, "EIA-01"):
        uploaded = client.put(
            f"/api/applications/{case_id}/materials/{code}",
            files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")}, headers=helper,
        )  # fmt: skip
        assert uploaded.status_code in (200, 201), uploaded.text
    submitted = client.post(f"/api/applications/{case_id}/submit", headers=helper)
    assert submitted.status_code == 200, submitted.text
    applicant = headers_for(client, "qiye")
    timeline = client.get(f"/api/applications/{case_id}", headers=applicant).json()["timeline"]
    assert timeline[0]["actor"] == "李承办（承办人）（帮办员，代郑州绿源精密机械有限公司）"
    with Session(engine) as session:
        acts = session.exec(select(AuditEvent).where(AuditEvent.application_id == case_id)).all()
    assert acts and all("帮办员，代郑州绿源" in e.actor_name for e in acts)
    other_item = client.post(
        "/api/applications", json=PROJECT | {"item_code": "EIA-02"}, headers=helper
    )
    assert "不包括事项 EIA-02" in expect_error(other_item, 403, "permission_denied")["message"]
    stranger = headers_for(client, "shouli") | {"X-Acting-For": str(enterprise_id)}
    not_helper = client.post("/api/applications", json=PROJECT, headers=stranger)
    assert "不是帮办员" in expect_error(not_helper, 403, "permission_denied")["message"]

    clock.advance(timedelta(days=30))  # 12-20: the day after the period
    late = client.post("/api/applications", json=PROJECT, headers=helper)
    assert "不在授权期限内" in expect_error(late, 403, "permission_denied")["message"]


def test_an_action_outside_the_scope_and_a_revoked_authorisation_are_refused(
    client: TestClient, engine: Engine
) -> None:
    enterprise_id, helper_id = _ids(engine)
    client.put(f"/api/helpers/{helper_id}", headers=headers_for(client, "admin"))
    authorisation = _grant(client, item_codes=[]).json()
    assert authorisation["action_labels"] == ["填写申请、上传材料"]
    helper = _as_helper(client, enterprise_id)
    created = client.post(
        "/api/applications", json=PROJECT | {"item_code": "EIA-02"}, headers=helper
    )
    assert created.status_code == 201, created.text
    submit = client.post(f"/api/applications/{created.json()['id']}/submit", headers=helper)
    assert "不包括“提交申请" in expect_error(submit, 403, "permission_denied")["message"]
    mine = client.get("/api/helpers/authorisations", headers=headers_for(client, "chengban")).json()
    assert [a["enterprise_name"] for a in mine] == ["郑州绿源精密机械有限公司"]
    revoked = client.post(
        f"/api/helpers/authorisations/{authorisation['id']}/revoke",
        headers=headers_for(client, "qiye"),
    )
    assert revoked.status_code == 204
    refused = client.post("/api/applications", json=PROJECT, headers=helper)
    assert "授权已被企业撤销" in expect_error(refused, 403, "permission_denied")["message"]
    listed = client.get("/api/helpers/authorisations", headers=headers_for(client, "qiye")).json()
    assert [(a["active"], a["revoked_at"] is not None) for a in listed] == [(False, True)]


def test_the_enterprise_grants_and_stops_an_authorisation_on_its_page(
    client: TestClient, engine: Engine
) -> None:
    _, helper_id = _ids(engine)
    client.put(f"/api/helpers/{helper_id}", headers=headers_for(client, "admin"))
    page_login(client, "qiye")
    form = {"helper_username": "chengban", "actions": ["apply"], "items": "EIA-01，EIA-02",
            "valid_from": "2026-11-20", "valid_to": "2026-11-19"}  # fmt: skip
    refused = refused_page(client, client.post("/helpers", data=form))
    assert "授权期限不正确" in refused
    granted = client.post("/helpers", data=form | {"valid_to": "2026-12-31"})
    assert "已授权帮办员代办" in granted.text
    assert "EIA-01、EIA-02" in granted.text and "有效" in granted.text
    [authorisation] = client.get("/api/helpers/authorisations").json()
    stopped = client.post(f"/helpers/{authorisation['id']}/revoke")
    assert "已撤销该帮办授权" in stopped.text and "已撤销" in stopped.text
