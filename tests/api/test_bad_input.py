"""Bad input at the edge: a clear 4xx with a Chinese and an English message, nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.body_limit import MULTIPART_OVERHEAD
from flows.runtime import Runtime
from models import Application, Material, SerialCounter, Status
from tests.api.case_checks import case_state, expect_error, headers_for, row_count
from tests.helpers import (
    PROJECT,
    create_submitted,
    minimal_pdf,
    page_login,
    required_materials,
)

MB = 1024 * 1024


@pytest.fixture
def applicant(client: TestClient) -> dict[str, str]:
    return headers_for(client, "qiye")


@pytest.fixture
def draft_id(client: TestClient, applicant: dict[str, str]) -> int:
    created = client.post("/api/applications", json=PROJECT, headers=applicant)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _stored_objects(runtime: Runtime) -> list[str]:
    root = runtime.settings.resolved_storage_dir
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def _assert_nothing_uploaded(runtime: Runtime, draft_id: int) -> None:
    state = case_state(runtime.engine, draft_id)
    assert (state.status, state.version, state.materials, state.events) == (Status.DRAFT, 0, 0, 0)
    assert _stored_objects(runtime) == []


def test_a_non_pdf_with_a_pdf_name_is_refused_with_415(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    response = client.put(
        f"/api/applications/{draft_id}/materials/report_full_text",
        files={"file": ("报告书.pdf", b"MZ\x90\x00 this is a Windows program", "application/pdf")},
        headers=applicant,
    )
    body = expect_error(response, 415, "upload_rejected")
    assert "%PDF-" in body["message_en"]
    _assert_nothing_uploaded(runtime, draft_id)


def test_an_upload_declared_over_the_limit_is_refused_from_its_content_length(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    request_limit = runtime.settings.max_upload_bytes + MULTIPART_OVERHEAD  # one file
    big = b"%PDF-1.4\n" + b"0" * request_limit + b"\n%%EOF\n"
    response = client.put(
        f"/api/applications/{draft_id}/materials/report_full_text",
        files={"file": ("报告书.pdf", big, "application/pdf")},
        headers=applicant,
    )
    assert int(response.request.headers["content-length"]) > request_limit
    body = expect_error(response, 413, "payload_too_large")
    assert body["message"] == "文件超过大小上限（2 MB）"
    # The middleware answered, from the header alone.
    assert body["message_en"] == f"the request body exceeds {request_limit} bytes"
    assert body["details"] == {"limit": 2 * MB, "request_limit": request_limit}
    _assert_nothing_uploaded(runtime, draft_id)


def test_a_streamed_upload_without_content_length_is_cut_off_at_the_limit(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    boundary = "eia-test-boundary-7f3a"

    def chunked_body() -> Iterator[bytes]:
        yield (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        yield b"%PDF-1.4\n"
        for _ in range(3):
            yield b"0" * MB
        yield f"\n%%EOF\r\n--{boundary}--\r\n".encode()

    response = client.put(
        f"/api/applications/{draft_id}/materials/report_full_text",
        content=chunked_body(),
        headers=applicant | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in response.request.headers
    body = expect_error(response, 413, "payload_too_large")
    # Cut off by the body limit as the bytes arrived (api.body_limit), not after reading it all.
    assert body["message_en"] == f"the request body exceeds {2 * MB + MULTIPART_OVERHEAD} bytes"
    _assert_nothing_uploaded(runtime, draft_id)


def test_a_file_under_the_request_limit_but_over_the_file_cap_is_still_413(
    client: TestClient, runtime: Runtime
) -> None:
    # The apply form may carry every material of the item (its request limit is their sum):
    # one 2.5 MB file passes that limit, and the per-file reader stops it; the form comes
    # back (post/redirect/get) naming the material.
    assert page_login(client, "qiye").status_code == 303
    data = b"%PDF-1.4\n" + b"0" * (MB * 5 // 2) + b"\n%%EOF\n"
    response = client.post(
        "/apply/EIA-01",
        data={k: v for k, v in PROJECT.items() if k != "item_code"},
        files={"file_report_full_text": ("report.pdf", data, "application/pdf")},
    )
    assert response.status_code == 200 and response.url.path == "/apply/EIA-01"
    assert response.history[0].status_code == 303
    assert "」文件超过大小上限（2 MB）" in response.text
    _assert_nothing_created(runtime)


def test_a_file_name_with_forbidden_characters_is_refused_with_415(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    response = client.put(
        f"/api/applications/{draft_id}/materials/report_full_text",
        files={"file": ("报告<书>?.pdf", minimal_pdf(), "application/pdf")},
        headers=applicant,
    )
    body = expect_error(response, 415, "upload_rejected")
    assert body["message_en"] == "the file name contains forbidden characters"
    _assert_nothing_uploaded(runtime, draft_id)


def test_a_path_in_an_uploaded_file_name_is_reduced_to_its_base_name(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    response = client.put(
        f"/api/applications/{draft_id}/materials/report_full_text",
        files={"file": ("../../etc/环评报告书.pdf", minimal_pdf(), "application/pdf")},
        headers=applicant,
    )
    assert response.status_code == 200, response.text
    assert response.json()["filename"] == "环评报告书.pdf"
    (key,) = _stored_objects(runtime)
    assert key.startswith("applications/") and ".." not in key


def test_submitting_without_required_materials_is_422_and_lists_them(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    item = client.get("/api/items/EIA-01").json()
    names = {m["code"]: m["name"] for m in item["materials"]}
    left_out = ["report_full_text", "business_licence"]
    for code in required_materials(client, "EIA-01"):
        if code not in left_out:
            uploaded = client.put(
                f"/api/applications/{draft_id}/materials/{code}",
                files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
                headers=applicant,
            )
            assert uploaded.status_code == 200, uploaded.text
    before = case_state(runtime.engine, draft_id)

    response = client.post(f"/api/applications/{draft_id}/submit", headers=applicant)

    body = expect_error(response, 422, "invalid_input")
    assert body["details"]["missing"] == [names[c] for c in left_out]
    assert all(names[c] in body["message"] for c in left_out)
    assert case_state(runtime.engine, draft_id) == before
    assert before.status is Status.DRAFT and before.events == 0


UNAVAILABLE_ITEMS = {
    "OT-02": "(abolished)",
    "HW-10": "(provincial)",
    "OT-09": "(abolished)",  # completion acceptance: builders self-accept since 2017
}
BAD_PROJECT_DATA: list[tuple[dict[str, Any], str]] = [
    ({"district": "海淀区"}, "not a district of Zhengzhou"),
    ({"industry_code": "98"}, "no division '98'"),
    ({"industry_code": "B3670"}, "is in section C, not B"),
    ({"env_investment": "12000.01"}, "环保投资不能大于总投资"),
    ({"unexpected": "x"}, "Extra inputs are not permitted"),
]


def _assert_nothing_created(runtime: Runtime) -> None:
    assert row_count(runtime.engine, Application) == 0
    assert row_count(runtime.engine, SerialCounter) == 0  # no number was taken either


def test_items_that_cannot_be_applied_for_are_422_item_not_available(
    client: TestClient, runtime: Runtime, applicant: dict[str, str]
) -> None:
    for item_code, why in UNAVAILABLE_ITEMS.items():
        response = client.post(
            "/api/applications", json=PROJECT | {"item_code": item_code}, headers=applicant
        )
        body = expect_error(response, 422, "item_not_available")
        assert why in body["message_en"], item_code
    _assert_nothing_created(runtime)


def test_a_create_with_bad_project_data_is_422_and_creates_nothing(
    client: TestClient, runtime: Runtime, applicant: dict[str, str]
) -> None:
    for overrides, fragment in BAD_PROJECT_DATA:
        response = client.post("/api/applications", json=PROJECT | overrides, headers=applicant)
        body = expect_error(response, 422, "invalid_input")
        assert fragment in body["message_en"] + str(body["details"]), overrides
    _assert_nothing_created(runtime)


def test_an_unknown_item_code_is_422_item_not_available(
    client: TestClient, runtime: Runtime, applicant: dict[str, str]
) -> None:
    response = client.post(
        "/api/applications", json=PROJECT | {"item_code": "XX-99"}, headers=applicant
    )
    expect_error(response, 422, "item_not_available")
    full_width = client.post(  # full-width digits do not pass the code's pattern at all
        "/api/applications", json=PROJECT | {"item_code": "EIA-０１"}, headers=applicant
    )
    expect_error(full_width, 422, "invalid_input")
    _assert_nothing_created(runtime)


def test_the_same_idempotency_key_twice_creates_one_application(
    client: TestClient, runtime: Runtime, applicant: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "create-3f1c9a"}
    first = client.post("/api/applications", json=PROJECT, headers=applicant | key)
    retry = client.post("/api/applications", json=PROJECT, headers=applicant | key)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["number"] == first.json()["number"]
    assert row_count(runtime.engine, Application) == 1
    other = client.post("/api/applications", json=PROJECT, headers=applicant)
    assert other.status_code == 201
    assert other.json()["number"].endswith("-0002")  # the retry consumed no serial number


def test_a_stale_if_match_version_on_accept_is_412_and_the_case_stays_submitted(
    client: TestClient, runtime: Runtime, applicant: dict[str, str]
) -> None:
    case = create_submitted(client, applicant)
    intake = headers_for(client, "shouli")
    before = case_state(runtime.engine, case["id"])
    assert before.version == 1

    stale = client.post(
        f"/api/applications/{case['id']}/accept", headers=intake | {"If-Match": "0"}
    )

    expect_error(stale, 412, "precondition_failed")
    assert case_state(runtime.engine, case["id"]) == before
    assert before.status is Status.SUBMITTED and before.documents == 0
    current = client.post(
        f"/api/applications/{case['id']}/accept", headers=intake | {"If-Match": "1"}
    )
    assert current.status_code == 200, current.text
    assert row_count(runtime.engine, Material) == before.materials


def test_a_refused_upload_leaves_no_object_in_the_store(
    client: TestClient, runtime: Runtime, applicant: dict[str, str], draft_id: int
) -> None:
    submitted_id = create_submitted(client, applicant)["id"]
    refused = [
        (submitted_id, "report_full_text", "draft or a case awaiting correction"),
        (draft_id, "no_such_material", "is not a material of item EIA-01"),
    ]
    for case_id, material_code, why in refused:
        objects_before = _stored_objects(runtime)
        state_before = case_state(runtime.engine, case_id)

        response = client.put(
            f"/api/applications/{case_id}/materials/{material_code}",
            files={"file": ("迟交.pdf", minimal_pdf(material_code), "application/pdf")},
            headers=applicant,
        )

        assert why in expect_error(response, 422, "invalid_input")["message_en"]
        assert case_state(runtime.engine, case_id) == state_before
        assert _stored_objects(runtime) == objects_before, material_code
