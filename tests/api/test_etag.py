"""A case's version is its ETag; the staff actions take it back as If-Match (412 on mismatch)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.case_checks import case_state, expect_error
from tests.helpers import create_submitted, sign_in


def test_the_etag_is_the_version_and_if_match_guards_the_action(
    client: TestClient, seeded: Engine
) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    intake = sign_in(client, "shouli")
    read = client.get(f"/api/applications/{case['id']}", headers=intake)
    assert read.status_code == 200
    version = read.json()["version"]
    assert (
        read.headers["ETag"] == f'"{version}"' and version == case_state(seeded, case["id"]).version
    )

    for stale in (f'"{version - 1}"', f'W/"{version}"', "garbage", f'"{version + 1}", "99"'):
        refused = client.post(
            f"/api/applications/{case['id']}/accept", headers=intake | {"If-Match": stale}
        )
        body = expect_error(refused, 412, "precondition_failed")
        assert body["details"]["current"] == f'"{version}"'
        assert case_state(seeded, case["id"]).status.value == "submitted"

    accepted = client.post(
        f"/api/applications/{case['id']}/accept",
        headers=intake | {"If-Match": f'"{version - 1}", "{version}"'},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["version"] > version
    after = client.get(f"/api/applications/{case['id']}", headers=intake)
    assert after.headers["ETag"] == f'"{after.json()["version"]}"'  # the flow moved it on
    assert after.json()["version"] >= accepted.json()["version"]


def test_if_match_on_a_case_the_caller_cannot_see_is_404_not_412(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    refused = client.post(
        f"/api/applications/{case['id'] + 1000}/accept",
        headers=sign_in(client, "shouli") | {"If-Match": '"1"'},
    )
    expect_error(refused, 404, "not_found")


def test_the_contract_declares_etag_and_412(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    read = paths["/api/applications/{application_id}"]["get"]["responses"]["200"]
    assert read["headers"]["ETag"]["required"] is True
    sign = paths["/api/applications/{application_id}/sign"]["post"]
    assert "412" in sign["responses"]
    assert [p["name"] for p in sign["parameters"]].count("application_id") == 1
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in sign["parameters"])
