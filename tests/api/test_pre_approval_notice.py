"""拟批准公示: the leader agrees in principle, the notice runs 5 working days in Zhengzhou's
columns and tells of the right to a hearing (§47); signing the approval waits for its end. The
decision is then published on issue (批复公告) with where to contest it."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import Catalogue
from approvals.catalogue.schema import PublicationRule
from approvals.clock import SHANGHAI, FixedClock
from models import AuditEvent, NoticeKind, PublicNotice
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import DENY, approve_draft, draft
from tests.api.test_public_notices import accepted_case

TEXT = {
    "overview": "年产5000台数控机床，总投资12000万元，其中环保投资360万元。",
    "measures": "废气经布袋除尘后15米排气筒排放；废水预处理后排入园区污水处理厂；危废委托处置。",
}


def _sign(client: TestClient, case_id: int) -> object:
    return client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )


def _publish(client: TestClient, case_id: int, user: str = "lingdao") -> object:
    return client.post(
        f"/api/applications/{case_id}/pre-approval-notice",
        json=TEXT,
        headers=headers_for(client, user),
    )


def test_items_say_which_rule_their_pre_approval_notice_and_decision_notice_follow(
    catalogue: Catalogue,
) -> None:
    with_notice = {i.code: i for i in catalogue.items if i.acceptance_notice}
    for code, item in with_notice.items():
        spec, decision = item.pre_approval_notice, item.decision_notice
        assert spec is not None and decision is not None, code
        assert spec.days == 5, code
        assert spec.evidence.value in (("inferred",) if code == "EIA-07" else ("found", "legal"))
        expected = item.acceptance_notice.rule  # type: ignore[union-attr]
        assert spec.rule is expected, code
    fast = with_notice["EIA-07"].pre_approval_notice
    assert fast is not None and fast.rule is PublicationRule.AFTER_DECISION


def test_signing_waits_for_the_pre_approval_notice_the_leader_publishes_and_its_end(
    client: TestClient, clock: FixedClock, engine: Engine
) -> None:
    case_id = accepted_case(client, "EIA-01")  # Fri 2026-11-20
    draft(client, case_id)
    approve_draft(client, case_id)
    refused = _sign(client, case_id)
    assert (
        "须先同意拟批准并发布拟批准公示"
        in expect_error(refused, 409, "invalid_transition")["message"]
    )
    expect_error(_publish(client, case_id, "kezhang"), 403, "permission_denied")

    published = _publish(client, case_id)
    assert published.status_code == 200, published.text  # type: ignore[attr-defined]
    notice = published.json()  # type: ignore[attr-defined]
    assert (notice["kind"], notice["kind_label"], notice["days"]) == (
        "pre_approval",
        "拟批准公示",
        5,
    )
    assert (notice["starts_on"], notice["ends_on"]) == ("2026-11-20", "2026-11-27")
    assert notice["overview"] == TEXT["overview"] and notice["measures"] == TEXT["measures"]
    assert "未收到公众意见" in notice["participation_summary"]
    assert "第四十七条" in notice["hearing_right"] and "五日内" in notice["hearing_right"]
    assert notice["builder"] and notice["consultant"] and notice["site"]
    expect_error(_publish(client, case_id), 409, "invalid_transition")

    too_early = expect_error(_sign(client, case_id), 409, "invalid_transition")
    # refused until 11-27: the 拟批准公示, and the hearing request period it started (§47)
    message = too_early["message"]
    assert message.startswith("暂不能签发") and "2026年11月27日" in message
    clock.set(datetime(2026, 11, 27, 16, 0, tzinfo=SHANGHAI))  # its last day
    expect_error(_sign(client, case_id), 409, "invalid_transition")
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))  # Monday: ended
    signed = _sign(client, case_id)
    assert signed.status_code == 200, signed.text  # type: ignore[attr-defined]

    public = client.get("/api/public/notices", params={"kind": "decision"}).json()
    [decided] = [n for n in public if n["project_name"] == notice["project_name"]]
    assert decided["document_number"].startswith("郑环审〔2026〕")
    assert decided["conclusion"].startswith("准予许可")
    assert "六十日内" in decided["appeal_note"] and "六个月内" in decided["appeal_note"]
    pdf = client.get(decided["document_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with Session(engine) as session:
        rows = {
            n.kind: n
            for n in session.exec(
                select(PublicNotice).where(PublicNotice.application_id == case_id)
            )
        }
        actions = set(
            session.exec(select(AuditEvent.action).where(AuditEvent.application_id == case_id))
        )
    assert set(rows) == {NoticeKind.ACCEPTANCE, NoticeKind.PRE_APPROVAL, NoticeKind.DECISION}
    assert rows[NoticeKind.DECISION].event_on == date(2026, 11, 30)
    assert rows[NoticeKind.DECISION].published_at is not None
    assert "pre_approval_notice" in actions


def test_a_denial_publishes_no_pre_approval_notice_and_is_signed_without_one(
    client: TestClient,
) -> None:
    case_id = accepted_case(client, "EIA-01")
    draft(client, case_id, DENY)
    approve_draft(client, case_id)
    expect_error(_publish(client, case_id), 409, "invalid_transition")
    signed = _sign(client, case_id)
    assert signed.status_code == 200, signed.text  # type: ignore[attr-defined]
    decided = client.get("/api/public/notices", params={"kind": "decision"}).json()
    assert [n["conclusion"] for n in decided] == ["不予许可"]
