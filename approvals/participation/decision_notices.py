"""The 批复公告: a decision published on issue, and a revocation published as well.

An item with ``decision_notice`` publishes each of its decisions (准予 / 不予 / 告知承诺制审批决定)
in the transaction that records the PDF issued, and a 撤销决定 the same way: number, project,
conclusion, the PDF (its public version: a 批复 names the enterprise and the project, no person),
and where to contest it (行政复议 within 60 days, 行政诉讼 within 6 months). The event it
follows is the decision (sign-off, or the revocation): the lag between that day and the
publication is what the auditor reads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from approvals.catalogue.districts import review_bodies
from approvals.catalogue.schema import Item
from approvals.clock import as_local, local_date
from approvals.participation.notices import find_notice
from approvals.timekeeping.calendar import WorkingCalendar
from models import Application, Document, DocumentKind, Enterprise, NoticeKind, PublicNotice

COURT = "有管辖权的人民法院"
CONCLUSIONS: dict[DocumentKind, str] = {
    DocumentKind.APPROVAL: "准予许可（同意项目建设）",
    DocumentKind.DENIAL: "不予许可",
    DocumentKind.COMMITMENT_DECISION: "准予许可（告知承诺制）",
    DocumentKind.REVOCATION_DECISION: "撤销原审批决定",
}


def appeal_note(issuer: str, district: str) -> str:
    body = review_bodies(issuer, district)
    return (
        f"申请人、利害关系人对本决定不服的，可以自知道该决定之日起六十日内向{body}申请行政复议，"
        f"也可以自知道该决定之日起六个月内向{COURT}提起行政诉讼。"
    )


def publish_on_issue(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    document: Document,
    issuer: str,
    at: datetime,
) -> PublicNotice | None:
    """Publish ``document`` if it is a decision of an item that publishes its decisions
    (idempotent: a re-driven issue finds the notice written)."""
    spec = item.decision_notice
    if spec is None or document.kind not in CONCLUSIONS:
        return None
    kind = (
        NoticeKind.REVOCATION
        if document.kind is DocumentKind.REVOCATION_DECISION
        else NoticeKind.DECISION
    )
    assert application.id is not None
    existing = find_notice(session, application.id, kind)
    if existing is not None:
        return existing
    acceptance = find_notice(session, application.id, NoticeKind.ACCEPTANCE)
    enterprise = session.get(Enterprise, application.enterprise_id)
    today = local_date(at)
    event_on: date = local_date(as_local(document.created_at))  # queued at the sign-off
    notice = PublicNotice(
        application_id=application.id,
        kind=kind,
        item_code=item.code,
        item_name=item.name_zh,
        project_name=application.project_name,
        builder=enterprise.name if enterprise else "",
        site=application.site,
        district=application.district,
        consultant=application.consultant,
        public_material_id=acceptance.public_material_id if acceptance else None,
        document_id=document.id,
        document_number=document.number or "",
        conclusion=CONCLUSIONS[document.kind],
        appeal_note=appeal_note(issuer, application.district),
        event_on=event_on,
        starts_on=today,
        ends_on=calendar.due(today, spec.days, spec.unit).day,
        days=spec.days,
        published_at=at,
    )
    session.add(notice)
    session.flush()
    return notice
