"""Administration over JSON: the same audited functions as the /admin pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.db import session_scope
from models import AuditEvent
from tests.helpers import sign_in


def test_the_administrator_keeps_staff_and_experts_over_the_api(
    client: TestClient, engine: Engine
) -> None:
    admin = sign_in(client, "admin")
    created = client.post(
        "/api/admin/users",
        json={"username": "li.na", "display_name": "李娜（受理窗口）",
              "email": "lina@sthjj.example", "role": "intake_officer"},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    moved = client.put(f"/api/admin/users/{user_id}/role", json={"role": "leader"}, headers=admin)
    assert moved.status_code == 200 and moved.json()["role"] == "leader"
    bad = client.put(f"/api/admin/users/{user_id}/role", json={"role": "expert"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["message"] == "请选择工作人员角色"
    off = client.put(f"/api/admin/users/{user_id}/active", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert any(
        u["username"] == "li.na" for u in client.get("/api/admin/users", headers=admin).json()
    )

    expert = client.post(
        "/api/admin/experts",
        json={"username": "zj_api", "name": "周敏", "title": "研究员", "employer": "河南大学",
              "email": "zhoumin@zhuanjia.example", "specialties": ["noise"], "group_no": 3},
        headers=admin,
    )  # fmt: skip
    assert expert.status_code == 201, expert.text
    expert_id = expert.json()["id"]
    retired = client.post(f"/api/admin/experts/{expert_id}/retire", headers=admin)
    assert retired.status_code == 200 and retired.json()["retired"] is True
    with session_scope(engine) as session:
        actions = set(session.exec(select(AuditEvent.action)))
    assert {"staff_created", "staff_role_changed", "staff_disabled", "expert_added",
            "expert_retired"} <= actions  # fmt: skip

    clerk = sign_in(client, "shouli")
    assert client.get("/api/admin/users", headers=clerk).status_code == 403
    assert client.post(f"/api/admin/experts/{expert_id}/retire", headers=clerk).status_code == 403
