"""Who may do what, and when: out of turn is 409, someone else's role is 403, someone else's
case is 404 (its existence does not leak), no or a bad token is 401."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session, select

from approvals import sessions
from flows.runtime import Runtime
from models import Document, DocumentKind, Status, User
from tests.api.case_checks import add_other_applicant, case_state, expect_error, headers_for
from tests.api.case_driving import accept, to_signing
from tests.helpers import PROJECT, create_submitted, minimal_pdf, sign_in


def test_accepting_a_draft_is_acting_out_of_turn_409(client: TestClient, runtime: Runtime) -> None:
    created = client.post("/api/applications", json=PROJECT, headers=headers_for(client, "qiye"))
    case_id = created.json()["id"]
    before = case_state(runtime.engine, case_id)

    response = client.post(
        f"/api/applications/{case_id}/accept", headers=headers_for(client, "shouli")
    )

    body = expect_error(response, 409, "invalid_transition")
    assert body["details"] == {"status": "draft", "action": "accept"}
    assert case_state(runtime.engine, case_id) == before
    assert before.status is Status.DRAFT


def test_signing_a_submitted_case_is_acting_out_of_turn_409(
    client: TestClient, runtime: Runtime
) -> None:
    case_id = create_submitted(client, headers_for(client, "qiye"))["id"]
    before = case_state(runtime.engine, case_id)

    response = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )

    expect_error(response, 409, "invalid_transition")
    assert case_state(runtime.engine, case_id) == before
    assert before.status is Status.SUBMITTED


def test_the_applicant_accepting_its_own_case_is_403(client: TestClient, runtime: Runtime) -> None:
    applicant = headers_for(client, "qiye")
    case_id = create_submitted(client, applicant)["id"]
    before = case_state(runtime.engine, case_id)

    response = client.post(f"/api/applications/{case_id}/accept", headers=applicant)

    expect_error(response, 403, "permission_denied")
    assert case_state(runtime.engine, case_id) == before
    expect_error(client.get("/api/queue", headers=applicant), 403, "permission_denied")


def test_a_case_officer_signing_is_409_out_of_turn_and_403_when_it_is_the_leaders_turn(
    client: TestClient, runtime: Runtime
) -> None:
    officer = headers_for(client, "chengban")
    case_id = create_submitted(client, headers_for(client, "qiye"))["id"]
    early = client.post(f"/api/applications/{case_id}/sign", json={}, headers=officer)
    expect_error(early, 409, "invalid_transition")

    to_signing(client, case_id)
    before = case_state(runtime.engine, case_id)
    in_turn = client.post(f"/api/applications/{case_id}/sign", json={}, headers=officer)

    expect_error(in_turn, 403, "permission_denied")
    assert case_state(runtime.engine, case_id) == before
    assert before.status is Status.SIGNING
    with Session(runtime.engine) as session:
        kinds = session.exec(select(Document.kind).where(Document.application_id == case_id))
        assert list(kinds) == [DocumentKind.ACCEPTANCE_NOTICE]


def test_another_enterprises_applicant_gets_404_for_a_case_and_its_files(
    client: TestClient, runtime: Runtime
) -> None:
    owner = headers_for(client, "qiye")
    case = create_submitted(client, owner)
    case_id = case["id"]
    accept(client, case_id)
    detail = client.get(f"/api/applications/{case_id}", headers=owner).json()
    document_url = detail["documents"][0]["download_url"]
    material_id = detail["materials"][0]["id"]
    assert client.get(document_url, headers=owner).status_code == 200
    add_other_applicant(runtime.engine, "minjiang", "another-password-1")
    other = sign_in(client, "minjiang", "another-password-1")
    before = case_state(runtime.engine, case_id)

    read = client.get(f"/api/applications/{case_id}", headers=other)
    missing = client.get("/api/applications/999999", headers=other)
    assert expect_error(read, 404, "not_found")["message_en"] == f"application {case_id} not found"
    assert expect_error(missing, 404, "not_found")["message_en"] == "application 999999 not found"
    for response in (
        client.get(document_url, headers=other),
        client.get(f"/api/applications/{case_id}/materials/{material_id}/file", headers=other),
        client.post(f"/api/applications/{case_id}/submit", headers=other),
        client.put(
            f"/api/applications/{case_id}/materials/report_full_text",
            files={"file": ("x.pdf", minimal_pdf(), "application/pdf")},
            headers=other,
        ),
    ):
        expect_error(response, 404, "not_found")
    assert client.get("/api/applications", headers=other).json() == []
    assert [c["number"] for c in client.get("/api/applications", headers=owner).json()] == [
        case["number"]
    ]
    assert case_state(runtime.engine, case_id) == before


def test_a_request_without_a_token_is_401_with_www_authenticate(client: TestClient) -> None:
    for response in (
        client.get("/api/me"),
        client.get("/api/applications"),
        client.post("/api/applications/1/accept"),
    ):
        body = expect_error(response, 401, "not_authenticated")
        assert response.headers["www-authenticate"] == "Bearer"
        assert body["message"] == "请先登录"


def _flip_signature(token: str) -> str:
    head, signature = token.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    return f"{head}.{first}{signature[1:]}"


def test_a_tampered_foreign_or_revoked_token_is_401(client: TestClient, runtime: Runtime) -> None:
    token = headers_for(client, "qiye")["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    payload, rest = token.split(".", 1)
    forged_payload = URLSafeTimedSerializer("x", salt="x").dumps({"u": 2, "g": 0}).split(".")[0]
    foreign_key = URLSafeTimedSerializer("some-other-secret-key-000", salt="eia-auth-token")
    tampered = [
        # signature changed in its first character: the last one of unpadded base64 can carry
        # unused bits, so changing it does not always change the signature
        _flip_signature(token),
        f"{forged_payload}.{rest}",  # payload swapped under the old signature
        foreign_key.dumps({"u": 1, "g": 0}),  # signed with another secret
        "not-a-token",
    ]
    for bad in tampered:
        response = client.get("/api/me", headers={"Authorization": f"Bearer {bad}"})
        body = expect_error(response, 401, "not_authenticated")
        assert response.headers["www-authenticate"] == "Bearer"
        assert body["message_en"] == "the token is invalid"
    assert payload  # the real token had a payload part to swap

    with Session(runtime.engine) as session:  # e.g. a password change ends every session
        user = session.exec(select(User).where(User.username == "qiye")).one()
        assert user.id is not None
        assert sessions.revoke_all(session, user.id, datetime.now(UTC), "password_changed") == 1
        session.commit()
    revoked = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    body = expect_error(revoked, 401, "not_authenticated")
    assert body["message_en"] == "the session has ended"
