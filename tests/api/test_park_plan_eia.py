"""An unverified placeholder never reaches a notice: a project in a park whose plan EIA could
not be verified is converted with a 转为一般程序审批告知书 that says so, and states no status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from approvals.commitment.scope import PlanEiaStatus, shared_parks
from flows.runtime import Runtime
from tests.api.test_commitment import _draft, _text
from tests.e2e.test_pages import page_login
from tests.helpers import sign_in

XINMI = "河南新密经济开发区"


def test_the_conversion_notice_says_the_plan_eia_was_not_verified_and_states_no_placeholder(
    client: TestClient, runtime: Runtime
) -> None:
    park = shared_parks().find(XINMI)
    assert park is not None and park.plan_eia.status is PlanEiaStatus.UNKNOWN
    applicant = sign_in(client, "qiye")
    case_id = _draft(
        client, applicant, {"park_name": XINMI, "longitude": 113.38, "latitude": 34.53}
    )
    view = client.get(f"/api/applications/{case_id}/commitment", headers=applicant).json()
    assert [f["reason"] for f in view["findings"]] == ["park_plan_eia_unverified"]

    submitted = client.post(f"/api/applications/{case_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    detail = client.get(f"/api/applications/{case_id}", headers=applicant).json()
    assert detail["item_code"] == "EIA-02"  # converted to the standard review
    notice = next(d for d in detail["documents"] if d["kind"] == "conversion_notice")
    text = _text(client, notice["download_url"], applicant)
    assert f"所在园区（{XINMI}）规划环评审查情况未能核实" in text
    for placeholder in (
        "未通过审查",
        "尚未开展",
        "PLACEHOLDER",
        "placeholder",
        "占位",
        "not_passed",
    ):
        assert placeholder not in text, placeholder


def test_the_park_list_an_applicant_chooses_from_states_only_confirmed_plan_eia_facts(
    client: TestClient,
) -> None:
    applicant = sign_in(client, "qiye")
    case_id = _draft(client, applicant, {"park_name": XINMI})
    page_login(client, "qiye")
    page = client.get(f"/cases/{case_id}").text
    assert f"{XINMI}（省级·规划环评审查情况未能核实）" in page
    assert "郑州经济技术开发区（国家级）" in page  # an assumed pass is not stated
    assert "规划环评已于2023年8月7日通过审查" in page  # 上街: found, with its date
