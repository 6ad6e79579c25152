"""Several users per enterprise, managed by its own administrator (invite by mail, disable),
and an agent (代理机构) that applies for an enterprise only under that enterprise's recorded
authorisation; the case records both, and revoking ends the agent's access."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models import Application, AuditEvent, Enterprise, User
from tests.api.account_mail import link_in, mails_to, token_of
from tests.api.test_registration import PASSWORD, registration
from tests.helpers import (
    PROJECT,
    create_submitted,
    page_form_token,
    page_login,
    refused_page,
    sign_in,
)

MEMBER = {
    "username": "wangjing",
    "display_name": "王静",
    "email": "wangjing@lvyuan.example",
    "phone": "0371-66880000",
    "member_kind": "legal_representative",
}


def test_the_administrator_invites_a_member_who_sets_a_password_and_can_be_disabled(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    admin = sign_in(client, "qiye")
    invited = client.post("/api/enterprise/members", json=MEMBER, headers=admin)
    assert invited.status_code == 201, invited.text
    assert invited.json()["email_verified"] is False
    [mail] = mails_to(settings.resolved_outbox_dir, "wangjing@lvyuan.example")
    assert "郑州绿源精密机械有限公司" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = link_in(mail, "/invitation").removeprefix("https://eia.example")

    assert client.get(link).status_code == 200
    accepted = client.post(
        "/invitation",
        data={"token": token_of(link), "new_password": PASSWORD,
              "new_password_again": PASSWORD, "csrf_token": page_form_token(client, link)},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303
    member = sign_in(client, "wangjing", PASSWORD)
    assert client.post("/api/applications", json=PROJECT, headers=member).status_code == 201
    assert client.get("/api/enterprise/members", headers=member).status_code == 403

    listed = client.get("/api/enterprise/members", headers=admin).json()
    assert [m["username"] for m in listed] == ["qiye", "wangjing"]
    member_id = listed[1]["id"]
    disabled = client.post(f"/api/enterprise/members/{member_id}/disable", headers=admin)
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False
    assert client.get("/api/me", headers=member).status_code == 401
    again = client.post("/api/auth/token", data={"username": "wangjing", "password": PASSWORD})
    assert again.status_code == 401
    own = listed[0]["id"]
    assert client.post(f"/api/enterprise/members/{own}/disable", headers=admin).status_code == 422
    with Session(engine) as session:
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"member_invited", "invitation_accepted", "member_disabled"} <= actions


def _registered_agent(client: TestClient, settings: Settings) -> tuple[dict[str, str], str]:
    body = registration(40, username="daili", email="daili@zhonghuan.example",
                        enterprise_name="河南中环评价咨询有限公司")  # fmt: skip
    assert client.post("/api/register", json=body).status_code == 201
    [mail] = mails_to(settings.resolved_outbox_dir, "daili@zhonghuan.example")
    token = token_of(link_in(mail, "/verify-email"))
    assert client.post("/api/register/verify", json={"token": token}).status_code == 200
    return sign_in(client, "daili", PASSWORD), body["uscc"]


def test_an_agent_applies_for_an_enterprise_only_while_authorised(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    agent, agent_uscc = _registered_agent(client, settings)
    with Session(engine) as session:
        principal = session.exec(
            select(Enterprise).where(Enterprise.name.startswith("郑州绿源"))
        ).one()  # type: ignore[attr-defined]
    on_behalf = PROJECT | {"on_behalf_of": principal.id}
    refused = client.post("/api/applications", json=on_behalf, headers=agent)
    assert refused.status_code == 403 and "代为申请授权" in refused.json()["message"]

    admin = sign_in(client, "qiye")
    granted = client.post("/api/enterprise/agents", json={"agent_uscc": agent_uscc}, headers=admin)
    assert granted.status_code == 201, granted.text
    assert client.get("/api/enterprise/principals", headers=agent).json() == [
        {"id": principal.id, "name": principal.name, "uscc": principal.uscc}
    ]
    case_id = create_submitted(client, agent, on_behalf_of=principal.id)["id"]
    with Session(engine) as session:
        stored = session.get(Application, case_id)
        daili = session.exec(select(User).where(User.username == "daili")).one()
        assert stored is not None
        assert (stored.enterprise_id, stored.agent_enterprise_id) == (
            principal.id, daili.enterprise_id,
        )  # fmt: skip
    assert case_id in [a["id"] for a in client.get("/api/applications", headers=admin).json()]
    assert case_id in [a["id"] for a in client.get("/api/applications", headers=agent).json()]
    assert client.get(f"/api/applications/{case_id}", headers=agent).status_code == 200
    feed = client.get("/api/events", headers=agent).json()["events"]
    assert case_id in {event["application_id"] for event in feed}

    authorisation = granted.json()["id"]
    revoked = client.post(f"/api/enterprise/agents/{authorisation}/revoke", headers=admin)
    assert revoked.status_code == 204
    assert client.get(f"/api/applications/{case_id}", headers=agent).status_code == 404
    assert client.get("/api/applications", headers=agent).json() == []
    assert client.get("/api/events", headers=agent).json()["events"] == []
    assert client.post("/api/applications", json=on_behalf, headers=agent).status_code == 403
    with Session(engine) as session:
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"agent_authorised", "agent_authorisation_revoked"} <= actions


def test_the_enterprise_page_invites_disables_and_authorises(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    _, agent_uscc = _registered_agent(client, settings)
    assert page_login(client, "qiye").status_code == 303
    page = client.get("/enterprise")
    assert page.status_code == 200 and "邀请经办人" in page.text and "代理机构授权" in page.text

    invited = client.post("/enterprise/members", data=MEMBER, follow_redirects=True)
    assert "邀请邮件已发送" in invited.text and "王静" in invited.text
    taken = client.post("/enterprise/members", data=MEMBER)
    assert "该用户名已被使用" in refused_page(client, taken)
    with Session(engine) as session:
        member = session.exec(select(User).where(User.username == "wangjing")).one()
    disabled = client.post(f"/enterprise/members/{member.id}/disable", follow_redirects=True)
    assert "已停用该用户" in disabled.text and "已停用</td>" in disabled.text

    granted = client.post("/enterprise/agents", data={"agent_uscc": agent_uscc},
                          follow_redirects=True)  # fmt: skip
    assert "已授权该代理机构" in granted.text and "河南中环评价咨询有限公司" in granted.text

    assert page_login(client, "daili", PASSWORD).status_code == 303
    agent_page = client.get("/enterprise")
    principals = agent_page.text.split('id="principals"')[1]
    assert "郑州绿源精密机械有限公司" in principals
    form = client.get("/apply/EIA-01").text
    assert 'name="on_behalf_of"' in form and "郑州绿源精密机械有限公司（代为申请）" in form
