"""靠前服务: an enterprise registers a planned project, the section chief assigns an officer, the
officer offers times and the enterprise books one (mailed, and reminded the working day before
by the deadline sweep), the officer issues the 指导意见 — numbered, signed, stored and mailed
with the PDF through the real S3 and SMTP servers — the enterprise rates it and links its
later application, the officer sees the project's history on the case, and the auditor reads
the time from request to guidance."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import load_catalogue
from flows import deadlines, steps
from flows.runtime import Runtime
from models import User
from tests.api.case_checks import OTHER_USCC, add_other_applicant, expect_error
from tests.helpers import create_submitted, minted_bearer
from tests.real_stack import real_stack

PROJECT = {
    "project_name": "郑州绿源年产2000台精密减速机建设项目",
    "site": "郑州经济技术开发区经北五路66号",
    "district": "郑州经济技术开发区",
    "industry_code": "3453",
    "scale": "年产精密减速机2000台，建筑面积8000平方米",
    "description": "新建机加工、装配车间各一座，含喷漆工序。",
    "question": "需要编制哪类环评文件？能否走告知承诺制？",
}
GUIDANCE = {
    "item_code": "EIA-02",
    "eia_category": "report_table",
    "park_name": "",
    "obstacles": (
        "喷漆工序须配套挥发性有机物收集处理设施。\n\n厂界北侧距居民点约150米，应重点论证噪声影响。"
    ),
}


@pytest.fixture(scope="module")
def stack(
    postgres_engine: Engine, s3_server: Any, smtp_server: Any, tmp_path_factory: Any
) -> Iterator[tuple[TestClient, Runtime, Any]]:
    with real_stack(
        postgres_engine,
        s3_server,
        smtp_server,
        var_dir=tmp_path_factory.mktemp("consultation"),
        bucket="eia-consultation",
        catalogue=load_catalogue(),
    ) as (client, _store, runtime):
        yield client, runtime, smtp_server


def _user_id(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        return int(session.exec(select(User.id).where(User.username == username)).one())


def _mails(smtp_server: Any, to: str, word: str) -> list[EmailMessage]:
    return [m for m in smtp_server.messages if m["To"] == to and word in str(m["Subject"])]


def test_a_consultation_from_request_to_mailed_guidance_rating_and_linked_application(
    stack: tuple[TestClient, Runtime, Any],
) -> None:
    client, runtime, smtp = stack
    engine = runtime.engine
    users = ("qiye", "kezhang", "chengban")
    qiye, kezhang, chengban = (minted_bearer(client.app, u) for u in users)

    created = client.post("/api/consultations", json=PROJECT, headers=qiye)
    assert created.status_code == 201, created.text
    body = created.json()
    consultation_id, number = body["id"], body["number"]
    assert number == "QZ2026-0001" and body["state"] == "requested"
    assert body["contact_email"] == "qiye@lvyuan.example"

    officer_id = _user_id(engine, "chengban")
    path = f"/api/consultations/{consultation_id}"
    refused = client.post(f"{path}/assign", json={"officer_id": officer_id}, headers=chengban)
    expect_error(refused, 403, "permission_denied")
    assigned = client.post(f"{path}/assign", json={"officer_id": officer_id}, headers=kezhang)
    assert assigned.json()["state"] == "assigned", assigned.text

    # Friday 2026-11-20 10:00: the officer offers Monday morning and Tuesday afternoon.
    slot = {"mode": "video", "place": "腾讯会议 123-456-789", "minutes": 60}
    monday = client.post(
        "/api/consultation-slots", json=slot | {"starts_at": "2026-11-23T09:30:00+08:00"},
        headers=chengban,
    )  # fmt: skip
    assert monday.status_code == 201, monday.text
    overlap = client.post(
        "/api/consultation-slots", json=slot | {"starts_at": "2026-11-23T10:00:00+08:00"},
        headers=chengban,
    )  # fmt: skip
    assert "重叠" in expect_error(overlap, 422, "invalid_input")["message"]
    on_site = {"mode": "on_site", "place": "项目现场（经北五路66号）"}
    client.post(
        "/api/consultation-slots", json=on_site | {"starts_at": "2026-11-24T14:00:00+08:00"},
        headers=chengban,
    )  # fmt: skip
    offered = client.get(f"{path}/slots", headers=qiye).json()
    assert [s["mode_label"] for s in offered] == ["视频会商", "现场指导"]

    booked = client.post(f"{path}/booking", json={"slot_id": offered[0]["id"]}, headers=qiye)
    assert booked.json()["state"] == "booked", booked.text
    assert booked.json()["slot"]["place"] == "腾讯会议 123-456-789"
    taken = client.post(f"{path}/booking", json={"slot_id": offered[0]["id"]}, headers=qiye)
    expect_error(taken, 409, "invalid_transition")

    # The deadline sweep on Friday reminds both sides of Monday's consultation, once.
    assert deadlines.remind_consultations(runtime) == 1
    assert deadlines.remind_consultations(runtime) == 0
    steps.relay_mail(runtime)
    [confirmation] = _mails(smtp, "qiye@lvyuan.example", "会商预约成功")
    assert "腾讯会议 123-456-789" in confirmation.get_content()
    [reminder] = _mails(smtp, "qiye@lvyuan.example", "会商提醒")
    assert "2026-11-23 09:30" in reminder.get_content()
    assert _mails(smtp, "chengban@sthjj.example", "会商提醒")

    not_assigned = client.post(f"{path}/guidance", json=GUIDANCE, headers=kezhang)
    expect_error(not_assigned, 403, "permission_denied")
    guided = client.post(f"{path}/guidance", json=GUIDANCE, headers=chengban)
    assert guided.status_code == 201, guided.text
    result = guided.json()
    assert result["state"] == "guided" and result["eia_category_label"] == "环境影响报告表"
    assert "建设项目环境影响评价文件审批申请表" in "".join(result["materials"])
    assert result["fast_track"] is False and "不适用告知承诺制" in result["fast_track_summary"]
    # In process after the response (inline mode): numbered, rendered, signed, stored, mailed.
    after = client.get(path, headers=qiye).json()
    assert after["document_number"] == "郑环指〔2026〕1号", after
    [mail] = _mails(smtp, "qiye@lvyuan.example", "指导意见")
    assert str(mail["Subject"]).startswith("【郑州市生态环境局】建设项目前期指导意见（郑环指")
    assert "可在“前期指导”页面将该申请关联本项目" in mail.get_body(("plain",)).get_content()
    [attachment] = list(mail.iter_attachments())
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf  # the bureau's signature
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (number, "EIA-02", "应编制环境影响报告表", "挥发性有机物收集处理设施"):
        assert expected in text, expected
    downloaded = client.get(after["document_url"], headers=qiye)
    assert downloaded.content == pdf
    code = text.split("核验码：")[1][:12]
    verified = client.get(f"/api/verify/{code}").json()
    assert (verified["valid"], verified["project_name"]) == (True, PROJECT["project_name"])

    rated = client.post(f"{path}/rating", json={"level": 5}, headers=qiye)
    assert rated.status_code == 201 and rated.json()["event_label"] == "项目前期指导", rated.text
    expect_error(client.post(f"{path}/rating", json={"level": 4}, headers=qiye), 409,
                 "invalid_transition")  # fmt: skip

    case = create_submitted(client, qiye, project_name=PROJECT["project_name"], item_code="EIA-02")
    linked = client.post(f"{path}/links", json={"application_id": case["id"]}, headers=qiye)
    assert [a["number"] for a in linked.json()["applications"]] == [case["number"]]
    again = client.post(f"{path}/links", json={"application_id": case["id"]}, headers=qiye)
    expect_error(again, 409, "invalid_transition")
    history = client.get(f"/api/applications/{case['id']}/consultation", headers=chengban)
    seen = history.json()["consultation"]
    assert (seen["number"], seen["document_number"]) == (number, "郑环指〔2026〕1号")

    auditor = minted_bearer(client.app, "jiancha")
    report = client.get("/api/audit/consultations", headers=auditor).json()
    assert (report["requests"], report["guided"], report["median_working_days"]) == (1, 1, 0.0)
    assert [(m["month"], m["requests"]) for m in report["by_month"]] == [("2026-11", 1)]
    expect_error(client.get("/api/audit/consultations", headers=qiye), 403, "permission_denied")
    ratings = client.get("/api/audit/ratings", headers=auditor).json()
    assert ratings["total"] == 1 and ratings["by_level"]["5"] == 1


def test_an_agent_registers_only_while_authorised_and_others_see_nothing(
    client: TestClient, engine: Engine
) -> None:
    add_other_applicant(engine, "minjiang", "minjiang-pass-2026")
    agent = minted_bearer(client.app, "minjiang")
    qiye = minted_bearer(client.app, "qiye")
    with Session(engine) as session:
        principal = session.exec(select(User.enterprise_id).where(User.username == "qiye")).one()
    on_behalf = PROJECT | {"on_behalf_of": principal}
    refused = client.post("/api/consultations", json=on_behalf, headers=agent)
    assert "代为申请授权" in expect_error(refused, 403, "permission_denied")["message"]
    granted = client.post("/api/enterprise/agents", json={"agent_uscc": OTHER_USCC}, headers=qiye)
    assert granted.status_code == 201, granted.text
    created = client.post("/api/consultations", json=on_behalf, headers=agent)
    assert created.status_code == 201, created.text
    consultation_id = created.json()["id"]
    assert created.json()["enterprise_name"].startswith("郑州绿源")
    assert [c["id"] for c in client.get("/api/consultations", headers=qiye).json()] == [
        consultation_id
    ]
    revoke = client.get("/api/enterprise/agents", headers=qiye).json()[0]["id"]
    client.post(f"/api/enterprise/agents/{revoke}/revoke", headers=qiye)
    gone = client.get(f"/api/consultations/{consultation_id}", headers=agent)
    expect_error(gone, 404, "not_found")
    bad = client.post("/api/consultations", json=PROJECT | {"district": "火星区"}, headers=qiye)
    expect_error(bad, 422, "invalid_input")
    staff_only = client.get("/api/consultation-rules", headers=qiye)
    expect_error(staff_only, 403, "permission_denied")
