"""办事指南: the public guide API and pages, and the refusal to apply for an abolished item."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from approvals.catalogue import Catalogue
from tests.e2e.test_pages import my_cases, page_login
from tests.helpers import PROJECT


def test_the_eia01_guide_gives_materials_limits_and_steps_without_sign_in(
    client: TestClient, catalogue: Catalogue
) -> None:
    response = client.get("/api/items/EIA-01/guide")
    assert response.status_code == 200, response.text
    guide = response.json()
    item = catalogue.get("EIA-01")
    assert guide["version"] == item.version and guide["appliable"] is True
    assert guide["apply_url"] == "/apply/EIA-01" and guide["unavailable"] == ""
    assert {m["code"]: m["required"] for m in guide["materials"]} == {
        m.code: m.required for m in item.materials
    }
    required = {m["code"] for m in guide["materials"] if m["required"]}
    assert "report_full_text" in required and "expert_opinion" not in required
    assert guide["statutory"] == {
        "days": 60, "unit": "working", "text": "60 个工作日", "verified": True,
    }  # fmt: skip
    # The promised 15 days is a guess from other cities' figures: not stated until verified.
    assert guide["promised"] == {
        "days": None, "unit": "working", "text": "以受理窗口告知为准", "verified": False,
    }  # fmt: skip
    assert "promised" in guide["at_the_window"] and "statutory" not in guide["at_the_window"]
    assert [s["name"] for s in guide["steps"]] == ["网上申请", "受理", "审查", "决定", "送达"]
    review = guide["steps"][2]
    assert "技术评估" in review["what"] and "不计入办理时限" in review["what"]
    assert "受理通知书" in guide["steps"][1]["documents"]
    assert "技术评估" in guide["clock_note"] and "建设单位" in guide["applicants"]
    assert guide["delivery"]["methods"] == ["网上下载", "邮寄纸质件"]
    assert guide["delivery"]["slogan"] == "网上受理、邮寄结果、零跑腿"
    assert guide["online_depth"] == "全程网办" and guide["visits"] == 0
    assert guide["fee"].startswith("不收费")
    assert not {"evidence", "sources", "name_en"} & set(guide)  # research stays with staff


def test_the_filing_and_service_guides_have_their_own_steps(client: TestClient) -> None:
    filing = client.get("/api/items/EIA-08/guide").json()
    assert [s["name"] for s in filing["steps"]] == ["在线填报", "即时备案", "回执"]
    assert filing["steps"][2]["documents"] == ["备案回执"]
    service = client.get("/api/items/PS-04/guide").json()
    assert [s["name"] for s in service["steps"]] == ["提交", "受理分办", "答复", "送达"]
    assert service["applicants"] == "公民、法人和其他组织"


def test_an_abolished_item_guide_says_it_cannot_be_applied_for_and_why(
    client: TestClient, catalogue: Catalogue
) -> None:
    note = catalogue.get("OT-02").status_note
    guide = client.get("/api/items/OT-02/guide").json()
    assert guide["appliable"] is False and guide["apply_url"] is None
    assert guide["status"] == "abolished"
    assert guide["unavailable"] == f"不可申请：{note}"
    assert "PW-04" in guide["unavailable"]  # where to go instead
    page = client.get("/guide/OT-02")
    assert page.status_code == 200
    assert "不可申请" in page.text and note in page.text
    assert 'href="/apply/OT-02"' not in page.text


def test_an_unknown_item_code_answers_404_in_chinese_and_english(client: TestClient) -> None:
    response = client.get("/api/items/XX-99/guide")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert "XX-99" in body["message"] and "不存在" in body["message"]
    assert "XX-99" in body["message_en"]
    page = client.get("/guide/XX-99")
    assert page.status_code == 404 and "不存在" in page.text


def test_the_catalogue_page_lists_every_item_by_group(
    client: TestClient, catalogue: Catalogue
) -> None:
    page = client.get("/guide")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="guide-row[^"]*" data-code="([A-Z]+-\d+)"', page.text)
    assert sorted(rows) == sorted(i.code for i in catalogue.items) and len(rows) == 53
    closed = re.findall(r'<tr class="guide-row is-closed" data-code="([A-Z]+-\d+)"', page.text)
    assert sorted(closed) == sorted(i.code for i in catalogue.items if not i.appliable)
    assert "OT-02" in closed and "不可申请" in page.text
    assert "<h2>环评审批" in page.text and "<h2>排污许可" in page.text
    assert page.text.index("<h2>环评审批") < page.text.index("<h2>其他")


def test_the_eia01_guide_page_shows_the_guide_and_the_apply_button(
    client: TestClient, catalogue: Catalogue
) -> None:
    page = client.get("/guide/EIA-01")
    assert page.status_code == 200
    text = page.text
    assert 'id="apply-online" href="/apply/EIA-01"' in text
    assert "60 个工作日" in text and "0 次" in text
    assert "15 个工作日" not in text and "以受理窗口告知为准" in text  # the unverified promise
    assert "网上受理、邮寄结果、零跑腿" in text and "全程网办" in text
    for material in catalogue.get("EIA-01").materials:
        assert material.name in text
    assert 'data-code="expert_opinion" data-required="no"' in text
    assert 'data-code="report_full_text" data-required="yes"' in text
    assert 'class="ev' not in text and "推定" not in text  # no evidence markers
    assert catalogue.get("EIA-01").name_en not in text  # no English subtitle
    assert 'data-action="print"' in text  # /assets/pages.js prints the page


def test_every_page_header_links_the_guide(client: TestClient) -> None:
    for path in ("/login", "/verify", "/guide"):
        assert 'href="/guide"' in client.get(path).text, path
    page_login(client, "qiye")
    for path in ("/my", "/apply"):
        assert 'href="/guide"' in client.get(path).text, path
    assert 'href="/guide/EIA-01"' in client.get("/apply").text
    page_login(client, "shouli")
    assert 'href="/guide"' in client.get("/queue").text


def test_applying_for_an_abolished_item_from_the_page_is_refused_and_creates_nothing(
    client: TestClient, catalogue: Catalogue
) -> None:
    page_login(client, "qiye")
    message = f"事项“{catalogue.get('OT-02').name_zh}”不可申请"
    form = client.get("/apply/OT-02")
    assert form.status_code == 422 and message in form.text
    fields = {k: v for k, v in PROJECT.items() if k != "item_code"}
    posted = client.post(
        "/apply/OT-02", data=fields | {"idempotency_key": "abolished"}, follow_redirects=False
    )
    assert posted.status_code == 422
    assert message in posted.text and "PW-04" in posted.text
    assert my_cases(client) == []
