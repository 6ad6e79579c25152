"""Data in and out through the API: the project code and preparers an EIA application
declares, the credit platform's lists at intake (a listed consultancy is refused with the list's
date; an ended listing is a warning), the national report and the project-code push queued with
the decision and delivered with retries, and the 失信记分 export."""

from __future__ import annotations

import json
import shutil
from typing import Any

from fastapi.testclient import TestClient

from approvals.uscc import check_character
from flows.exchange import relay_exchange
from flows.runtime import Runtime
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import accept, to_signing
from tests.helpers import PROJECT

CONSULTANCY = "91410100MA44AB12C"
CONSULTANCY += check_character(CONSULTANCY)
CODE = "2025-410122-04-01-600123"
LISTED = f"某某环评公司,{CONSULTANCY},编制质量严重问题,2026-06-01,2031-05-31\n"
ENDED = f"某某环评公司,{CONSULTANCY},记分达到限制分数,2024-01-01,2024-07-01\n"
EXPORT = "/api/exchange/credit-observations/export"


def QIYE(client: TestClient) -> dict[str, str]:
    return headers_for(client, "qiye")


def SHOULI(client: TestClient) -> dict[str, str]:
    return headers_for(client, "shouli")


def LINGDAO(client: TestClient) -> dict[str, str]:
    return headers_for(client, "lingdao")


def CHENGBAN(client: TestClient) -> dict[str, str]:
    return headers_for(client, "chengban")


def _declare(client: TestClient, case_id: int, **changes: Any) -> Any:
    body = {
        "project_code": CODE,
        "consultancy_uscc": CONSULTANCY,
        "consultancy_name": "河南绿评环境技术有限公司",
        "engineers": [{"name": "张工", "number": "BH012345"}],
    } | changes
    return client.put(
        f"/api/applications/{case_id}/declaration", json=body, headers=headers_for(client, "qiye")
    )


def _draft(client: TestClient) -> int:
    created = client.post("/api/applications", json=PROJECT, headers=QIYE(client))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _load(client: TestClient, kind: str, rows: str, list_date: str = "2026-11-01") -> Any:
    csv = "单位名称,统一社会信用代码,失信行为,起始日期,截止日期\n" + rows
    return client.post(
        "/api/admin/credit-lists",
        data={"kind": kind, "list_date": list_date},
        files={"file": ("export.csv", csv.encode("utf-8-sig"), "text/csv")},
        headers=headers_for(client, "kezhang"),
    )


def test_the_declaration_checks_the_code_its_region_and_asks_the_platform(
    client: TestClient, runtime: Runtime
) -> None:
    case_id = _draft(client)
    assert expect_error(_declare(client, case_id, project_code="2025-410122-04-01"), 422,
                        "invalid_input")["message"].startswith("项目代码格式不正确")  # fmt: skip
    outside = _declare(client, case_id, project_code="2025-410300-04-01-600123")
    assert "不在本局辖区" in expect_error(outside, 422, "invalid_input")["message"]
    bad_uscc = _declare(client, case_id, consultancy_uscc="91410100MA44AB12CX")
    assert bad_uscc.status_code == 422

    declared = _declare(client, case_id)
    assert declared.status_code == 200, declared.text
    assert declared.json()["platform_found"] is False  # no known projects yet

    known = runtime.settings.var_dir / "exchange" / "projects.csv"
    known.parent.mkdir(parents=True, exist_ok=True)
    known.write_text(f"code,name,builder,region\n{CODE},数控机床项目,郑州绿源,410122\n")
    again = _declare(client, case_id, project_code="2025-410300-04-01-600123",
                     region_reason="洛阳厂区技改，由本局受理")  # fmt: skip
    assert again.status_code == 200 and again.json()["platform_found"] is False
    assert _declare(client, case_id).json()["platform_found"] is True
    shown = client.get(
        f"/api/applications/{case_id}/declaration", headers=headers_for(client, "qiye")
    )
    assert shown.json()["project_code"] == CODE


def test_a_blacklisted_consultancy_is_refused_at_intake_with_the_list_date(
    client: TestClient,
) -> None:
    case_id = _draft(client)
    assert _declare(client, case_id).status_code == 200
    applicant = headers_for(client, "qiye")
    for code in [
        m["code"]
        for m in client.get(f"/api/items/{PROJECT['item_code']}").json()["materials"]
        if m["required"]
    ]:
        from tests.helpers import minimal_pdf

        client.put(f"/api/applications/{case_id}/materials/{code}",
                   files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
                   headers=applicant)  # fmt: skip
    assert client.post(f"/api/applications/{case_id}/submit", headers=applicant).status_code == 200

    loaded = _load(
        client, "blacklist", f"某某环评公司,{CONSULTANCY},编制质量严重问题,2026-06-01,2031-05-31\n"
    )
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["version"] == 1 and loaded.json()["entries"] == 1

    refused = client.post(
        f"/api/applications/{case_id}/accept", headers=headers_for(client, "shouli")
    )
    body = expect_error(refused, 409, "intake_refused")
    assert "失信“黑名单”" in body["message"] and "名单日期2026-11-01" in body["message"]
    assert "不予受理" in body["message"]
    check = client.get(
        f"/api/applications/{case_id}/intake-check", headers=headers_for(client, "shouli")
    )
    assert check.json()["refusals"] and "编制质量严重问题" in check.json()["refusals"][0]

    # a new version that no longer lists it: the latest version is what counts
    cleared = _load(client, "blacklist", "另一公司,91410100MA00000000,原因,2026-01-01,2027-01-01\n",
                    "2026-11-15")  # fmt: skip
    assert cleared.json()["version"] == 2
    assert accept(client, case_id)["status"] in ("accepted", "drafting")


def test_an_ended_listing_within_the_publication_window_is_a_warning(client: TestClient) -> None:
    case_id = _draft(client)
    assert _declare(client, case_id).status_code == 200
    _load(
        client,
        "rectification",
        f"某某环评公司,{CONSULTANCY},记分达到限制分数,2024-01-01,2024-07-01\n",
    )
    check = client.get(
        f"/api/applications/{case_id}/intake-check", headers=headers_for(client, "shouli")
    )
    assert check.json()["refusals"] == []
    assert any("曾被列入" in w and "限期整改名单" in w for w in check.json()["warnings"])


def test_a_decision_is_reported_and_pushed_retried_until_the_target_is_back(
    client: TestClient, runtime: Runtime
) -> None:
    case_id = _draft(client)
    assert _declare(client, case_id).status_code == 200
    applicant = headers_for(client, "qiye")
    from tests.helpers import minimal_pdf, required_materials

    for code in required_materials(client, PROJECT["item_code"]):
        client.put(f"/api/applications/{case_id}/materials/{code}",
                   files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
                   headers=applicant)  # fmt: skip
    assert client.post(f"/api/applications/{case_id}/submit", headers=applicant).status_code == 200
    to_signing(client, case_id)
    signed = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text

    auditor = headers_for(client, "jiancha")
    queued = {m["kind"]: m for m in client.get("/api/exchange/messages", headers=auditor).json()}
    assert set(queued) == {"national_report", "project_decision"}
    report = queued["national_report"]
    assert report["state"] == "pending" and report["problems"] == []
    record = report["record"]
    assert record["form"] == "建设项目环境影响报告书审批基础信息表"
    assert record["project_code"] == CODE and record["consultancy_uscc"] == CONSULTANCY
    assert record["approval_number"] and record["approval_date"] and record["decision"] == "批准"
    assert report["evidence"]["project_code"] == "found"
    assert report["evidence"]["builder_uscc"] == "inferred"

    # the target is down: the national_report folder cannot be made (a file sits in its place)
    outbox = runtime.settings.var_dir / "exchange" / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "national_report").write_text("not a folder")
    assert relay_exchange(runtime) == 1  # the project push went through
    after = {m["kind"]: m for m in client.get("/api/exchange/messages", headers=auditor).json()}
    assert after["national_report"]["state"] == "failed"
    assert after["national_report"]["attempts"] == 1 and after["national_report"]["last_error"]
    assert after["project_decision"]["state"] == "sent"

    (outbox / "national_report").unlink()  # back
    assert relay_exchange(runtime) == 1
    assert relay_exchange(runtime) == 0  # nothing twice
    final = {m["kind"]: m for m in client.get("/api/exchange/messages", headers=auditor).json()}
    assert final["national_report"]["state"] == "sent" and final["national_report"]["attempts"] == 2
    (delivered,) = (outbox / "national_report").glob("*.json")
    assert json.loads(delivered.read_text())["record"]["project_code"] == CODE
    pushed = json.loads(next((outbox / "project_decision").glob("*.json")).read_text())
    assert pushed["record"]["result"] == "批准" and pushed["record"]["project_code"] == CODE
    shutil.rmtree(outbox)

    observed = client.post(
        f"/api/applications/{case_id}/credit-observations",
        json={"party": "unit", "identifier": CONSULTANCY, "name": "河南绿评环境技术有限公司",
              "behaviour": "环境影响报告书存在基础资料明显不实", "points": 5},
        headers=headers_for(client, "chengban"),
    )  # fmt: skip
    assert observed.status_code == 201, observed.text
    assert observed.json()["upload_due_on"] > observed.json()["decided_on"]
    export = client.post(
        "/api/exchange/credit-observations/export", headers=headers_for(client, "chengban")
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert "统一社会信用代码或信用编号" in text and CONSULTANCY in text and ",5," in text
    second = client.post(
        "/api/exchange/credit-observations/export", headers=headers_for(client, "chengban")
    )
    assert CONSULTANCY not in second.content.decode("utf-8-sig")  # exported once


def test_applicants_see_neither_the_lists_nor_the_deliveries(client: TestClient) -> None:
    applicant = headers_for(client, "qiye")
    assert client.get("/api/exchange/messages", headers=applicant).status_code == 403
    assert client.get("/api/admin/credit-lists", headers=applicant).status_code == 403
    bad = _load(client, "blacklist", "只有名称,,原因,,\n")
    assert "缺少名称或统一社会信用代码" in expect_error(bad, 422, "invalid_input")["message"]


def test_the_exchange_page_lists_deliveries_for_staff_only(client: TestClient) -> None:
    from tests.helpers import page_login

    assert page_login(client, "jiancha").status_code in (200, 303)
    page = client.get("/exchange")
    assert page.status_code == 200 and "报送记录" in page.text and "字段来源" in page.text
    client.cookies.clear()
    page_login(client, "qiye")
    assert client.get("/exchange").status_code == 403
