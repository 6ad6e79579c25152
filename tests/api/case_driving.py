"""Moving a case along the standard review through the API, as each role would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.case_checks import headers_for
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app

APPROVE = {"outcome": "approve", "conditions": ["落实废气治理措施，颗粒物排放执行GB 16297-1996。"]}
DENY = {
    "outcome": "deny",
    "reasons": "项目选址位于饮用水水源二级保护区内，不符合《水污染防治法》第六十六条规定。",
    "legal_grounds": "《建设项目环境保护管理条例》第十一条第（一）项",
}


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def accept(client: TestClient, case_id: int) -> dict[str, Any]:
    """受理; the in-process flow issues the 受理通知书 and moves the case to drafting."""
    return _ok(
        client.post(f"/api/applications/{case_id}/accept", headers=headers_for(client, "shouli"))
    )


def draft(client: TestClient, case_id: int, decision: dict[str, Any] = APPROVE) -> dict[str, Any]:
    """The officer's draft, once the case's 受理公示 has run out (moved back, not waited for)."""
    end_notices_of_app(client.app, case_id)
    return _ok(
        client.post(
            f"/api/applications/{case_id}/decision",
            json=decision,
            headers=headers_for(client, "chengban"),
        )
    )


def approve_draft(client: TestClient, case_id: int) -> dict[str, Any]:
    return _ok(
        client.post(
            f"/api/applications/{case_id}/review/approve",
            json={},
            headers=headers_for(client, "kezhang"),
        )
    )


def to_signing(
    client: TestClient, case_id: int, decision: dict[str, Any] = APPROVE
) -> dict[str, Any]:
    """From submitted to waiting for the leader's sign-off."""
    accept(client, case_id)
    draft(client, case_id, decision)
    signing = approve_draft(client, case_id)
    assert signing["status"] == "signing"
    agree_and_end_pre_approval(client, case_id)
    return signing
