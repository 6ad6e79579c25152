"""The OpenAPI says what is sent: typed success bodies, every error status with the project's
error body (not FastAPI's ``detail``), files declared as files."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import sign_in

ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    ]


def is_typed(schema: dict[str, Any]) -> bool:
    """A $ref, a list of $refs, or a file: not a free-form object."""
    if "$ref" in schema or schema.get("format") == "binary":
        return True
    if schema.get("type") == "array":
        return is_typed(schema["items"])
    return schema.get("type") == "string"


def test_every_success_response_is_typed(openapi: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in operations(openapi):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            contents = response.get("content", {})
            if not contents or not all(is_typed(c.get("schema", {})) for c in contents.values()):
                untyped.append(f"{method.upper()} {path} {status}")
    assert untyped == []
    assert len(operations(openapi)) >= 50


def test_error_statuses_are_declared_with_the_error_body(openapi: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    assert set(openapi["components"]["schemas"]["ErrorBody"]["required"]) == {
        "error",
        "message",
        "message_en",
        "details",
    }
    for method, path, operation in operations(openapi):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, status)
    accept = openapi["paths"]["/api/applications/{application_id}/accept"]["post"]["responses"]
    assert {"401", "403", "404", "409", "412", "422"} <= set(accept)
    upload = openapi["paths"]["/api/applications/{application_id}/materials/{material_code}"]
    assert {"400", "413", "415"} <= set(upload["put"]["responses"])
    token = openapi["paths"]["/api/auth/token"]["post"]["responses"]
    assert "Retry-After" in token["429"]["headers"] and "403" not in token
    assert "401" not in openapi["paths"]["/api/items"]["get"]["responses"]  # public


def test_the_declared_422_is_the_body_sent(client: TestClient) -> None:
    response = client.post(
        "/api/applications", json={"item_code": "nope"}, headers=sign_in(client, "qiye")
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error", "message", "message_en", "details"} and "detail" not in body
    assert {p["field"] for p in body["details"]["problems"]} >= {"item_code", "project_name"}


def test_files_are_declared_as_files(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    for path in (
        "/api/applications/{application_id}/documents/{document_id}/pdf",
        "/api/applications/{application_id}/materials/{material_id}/file",
        "/api/applications/{application_id}/commitment/letter.pdf",
    ):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert content == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    for path in ("/api/audit/turnaround", "/api/audit/stages", "/api/audit/commitment"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == {
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        sheet = content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        assert sheet["schema"]["format"] == "binary"


def test_commitment_and_joint_review_are_typed(openapi: dict[str, Any]) -> None:
    def ok_schema(path: str, method: str, status: str = "200") -> dict[str, Any]:
        response = openapi["paths"][path][method]["responses"][status]
        return response["content"]["application/json"]["schema"]

    assert ok_schema("/api/applications/{application_id}/commitment", "get") == {
        "$ref": "#/components/schemas/CommitmentView"
    }
    panels = ok_schema("/api/applications/{application_id}/joint-review", "get")
    assert panels["items"] == {"$ref": "#/components/schemas/PanelView"}
    panel = openapi["components"]["schemas"]["PanelView"]
    assert "seed" not in panel["required"] and "seed" in panel["properties"]
    assert "仅工作人员" in panel["properties"]["seed"]["description"]


def test_a_cases_actions_are_an_enumeration_and_material_codes_say_where_to_find_them(
    openapi: dict[str, Any],
) -> None:
    schemas = openapi["components"]["schemas"]
    for name in ("ApplicationPublic", "ApplicationDetail"):
        enum = schemas[name]["properties"]["actions"]["items"]["enum"]
        assert {"accept", "sign", "submit", "start_joint_review"} <= set(enum)
    upload = openapi["paths"]["/api/applications/{application_id}/materials/{material_code}"]
    code = next(p for p in upload["put"]["parameters"] if p["name"] == "material_code")
    assert "/api/reference/items/" in code["description"]


def test_every_operation_declares_the_database_outage(openapi: dict[str, Any]) -> None:
    """api.errors answers 503 service_unavailable with Retry-After on any operation while the
    database is down (tests/integration/test_faults_postgres.py): each operation declares it."""
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(openapi)
        if operation["responses"].get("503", {}).get("content", {}).get("application/json", {})
        != {"schema": {"$ref": ERROR_REF}}
        or "Retry-After" not in operation["responses"]["503"].get("headers", {})
    ]
    assert missing == []
