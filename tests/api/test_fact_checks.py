"""数据来源与核实: staff verify each fact of an item version, publishing an unverified version is
refused, every verdict is audited, and the research stays behind staff sign-in."""

from __future__ import annotations

import subprocess

from fastapi.testclient import TestClient
from sqlmodel import col, select

from approvals.catalogue import Catalogue
from approvals.catalogue.public_facts import AT_THE_WINDOW
from core.db import session_scope
from flows.runtime import Runtime
from models import AuditEvent, ItemFactCheck, ItemVersion
from tests.helpers import CSRF_HEADER, create_submitted, page_form_token, page_login, sign_in

FACTS = "/api/admin/items/EIA-01/facts"
PUBLISH = "/api/admin/items/EIA-01/publish"


def _audit(runtime: Runtime) -> list[tuple[str, str]]:
    with session_scope(runtime.engine) as session:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.application_id).is_(None))
        ).all()
        return [(e.action, e.comment) for e in rows if e.action.startswith(("fact_", "item_"))]


def test_publishing_a_version_with_an_unverified_fact_is_refused(
    client: TestClient, runtime: Runtime, catalogue: Catalogue
) -> None:
    chief = sign_in(client, "kezhang")
    refused = client.post(PUBLISH, headers=chief)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert "尚有未核实的内容" in body["message"] and "承诺办结时限" in body["message"]
    assert "promised" in body["details"]["unverified"]
    with session_scope(runtime.engine) as session:
        assert session.get(ItemVersion, ("EIA-01", catalogue.get("EIA-01").version)) is None
    assert _audit(runtime) == []


def test_staff_verify_every_fact_then_publish_and_the_guide_states_them(
    client: TestClient, runtime: Runtime, catalogue: Catalogue
) -> None:
    chief = sign_in(client, "kezhang")
    view = client.get(FACTS, headers=chief).json()
    assert view["published"] is False
    seeded = {f["fact"]: f for f in view["facts"]}
    assert seeded["statutory"] | {"at": None} == {
        "fact": "statutory", "label": "法定办结时限", "evidence": "legal", "verified": True,
        "by": "种子数据（法条原文）", "at": None, "note": "",
    }  # fmt: skip
    assert seeded["promised"]["verified"] is False and seeded["promised"]["by"] == ""
    assert client.get("/api/items/EIA-01/guide").json()["promised"]["text"] == AT_THE_WINDOW

    unverified = [f["fact"] for f in view["facts"] if not f["verified"]]
    for fact in unverified:
        note = f"郑州市生态环境局办事指南（2026年版）{fact}"
        done = client.put(f"{FACTS}/{fact}", json={"verified": True, "note": note}, headers=chief)
        assert done.status_code == 200, done.text
    published = client.post(PUBLISH, headers=chief)
    assert published.status_code == 200, published.text
    assert published.json()["published"] is True
    assert published.json()["published_by"] == "张科长（科室负责人）"

    guide = client.get("/api/items/EIA-01/guide").json()
    assert guide["promised"]["text"] == "15 个工作日" and guide["at_the_window"] == []
    assert guide["public_notices"] == catalogue.get("EIA-01").public_notices
    events = _audit(runtime)
    assert [a for a, _ in events] == ["fact_verified"] * len(unverified) + ["item_published"]
    version = catalogue.get("EIA-01").version
    assert events[0][1].startswith(f"EIA-01第{version}版 ")
    with session_scope(runtime.engine) as session:
        row = session.get(ItemVersion, ("EIA-01", version))
        assert row is not None and row.published_at is not None
        assert len(session.exec(select(ItemFactCheck)).all()) == len(unverified)
    again = client.put(f"{FACTS}/promised", json={"verified": False}, headers=chief)
    assert again.status_code == 409  # a published version's facts stay as published


def test_a_fact_marked_unverified_leaves_the_public_guide(client: TestClient) -> None:
    chief = sign_in(client, "kezhang")
    assert client.get("/api/items/EIA-01/guide").json()["statutory"]["text"] == "60 个工作日"
    marked = client.put(
        f"{FACTS}/statutory",
        json={"verified": False, "note": "60日与工作日口径待定"},
        headers=chief,
    )
    assert marked.status_code == 200
    statutory = next(f for f in marked.json()["facts"] if f["fact"] == "statutory")
    assert (statutory["verified"], statutory["by"]) == (False, "张科长（科室负责人）")
    guide = client.get("/api/items/EIA-01/guide").json()
    assert guide["statutory"] == {
        "days": None, "unit": "working", "text": AT_THE_WINDOW, "verified": False,
    }  # fmt: skip
    assert "60 个工作日" not in client.get("/guide/EIA-01").text


def test_the_research_is_for_staff_only_and_only_chiefs_may_verify(client: TestClient) -> None:
    assert client.get(FACTS).status_code == 401
    assert client.get(FACTS, headers=sign_in(client, "qiye")).status_code == 403
    intake = sign_in(client, "shouli")  # the least-privileged staff role reads
    view = client.get(FACTS, headers=intake)
    assert view.status_code == 200
    research = view.json()["research"]
    assert research["sources"] and research["evidence"]["promised"] == "inferred"
    assert research["name_en"]
    assert client.get("/api/admin/items", headers=intake).json()[0]["fact_count"] == 13
    refused = client.put(f"{FACTS}/promised", json={"verified": True}, headers=intake)
    assert refused.status_code == 403
    assert client.post(PUBLISH, headers=intake).status_code == 403
    unknown = client.put(
        f"{FACTS}/colour", json={"verified": True}, headers=sign_in(client, "admin")
    )
    assert unknown.status_code == 422


def test_the_staff_page_shows_the_research_and_refuses_to_publish_an_unverified_version(
    client: TestClient,
) -> None:
    page_login(client, "qiye")
    assert client.get("/admin/facts/EIA-01").status_code == 403
    page_login(client, "shouli")
    readonly = client.get("/admin/facts/EIA-01")
    assert readonly.status_code == 200 and "数据来源与核实" in readonly.text
    assert "sthjj.jiaozuo.gov.cn" in readonly.text  # the sources, for staff
    assert 'id="publish-form"' not in readonly.text and 'class="fact-form"' not in readonly.text
    page_login(client, "kezhang")
    listing = client.get("/admin/facts")
    assert listing.status_code == 200 and listing.text.count('class="facts-row"') == 53
    client.headers[CSRF_HEADER] = page_form_token(client, "/admin/facts/EIA-01")
    refused = client.post("/admin/facts/EIA-01/publish", follow_redirects=False)
    assert refused.status_code == 409 and "尚有未核实的内容" in refused.text
    marked = client.post(
        "/admin/facts/EIA-01/promised",
        data={"verified": "yes", "note": "窗口书面确认"},
        follow_redirects=False,
    )
    assert marked.status_code == 303
    page = client.get(marked.headers["location"]).text
    assert 'data-fact="promised" data-verified="yes"' in page and "窗口书面确认" in page


def _acceptance_text(client: TestClient) -> str:
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)
    accepted = client.post(f"/api/applications/{case['id']}/accept", headers=intake)
    assert accepted.status_code == 200, accepted.text
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    notice = next(d for d in detail["documents"] if d["kind"] == "acceptance_notice")
    pdf = client.get(notice["download_url"], headers=applicant).content
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_the_acceptance_notice_promises_a_limit_only_once_staff_have_verified_it(
    client: TestClient, runtime: Runtime
) -> None:
    unverified = _acceptance_text(client)
    assert "本事项法定办理时限为60个工作日" in unverified
    assert "本机关承诺" not in unverified  # EIA-01's 15 days are inferred: not stated as ours

    chief = sign_in(client, "kezhang")
    done = client.put(
        f"{FACTS}/promised", json={"verified": True, "note": "窗口确认"}, headers=chief
    )
    assert done.status_code == 200, done.text
    assert "本机关承诺在15个工作日内作出决定" in _acceptance_text(client)
