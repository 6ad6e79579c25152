"""受理公示: written with the acceptance, on the working-day calendar, per item as data; the
public finds it without an account and downloads the public version of the report only."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import Catalogue
from approvals.catalogue_schema import PublicationRule
from models import AuditEvent, NoticeKind, PublicNotice
from tests.api.case_checks import headers_for
from tests.helpers import create_submitted

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
