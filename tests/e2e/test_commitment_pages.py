"""The 告知承诺制 fast track through the pages (TestClient with the page cookie), on both
databases: the applicant's panel with every reason before submitting, the commitment letter
generated and accepted from the page, the assigned officer's post-approval check with an
evidence upload, what other staff may not do, and the auditors' fast-track comparison."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from approvals.clock import SHANGHAI, FixedClock
from flows import deadlines
from flows.runtime import Runtime
from tests.api.case_driving import to_signing
from tests.e2e.test_pages import page_login
from tests.helpers import (
    DECLARED,
    PROJECT,
    create_submitted,
    minimal_pdf,
    refused_page,
    required_materials,
    sign_in,
)

FAST_TRACK = {
    "project_name": "郑州绿源年产20万套汽车零部件项目",
    "site": "郑州经济技术开发区第九大街88号",
    "district": "郑州经济技术开发区",
    "industry_code": "3670",
    "total_investment": "12000.00",
    "env_investment": "360.00",
    "consultant": "河南中环评价咨询有限公司",
} | DECLARED
INSIDE_PARK = {"park_name": "郑州经济技术开发区", "longitude": "113.80", "latitude": "34.68"}
CHECK_DUE_SOON = datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI)  # the check comes due
# A 1×1 transparent PNG: signature, IHDR, IDAT, IEND.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


def _case_id(response: Response, message: str) -> int:
    assert response.status_code == 303, response.text
    found = re.match(rf"/cases/(\d+)\?msg={message}", response.headers["location"])
    assert found is not None, response.headers["location"]
    return int(found.group(1))


def _detail(client: TestClient, case_id: int) -> dict[str, Any]:
    response = client.get(f"/api/applications/{case_id}")  # the page cookie works for the API
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _panel(page: str) -> str:
    start = page.index('id="commitment"')
    return page[start : page.index("</section>", start)]


def _apply(client: TestClient, key: str) -> int:
    """The apply form of EIA-07 saves a draft with its materials and leads to the panel."""
    files = [
        (f"file_{code}", (f"{code}.pdf", minimal_pdf(code), "application/pdf"))
        for code in required_materials(client, "EIA-07")
    ]
    created = client.post(
        "/apply/EIA-07",
        data=FAST_TRACK | {"idempotency_key": key},
        files=files,
        follow_redirects=False,
    )
    case_id = _case_id(created, "commitment_draft")
    assert _detail(client, case_id)["status"] == "draft"
    return case_id


def _facts(client: TestClient, case_id: int, **fields: str) -> Response:
    return client.post(
        f"/cases/{case_id}/commitment/facts",
        data={"document_type": "report_table"} | fields,
        follow_redirects=False,
    )


def _sha_on(page: str) -> str:
    found = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def _fast_track_submitted(client: TestClient, key: str) -> int:
    """As the applicant: apply, declare an eligible site, generate and accept, submit."""
    page_login(client, "qiye")
    case_id = _apply(client, key)
    assert _facts(client, case_id, **INSIDE_PARK).status_code == 303
    assert client.post(f"/cases/{case_id}/commitment/letter").status_code == 200
    sha = _sha_on(client.get(f"/cases/{case_id}").text)
    accepted = client.post(
        f"/cases/{case_id}/commitment/accept", data={"sha256": sha, "read": "1"},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303, accepted.text
    submitted = client.post(f"/cases/{case_id}/resubmit", follow_redirects=False)
    assert submitted.status_code == 303, submitted.text
    return case_id


def _decided(client: TestClient, key: str) -> int:
    """A fast-track case accepted and signed (through the API): now 已批准，待事后核查."""
    case_id = _fast_track_submitted(client, key)
    intake, leader = sign_in(client, "shouli"), sign_in(client, "lingdao")
    assert client.post(f"/api/applications/{case_id}/accept", headers=intake).status_code == 200
    signed = client.post(f"/api/applications/{case_id}/sign", json={}, headers=leader)
    assert signed.status_code == 200, signed.text
    assert _detail(client, case_id)["status"] == "post_check"
    return case_id


def _assigned(client: TestClient, runtime: Runtime, clock: FixedClock, key: str) -> int:
    case_id = _decided(client, key)
    clock.set(CHECK_DUE_SOON)
    assert deadlines.assign_post_checks(runtime) == 1
    return case_id


def test_the_applicant_sees_every_reason_before_submitting_and_is_converted(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    form = client.get("/apply/EIA-07").text
    assert "保存并填写承诺信息" in form and "下一步：填写告知承诺信息" in form
    case_id = _apply(client, "fast-ineligible")
    page = client.get(f"/cases/{case_id}").text
    panel = _panel(page)
    assert 'id="facts-form"' in panel and 'data-eligible="unknown"' in panel
    assert "中国（河南）自由贸易试验区郑州片区" in panel and "不在上述园区" in panel

    half = _facts(client, case_id, park_name="-", longitude="113.80")
    shown = refused_page(client, half)
    assert "经纬度须同时填写或同时不填" in shown
    assert 'value="113.80"' in shown  # what was typed is kept

    saved = _facts(
        client, case_id, document_type="report_book", park_name="-", has_electroplating="1"
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/cases/{case_id}?msg=commitment_facts#commitment"
    panel = _panel(client.get(saved.headers["location"]).text)
    assert 'data-eligible="false"' in panel and "原因共 3 项" in panel
    reasons = re.findall(r'<li class="reason">(.*?)</li>', panel)
    assert len(reasons) == 3
    assert "本项目应编制报告书" in reasons[0]
    assert "不在自贸区郑州片区或市级以上产业园区内" in reasons[1]
    assert "含电镀工艺" in reasons[2]
    assert "提交后将自动转为一般程序审批" in panel
    assert "生成告知承诺书" not in panel  # no letter for an ineligible project
    refused = client.post(f"/cases/{case_id}/commitment/letter")
    assert "不符合告知承诺制条件" in refused_page(client, refused)

    submitted = client.post(f"/cases/{case_id}/resubmit", follow_redirects=False)
    assert submitted.status_code == 303
    detail = _detail(client, case_id)
    assert (detail["status"], detail["item_code"]) == ("submitted", "EIA-02")
    page = client.get(f"/cases/{case_id}").text
    assert 'id="converted"' in page and "转为一般程序审批" in page
    assert 'id="facts-form"' not in page  # read only now
    assert "含电镀工艺，不适用告知承诺制" in _panel(page)


def test_generating_and_accepting_the_letter_from_the_page(client: TestClient) -> None:
    page_login(client, "qiye")
    case_id = _apply(client, "fast-letter")
    assert _facts(client, case_id, **INSIDE_PARK).status_code == 303
    panel = _panel(client.get(f"/cases/{case_id}").text)
    assert 'data-eligible="true"' in panel and "可适用告知承诺制" in panel
    assert "建设地点位于郑州经济技术开发区" in panel
    early = client.post(f"/cases/{case_id}/resubmit")
    assert "请先阅读并确认告知承诺书" in refused_page(client, early)

    generated = client.post(f"/cases/{case_id}/commitment/letter", follow_redirects=False)
    assert generated.headers["location"] == f"/cases/{case_id}?msg=commitment_letter#commitment"
    page = client.get(generated.headers["location"]).text
    assert "告知承诺书已生成" in page
    link = re.search(r'href="(/api/applications/\d+/commitment/letter\.pdf)"', page)
    assert link is not None
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sha = _sha_on(page)
    assert sha == hashlib.sha256(pdf.content).hexdigest()

    unticked = client.post(f"/cases/{case_id}/commitment/accept", data={"sha256": sha})
    assert "请先阅读告知承诺书并勾选确认" in refused_page(client, unticked)
    accepted = client.post(
        f"/cases/{case_id}/commitment/accept", data={"sha256": sha, "read": "1"},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303
    panel = _panel(client.get(accepted.headers["location"]).text)
    assert 'id="accepted"' in panel and 'id="accept-form"' not in panel
    assert sha not in panel  # the applicant sees no digest; staff do (below)
    twice = client.post(f"/cases/{case_id}/commitment/accept", data={"sha256": sha, "read": "1"})
    assert "告知承诺书已确认" in refused_page(client, twice)

    submitted = client.post(f"/cases/{case_id}/resubmit", follow_redirects=False)
    assert submitted.status_code == 303
    detail = _detail(client, case_id)
    assert (detail["status"], detail["item_code"]) == ("submitted", "EIA-07")
    page_login(client, "shouli")
    panel = _panel(client.get(f"/cases/{case_id}").text)
    assert 'id="facts-form"' not in panel
    assert f'<dd id="accepted-sha256"><code class="hash hash-full" data-sha256="{sha}">' in panel
    assert "郑州绿源精密机械有限公司（申请人）" in panel and 'id="accepted-at"' in panel


def test_the_assigned_officer_checks_a_decided_case_with_a_png_from_the_page(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    case_id = _decided(client, "fast-check")
    page_login(client, "chengban")
    page = client.get(f"/cases/{case_id}").text
    assert "已批准，待事后核查" in page
    assert 'id="check-form"' not in page and "由系统自动指派" in page  # not assigned yet

    clock.set(CHECK_DUE_SOON)
    assert deadlines.assign_post_checks(runtime) == 1
    page = client.get(f"/cases/{case_id}").text
    assert 'id="check-form"' in page and 'id="evidence-form"' in page
    assert "李承办（承办人）" in page

    wrong = client.post(
        f"/cases/{case_id}/post-check/evidence",
        files=[("evidence", ("notes.txt", b"just text", "text/plain"))],
    )
    assert "仅接受PDF、JPEG" in refused_page(client, wrong)
    uploaded = client.post(
        f"/cases/{case_id}/post-check/evidence",
        files=[("evidence", ("现场照片.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert uploaded.headers["location"] == f"/cases/{case_id}?msg=post_check_evidence#post-check"
    page = client.get(uploaded.headers["location"]).text
    assert "核查证据已上传" in page and "现场照片.png" in page
    evidence = re.search(rf'href="(/cases/{case_id}/post-check/evidence/0)"', page)
    assert evidence is not None
    photo = client.get(evidence.group(1))
    assert photo.content == PNG and photo.headers["content-type"] == "image/png"

    version = re.search(r'id="check-form">(?:<input type="hidden" name="csrf_token"[^>]*>)?'
                        r'\s*<input type="hidden" name="version" value="(\d+)"', page)  # fmt: skip
    assert version is not None
    missing = client.post(f"/cases/{case_id}/post-check", data={"findings": "x"})
    assert "请选择核查结论" in refused_page(client, missing)
    checked = client.post(
        f"/cases/{case_id}/post-check",
        data={"outcome": "conforms", "findings": "现场建设内容与报告表一致\n污染防治设施已建成",
              "version": version.group(1)},
        follow_redirects=False,
    )  # fmt: skip
    assert checked.status_code == 303, checked.text
    assert "post_check_conforms" in checked.headers["location"]
    assert _detail(client, case_id)["status"] == "closed"
    page = client.get(f"/cases/{case_id}").text
    assert "事后核查相符（已办结）" in page and 'id="check-form"' not in page
    panel = _panel(page)
    assert 'id="check-outcome">相符' in panel and "污染防治设施已建成" in panel
    assert "现场照片.png" in panel

    page_login(client, "qiye")  # the applicant sees the outcome, not the evidence
    panel = _panel(client.get(f"/cases/{case_id}").text)
    assert "相符" in panel and "现场照片.png" not in panel


def test_staff_not_assigned_see_who_checks_and_a_forged_post_is_refused(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    case_id = _assigned(client, runtime, clock, "fast-forged")
    page_login(client, "kezhang")
    page = client.get(f"/cases/{case_id}").text
    assert 'id="check-form"' not in page and 'id="evidence-form"' not in page
    waiting = re.search(r'id="check-waiting">(.*?)</p>', page, re.S)
    assert waiting is not None and "由李承办（承办人）开展事后核查" in waiting.group(1)
    assert "2026年12月" in waiting.group(1)

    forged = client.post(f"/cases/{case_id}/post-check", data={"outcome": "conforms"})
    assert forged.status_code == 403 and "只有被指派的核查人员可以登记核查结果" in forged.text
    photo = client.post(
        f"/cases/{case_id}/post-check/evidence", files=[("evidence", ("a.png", PNG, "image/png"))]
    )
    assert photo.status_code == 403
    page_login(client, "qiye")
    by_applicant = client.post(f"/cases/{case_id}/post-check", data={"outcome": "conforms"})
    assert by_applicant.status_code == 403
    assert _detail(client, case_id)["status"] == "post_check"


def test_the_auditor_compares_the_fast_track_with_the_standard_review(
    client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    standard = create_submitted(client, sign_in(client, "qiye"), item_code="EIA-02")
    to_signing(client, standard["id"])
    signed = client.post(
        f"/api/applications/{standard['id']}/sign", json={}, headers=sign_in(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text
    page_login(client, "qiye")
    assert _detail(client, standard["id"])["status"] == "approved"
    converted = _apply(client, "fast-converted")
    _facts(client, converted, park_name="-")
    client.post(f"/cases/{converted}/resubmit")
    revoked = _assigned(client, runtime, clock, "fast-revoked")
    page_login(client, "chengban")
    failed = client.post(
        f"/cases/{revoked}/post-check",
        data={"outcome": "not_conforming", "findings": "实际建有电镀生产线，与承诺不符"},
        follow_redirects=False,
    )
    assert failed.status_code == 303 and "post_check_revoked" in failed.headers["location"]
    assert _detail(client, revoked)["status"] == "revoked"

    page_login(client, "jiancha")
    assert 'href="/audit/commitment"' in client.get("/audit").text
    page = client.get("/audit/commitment").text
    rows = dict(re.findall(r'data-track="(\w+)">.*?class="num track-count">(\d+)<', page, re.S))
    assert rows == {"commitment": "1", "standard": "1"}
    assert "快速通道与一般程序对比" in page and "<svg" in page and 'class="track-bar"' in page
    assert 'id="revocation-rate">100%' in page
    revocation = re.search(r'<tr class="revocation">(.*?)</tr>', page, re.S)
    assert revocation is not None and "实际建有电镀生产线" in revocation.group(1)
    assert PROJECT["project_name"] not in revocation.group(1)
    assert "由告知承诺制转为一般程序的申请共 <strong>1</strong> 件" in page

    report = client.get("/api/audit/commitment").json()
    assert (report["fast"]["count"], report["standard"]["count"]) == (1, 1)
    assert report["fast"]["promised_days"] == 1 and report["converted_total"] == 1
    assert report["revoked"] == 1 and report["revocations"][0]["findings"] == [
        "实际建有电镀生产线，与承诺不符"
    ]
    csv = client.get("/api/audit/commitment?format=csv")
    assert csv.status_code == 200 and "告知承诺制" in csv.content.decode("utf-8-sig")
    listed = client.get("/api/audit/commitment/revocations?format=csv").content.decode("utf-8-sig")
    assert "实际建有电镀生产线" in listed
    page_login(client, "qiye")
    assert client.get("/audit/commitment").status_code == 403
    assert client.get("/api/audit/commitment").status_code == 403
