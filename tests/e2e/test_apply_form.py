"""The apply form keeps work: every problem at once, each named and marked on its field, the
good files staged with the draft and kept across the refusal (post/redirect/get), staged files
checked one by one as the page script sends them, and the leftovers cleaned up."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from approvals.clock import FixedClock
from flows.deadlines import discard_staged_uploads
from flows.runtime import Runtime
from models import Material, StagedMaterial
from tests.e2e.test_pages import my_cases
from tests.helpers import DECLARED, PROJECT, minimal_pdf, page_login, required_materials

KEY = "draft-keeps-work-0001"


def _item_materials(client: TestClient) -> dict[str, str]:
    item = client.get("/api/items/EIA-01").json()
    return {m["code"]: m["name"] for m in item["materials"] if m["required"]}


def _post(client: TestClient, files: list[tuple[str, tuple[str, bytes, str]]], **fields: str):  # type: ignore[no-untyped-def]
    data = {k: v for k, v in PROJECT.items() if k != "item_code"} | DECLARED | fields
    return client.post(
        "/apply/EIA-01", data=data | {"idempotency_key": KEY}, files=files, follow_redirects=False
    )


def _staged(runtime: Runtime) -> list[StagedMaterial]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(StagedMaterial).order_by(StagedMaterial.id)))  # type: ignore[arg-type]


def test_a_refused_form_names_every_problem_and_keeps_every_good_file(
    client: TestClient, runtime: Runtime
) -> None:
    page_login(client, "qiye")
    names = _item_materials(client)
    bad, *good = names
    files = [(f"file_{bad}", (f"{bad}.pdf", b"a Word document renamed", "application/pdf"))] + [
        (f"file_{code}", (f"{code}.pdf", minimal_pdf(code), "application/pdf")) for code in good
    ]
    refused = _post(client, files, site="", total_investment="很多")
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/apply/EIA-01?draft={KEY}"
    page = client.get(refused.headers["location"]).text
    assert "有 3 处需要修改" in page
    assert f"「{names[bad]}」不是PDF文件" in page and "文件头" not in page
    for field in ("site", "total_investment", f"file_{bad}"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', page), field
        assert f'href="#f-{field}"' in page  # the summary links to the field
    assert 'value="' + PROJECT["project_name"] + '"' in page  # typed values are kept
    for code in good:  # the good files are kept with the draft, the input no longer required
        assert f"已上传：{code}.pdf" in page
        assert not re.search(rf'id="f-file_{code}"[^>]*required', page)
    again = client.get(f"/apply/EIA-01?draft={KEY}").text  # shown once: a reload is calm
    assert "需要修改" not in again and f"已上传：{good[0]}.pdf" in again
    assert my_cases(client) == []

    fixed = [(f"file_{bad}", (f"{bad}.pdf", minimal_pdf(bad), "application/pdf"))]
    done = _post(client, fixed)  # only the one file the applicant chose again
    assert done.status_code == 303 and "/cases/" in done.headers["location"], done.text
    [case] = my_cases(client)
    assert case["status"] == "submitted"
    with Session(runtime.engine) as session:
        materials = session.exec(select(Material).where(Material.application_id == case["id"]))
        kept = {m.material_code: m.object_key for m in materials}
    assert set(kept) == set(names)
    assert all(k.startswith(f"applications/{case['number']}/materials/") for k in kept.values())
    assert all(runtime.store.exists(k) for k in kept.values())
    assert all(row.released_at is not None for row in _staged(runtime))
    assert _post(client, []).headers["location"].endswith("msg=already_submitted")


def test_each_material_is_checked_as_it_arrives_and_named_when_refused(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    names = _item_materials(client)
    code = next(iter(names))
    url = f"/apply/EIA-01/materials/{code}"
    refused = client.post(
        url, data={"draft": KEY}, files={"file": ("报告.pdf", b"%PDF-1.7 cut", "application/pdf")}
    )
    assert refused.status_code == 415, refused.text
    assert refused.json()["message"].startswith(f"「{names[code]}」PDF文件不完整")
    kept = client.post(
        url, data={"draft": KEY}, files={"file": ("报告.pdf", minimal_pdf("r"), "application/pdf")}
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["filename"] == "报告.pdf" and kept.json()["material_name"] == names[code]
    unknown = client.post(
        "/apply/EIA-01/materials/nope", data={"draft": KEY},
        files={"file": ("a.pdf", minimal_pdf("a"), "application/pdf")},
    )  # fmt: skip
    assert unknown.status_code == 422 and "没有" in unknown.json()["message"]
    bad_key = client.post(
        url, data={"draft": "../x"}, files={"file": ("a.pdf", minimal_pdf("a"), "application/pdf")}
    )
    assert bad_key.status_code == 422
    page = client.get(f"/apply/EIA-01?draft={KEY}").text
    assert "已上传：报告.pdf" in page
    page_login(client, "chengban")  # staff cannot stage
    assert client.post(url, data={"draft": KEY}).status_code in (303, 403)


def test_the_sweep_deletes_submitted_replaced_and_abandoned_staged_files(
    client: TestClient, runtime: Runtime
) -> None:
    page_login(client, "qiye")
    code = required_materials(client, "EIA-01")[0]
    url = f"/apply/EIA-01/materials/{code}"

    def stage(draft: str, body: bytes) -> None:
        sent = client.post(
            url, data={"draft": draft}, files={"file": ("a.pdf", body, "application/pdf")}
        )
        assert sent.status_code == 200, sent.text

    stage("draft-abandoned-01", minimal_pdf("old"))
    stage("draft-abandoned-01", minimal_pdf("new"))  # replaces the first
    stage("draft-still-open-1", minimal_pdf("new"))  # the same bytes on another draft
    old, replaced_by, other = _staged(runtime)
    assert old.released_at is not None and replaced_by.released_at is None
    assert discard_staged_uploads(runtime) == 1  # the replaced file only
    assert not runtime.store.exists(old.object_key) and runtime.store.exists(other.object_key)
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(hours=runtime.settings.staged_upload_hours + 1))
    assert discard_staged_uploads(runtime) == 2  # both drafts abandoned
    assert _staged(runtime) == []
    assert not runtime.store.exists(other.object_key)


def test_the_project_code_and_the_preparers_are_declared_on_the_form_every_problem_at_once(
    client: TestClient,
) -> None:
    """投资项目代码与编制单位 on the apply form of an EIA item: a wrong code, a wrong check
    character in the consultancy's USCC and an engineer without a number are each named beside
    the field; once right, the declaration is recorded with the application and intake sees it."""
    page_login(client, "qiye")
    form = client.get("/apply/EIA-01").text
    assert 'name="project_code"' in form and 'name="engineers"' in form
    files = [
        (f"file_{code}", (f"{code}.pdf", minimal_pdf(code), "application/pdf"))
        for code in _item_materials(client)
    ]
    wrong_uscc = DECLARED["consultancy_uscc"][:17] + (
        "0" if DECLARED["consultancy_uscc"][17] != "0" else "1"
    )
    refused = _post(
        client, files, project_code="2025-41012-04-01-600123", consultancy_uscc=wrong_uscc,
        engineers="张工 BH012345\n李工",
    )  # fmt: skip
    page = client.get(refused.headers["location"]).text
    assert "有 3 处需要修改" in page
    assert "项目代码格式不正确" in page and "编制单位的统一社会信用代码校验位错误" in page
    assert "编制人员须填写姓名和信用编号" in page
    for field in ("project_code", "consultancy_uscc", "engineers"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', page), field
    assert "李工" in page  # what was typed stays

    outside = _post(client, [], project_code="2025-110101-04-01-600123")
    assert "不在本局辖区" in client.get(outside.headers["location"]).text
    done = _post(client, [], project_code="2025-110101-04-01-600123", region_reason="异地总部项目")
    assert done.status_code == 303 and "/cases/" in done.headers["location"], done.text
    [case] = my_cases(client)
    declared = client.get(f"/api/applications/{case['id']}/declaration").json()
    assert declared["project_code"] == "2025-110101-04-01-600123"
    assert declared["region_reason"] == "异地总部项目"
    assert declared["consultancy_name"] == PROJECT["consultant"]
    assert [e["name"] for e in declared["engineers"]] == ["张工", "李工"]
