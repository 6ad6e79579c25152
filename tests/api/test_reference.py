"""The enumerations an integrator needs are discoverable through the API, public and free of
anything internal (research notes, evidence markers, sources, boundaries)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import PROJECT, create_submitted, sign_in

INTERNAL_KEYS = {"evidence", "sources", "source", "boundary", "inferred_note", "polygons"}
INTERNAL_WORDS = ("inferred", "placeholder", "http", "todo", "verify")


def internal(value: Any) -> list[str]:
    """Keys and words of the research data found anywhere in ``value``."""
    if isinstance(value, dict):
        found = [k for k in value if k in INTERNAL_KEYS]
        return found + [w for v in value.values() for w in internal(v)]
    if isinstance(value, list):
        return [w for v in value for w in internal(v)]
    return [w for w in INTERNAL_WORDS if isinstance(value, str) and w in value.lower()]


def get(client: TestClient, path: str) -> Any:
    response = client.get(path)  # no sign-in: public
    assert response.status_code == 200, response.text
    assert internal(response.json()) == [], path
    return response.json()


def test_the_16_districts_industries_scope_and_parks_are_listed(client: TestClient) -> None:
    districts = [d["name"] for d in get(client, "/api/reference/districts")]
    assert len(districts) == 16 and PROJECT["district"] in districts
    industries = get(client, "/api/reference/industries")
    assert len(industries) == 97
    machine_tools = next(d for d in industries if d["code"] == "34")
    assert machine_tools["section"] == "C" and any(
        g["code"] == PROJECT["industry_code"][:3] for g in machine_tools["groups"]
    )
    scope = get(client, "/api/reference/commitment-scope")
    categories = scope["categories"]
    assert len(categories) == 10 and sum(len(c["types"]) for c in categories) == 27
    parks = get(client, "/api/reference/parks")
    assert parks and all(set(p["districts"]) <= set(districts) for p in parks)


def test_an_items_material_codes_are_the_ones_the_upload_takes(client: TestClient) -> None:
    materials = get(client, "/api/reference/items/EIA-01/materials")
    codes = {m["code"] for m in materials if m["required"]}
    case = create_submitted(client, sign_in(client, "qiye"))  # uploads every required code
    detail = client.get(f"/api/applications/{case['id']}", headers=sign_in(client, "qiye"))
    assert codes and codes <= {m["material_code"] for m in detail.json()["materials"]}
    assert client.get("/api/reference/items/XX-99/materials").status_code == 404


def test_every_action_a_person_takes_names_an_endpoint_that_exists(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    actions = get(client, "/api/reference/actions")
    for action in actions:
        if action["role"] is None:
            assert action["path"] is None, action
        else:
            assert action["method"].lower() in paths[action["path"]], action
    case = create_submitted(client, sign_in(client, "qiye"))
    offered = client.get(f"/api/applications/{case['id']}", headers=sign_in(client, "shouli"))
    by_name = {a["action"]: a for a in actions}
    assert set(offered.json()["actions"]) == {"accept", "request_correction", "refuse"}
    assert by_name["accept"]["path"] == "/api/applications/{application_id}/accept"


def test_the_statuses_say_which_steps_run_by_themselves(client: TestClient) -> None:
    statuses = {s["status"]: s for s in get(client, "/api/reference/statuses")}
    assert {s for s, v in statuses.items() if v["automated"]} == {
        "accepted",
        "issuing",
        "filing",
        "revoking",
    }
    assert statuses["issuing"]["next_role"] is None and statuses["signing"]["next_role"] == "leader"
    json.dumps(statuses)
