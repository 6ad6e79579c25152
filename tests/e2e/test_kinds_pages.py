"""The filing and service process kinds through the pages (TestClient with the page cookie),
on both databases, and the apply form shaped by what each item requires."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from approvals.casework.cases import RUNNABLE_KINDS
from approvals.catalogue import ProcessKind
from tests.e2e.test_pages import my_cases, page_login
from tests.helpers import minimal_pdf, required_materials

PLACE = {"site": "郑州市金水区文化路100号", "district": "金水区"}
QUESTION = "我公司拟新建一条喷涂生产线，年用漆量约5吨，请问应编制环境影响报告表还是填报登记表？"
ANSWER = "依据《建设项目环境影响评价分类管理名录（2021年版）》，该项目应编制报告表。"


def apply(client: TestClient, code: str, key: str, **fields: str) -> Response:
    files = [
        (f"file_{m}", (f"{m}.pdf", minimal_pdf(m), "application/pdf"))
        for m in required_materials(client, code)
    ]
    return client.post(
        f"/apply/{code}",
        data=PLACE | fields | {"idempotency_key": key},
        files=files or None,
        follow_redirects=False,
    )


def case_id(response: Response) -> int:
    assert response.status_code == 303, response.text
    found = re.match(r"/cases/(\d+)\?msg=", response.headers["location"])
    assert found is not None, response.headers["location"]
    return int(found.group(1))


def status_of(client: TestClient, application_id: int) -> str:
    return str(client.get(f"/api/applications/{application_id}").json()["status"])


def version_of(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def test_apply_lists_filing_and_service_items_and_greys_commitment_ones(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    page = client.get("/apply").text
    open_codes = re.findall(r'<tr class="apply-row" data-code="([A-Z]+-\d+)"', page)
    assert {"EIA-01", "WT-01", "EIA-08", "PS-04"} <= set(open_codes)
    assert {"OT-02", "OT-09", "HW-10"}.isdisjoint(open_codes)
    commitment = page[page.index('data-code="EIA-07"') :].split("</tr>")[0]
    if ProcessKind.COMMITMENT in RUNNABLE_KINDS:
        assert "EIA-07" in open_codes
    else:  # the fast track is not built yet: shown greyed, saying so
        assert "EIA-07" not in open_codes and "告知承诺制通道建设中" in commitment


def test_a_non_eia_standard_item_form_asks_no_investments_and_still_submits(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    form = client.get("/apply/WT-01").text
    assert 'name="industry_code"' in form
    for field in ("total_investment", "env_investment", "consultant", "description"):
        assert f'name="{field}"' not in form, field
    eia = client.get("/apply/EIA-01").text
    assert 'name="total_investment"' in eia and 'name="consultant"' in eia
    created = apply(client, "WT-01", "wt-01", project_name="郑州某污水处理厂入河排污口",
                    industry_code="4620")  # fmt: skip
    assert status_of(client, case_id(created)) == "submitted"


def test_a_filing_item_goes_from_the_apply_form_to_a_receipt_on_the_case_page(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    form = client.get("/apply/EIA-08").text
    assert "提交后即时备案并生成备案回执" in form and "提交备案" in form
    assert 'name="total_investment"' not in form
    created = apply(client, "EIA-08", "eia-08", project_name="郑州某汽车维修站建设项目")
    assert "msg=filed" in created.headers["location"]
    application_id = case_id(created)
    assert status_of(client, application_id) == "filed"
    page = client.get(created.headers["location"]).text
    assert "已即时备案" in page and "已备案（已办结）" in page
    number = re.search(r'id="filing-number">(\d+)<', page)
    assert number is not None and re.fullmatch(r"2026410100\d{7}", number.group(1))
    receipt = re.search(r'href="([^"]+/pdf)" download>下载备案回执', page)
    assert receipt is not None
    pdf = client.get(receipt.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'id="statutory-clock"' not in page  # nothing to count: filed at once


def test_a_service_request_is_assigned_by_intake_and_answered_by_the_case_officer(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    form = client.get("/apply/PS-04").text
    assert '<textarea name="description"' in form and 'name="industry_code"' not in form
    missing = apply(client, "PS-04", "ps-04-empty", project_name="环评类别咨询")
    assert missing.status_code == 303  # back to the form, the field marked
    refused = client.get(missing.headers["location"]).text
    assert re.search(r'id="f-description"[^>]*aria-invalid="true"', refused)
    assert "请填写申请内容" in refused
    assert my_cases(client) == []
    created = apply(client, "PS-04", "ps-04", project_name="环评类别咨询", description=QUESTION)
    application_id = case_id(created)
    assert status_of(client, application_id) == "submitted"
    assert QUESTION in client.get(f"/cases/{application_id}").text

    page_login(client, "shouli")
    page = client.get(f"/cases/{application_id}").text
    assert "受理分办" in page and f'action="/cases/{application_id}/accept"' in page
    accepted = client.post(
        f"/cases/{application_id}/accept", data={"version": version_of(page)},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303 and "accept_service" in accepted.headers["location"]
    assert status_of(client, application_id) == "answering"

    page_login(client, "chengban")
    page = client.get(f"/cases/{application_id}").text
    assert f'action="/cases/{application_id}/answer"' in page
    empty = client.post(f"/cases/{application_id}/answer", data={"answer": " "})
    assert empty.status_code == 200 and "请填写答复内容" in empty.text  # after the redirect
    assert status_of(client, application_id) == "answering"
    answered = client.post(
        f"/cases/{application_id}/answer",
        data={"answer": ANSWER, "legal_basis": "《建设项目环境影响评价分类管理名录》",
              "version": version_of(page)},
        follow_redirects=False,
    )  # fmt: skip
    assert answered.status_code == 303 and "msg=answer" in answered.headers["location"]
    assert status_of(client, application_id) == "answered"

    page_login(client, "qiye")
    page = client.get(f"/cases/{application_id}").text
    assert "已答复（已办结）" in page and ANSWER in page
    row = re.search(r'<tr class="document" data-kind="reply_letter">(.*?)</tr>', page, re.S)
    assert row is not None and "答复书" in row.group(1)
    link = re.search(r'href="(/api/applications/\d+/documents/\d+/pdf)" download', row.group(1))
    assert link is not None
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
