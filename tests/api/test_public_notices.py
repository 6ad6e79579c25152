"""受理公示: written with the acceptance, on the working-day calendar, per item as data; the
public finds it without an account and downloads the public version of the report only."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import Catalogue
from approvals.catalogue.schema import PublicationRule
from approvals.clock import FixedClock
from models import AuditEvent, NoticeKind, PublicNotice
from tests.api.case_checks import headers_for
from tests.helpers import PROJECT, create_submitted, minimal_pdf

ACCEPTANCE_NOTICES = ("受理公示及环评文件全本（报告书不少于10个工作日）", "受理公示及环评文件全本")


def test_every_item_with_an_acceptance_notice_states_its_period_rule_and_public_material(
    catalogue: Catalogue,
) -> None:
    listed = {  # PS-07 is the public lookup of these notices, a service item
        i.code
        for i in catalogue.items
        if set(i.public_notices) & set(ACCEPTANCE_NOTICES) and i.process_kind != "service"
    }
    declared = {i.code: i.acceptance_notice for i in catalogue.items if i.acceptance_notice}
    assert listed == set(declared) == {"EIA-01", "EIA-02", "EIA-03", "EIA-04", "EIA-05", "EIA-07"}
    for code, spec in declared.items():
        assert spec is not None
        book = "报告书" in catalogue.get(code).name_zh
        assert spec.days >= (10 if book else 5), code
        assert spec.public_material == "public_version"
    assert declared["EIA-07"].rule is PublicationRule.AFTER_DECISION  # type: ignore[union-attr]
    assert {s.rule for c, s in declared.items() if c != "EIA-07"} == {  # type: ignore[union-attr]
        PublicationRule.BEFORE_DECISION
    }


def accepted_case(client: TestClient, item_code: str = "EIA-01") -> int:
    case = create_submitted(client, headers_for(client, "qiye"), item_code=item_code)
    accepted = client.post(
        f"/api/applications/{case['id']}/accept", headers=headers_for(client, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    return int(case["id"])


def test_accepting_a_report_book_publishes_a_ten_working_day_notice_at_once(
    client: TestClient, engine: Engine
) -> None:
    case_id = accepted_case(client, "EIA-01")  # accepted Friday 2026-11-20
    with Session(engine) as session:
        notice = session.exec(
            select(PublicNotice).where(PublicNotice.application_id == case_id)
        ).one()
        assert notice.kind is NoticeKind.ACCEPTANCE
        assert (notice.starts_on, notice.ends_on, notice.days) == (
            date(2026, 11, 20),
            date(2026, 12, 4),  # 10 working days from Monday 11-23
            10,
        )
        assert notice.builder == "郑州绿源精密机械有限公司"
        assert notice.participation_material_id is not None
        accepted_at = session.exec(
            select(AuditEvent.at).where(
                AuditEvent.application_id == case_id, AuditEvent.action == "accept"
            )
        ).one()
        assert notice.published_at == accepted_at  # the same transaction, the same moment


def test_a_report_table_notice_runs_five_working_days(client: TestClient, engine: Engine) -> None:
    case_id = accepted_case(client, "EIA-02")
    with Session(engine) as session:
        notice = session.exec(
            select(PublicNotice).where(PublicNotice.application_id == case_id)
        ).one()
        assert (notice.ends_on, notice.days, notice.participation_material_id) == (
            date(2026, 11, 27),
            5,
            None,
        )


def test_an_anonymous_visitor_finds_the_open_notice_and_downloads_only_the_public_report(
    client: TestClient,
) -> None:
    case_id = accepted_case(client, "EIA-01")
    client.cookies.clear()
    listed = client.get("/api/public/notices", params={"kind": "acceptance", "status": "open"})
    assert listed.status_code == 200, listed.text
    [notice] = listed.json()
    assert notice["project_name"] == PROJECT["project_name"]
    assert (notice["status"], notice["working_days_left"], notice["ends_on"]) == (
        "open",
        10,  # Friday 11-20 is not counted: the period runs from the day after
        "2026-12-04",
    )
    assert "application_id" not in notice and "number" not in notice
    assert client.get("/api/public/notices", params={"status": "ended"}).json() == []

    report = client.get(notice["report_url"])
    assert report.status_code == 200
    assert report.content == minimal_pdf("public_version")
    statement = client.get(notice["participation_url"])
    assert statement.content == minimal_pdf("public_participation")
    # nothing else of the case: the applicant's material routes need an account
    material = client.get(f"/api/applications/{case_id}/materials/1/file")
    assert material.status_code == 401

    page = client.get(notice["page_url"])
    assert page.status_code == 200
    html = page.text
    for shown in ("郑州绿源精密机械有限公司", "受理公示", "公开版本", "提交意见", "验证问题"):
        assert shown in html, shown
    for internal in ("inferred", "found", "sha256", "huanbaole", "昭通", "EIA-01", "chengban"):
        assert internal not in html, internal
    listing = client.get("/public/notices")
    assert "剩余10个工作日" in listing.text and notice["page_url"] in listing.text


def test_an_ended_notice_is_listed_as_past(client: TestClient, clock: FixedClock) -> None:
    accepted_case(client, "EIA-02")
    clock.advance(timedelta(days=8))  # Saturday 11-28: the table's notice ended on 11-27
    [notice] = client.get("/api/public/notices", params={"status": "ended"}).json()
    assert (notice["status"], notice["working_days_left"]) == ("ended", 0)
    assert client.get("/api/public/notices", params={"status": "open"}).json() == []
    assert "已结束" in client.get("/public/notices").text
