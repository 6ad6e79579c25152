"""The written guidance (指导意见): the officer names the item that applies, the EIA category
under the 名录 and the known obstacles; the materials come from the item, whether the fast
track (告知承诺制) can apply from its eligibility check. Issuing it queues a document (the
issuing flow numbers, renders, signs, stores and mails it). Services flush; callers commit."""

from __future__ import annotations

from sqlmodel import Session, col, select

from approvals.casework.transitions import new_verify_code
from approvals.catalogue import Catalogue
from approvals.clock import Clock, local_date, to_utc
from approvals.commitment.eligibility import EligibilityInput, assess
from approvals.commitment.reference_data import current_parks, current_scope
from approvals.commitment.service import barred_until
from approvals.consultation.requests import get_for, record
from approvals.consultation.rules import load_rules
from approvals.errors import InvalidInput, InvalidTransition, PermissionDenied
from models import (
    Consultation,
    ConsultationState,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    User,
)
from models.consultation import EiaCategory, GuidanceCreate
from models.ids import id_of

FAST_TRACK_ITEM = "EIA-07"  # 告知承诺制 (the catalogue's commitment item)


def fast_track_check(
    session: Session, clock: Clock, consultation: Consultation, data: GuidanceCreate
) -> tuple[bool, str]:
    """(can 告知承诺制 apply, why): the fast track's own eligibility check on the project."""
    if data.eia_category is not EiaCategory.REPORT_TABLE:
        return False, "告知承诺制仅适用于编制环境影响报告表的项目，本项目不适用。"
    enterprise = session.get(Enterprise, consultation.enterprise_id)
    assert enterprise is not None
    today = local_date(clock.now())
    result = assess(
        EligibilityInput(
            industry_code=consultation.industry_code, minglu_item=None,
            document_type="report_table", district=consultation.district,
            park_name=data.park_name.strip() or None, longitude=None, latitude=None,
            in_sensitive_area=data.in_sensitive_area, has_electroplating=False,
            is_two_high_one_danger=False, involves_radiation=False,
            barred_until=barred_until(session, id_of(enterprise), today),
            bad_credit=enterprise.bad_credit, today=today,
        ),
        current_scope(session),
        current_parks(session),
    )  # fmt: skip
    return result.eligible, result.summary_zh


def issue(
    session: Session, clock: Clock, catalogue: Catalogue, actor: User, consultation_id: int,
    data: GuidanceCreate,
) -> Document:  # fmt: skip
    """The assigned officer issues the guidance once; returns the pending 指导意见 document."""
    consultation = get_for(session, actor, consultation_id)
    if actor.id != consultation.officer_id:
        raise PermissionDenied("由分派的承办人员出具指导意见", "only the assigned officer")
    if consultation.state not in (ConsultationState.ASSIGNED, ConsultationState.BOOKED):
        raise InvalidTransition("该项目已出具指导意见或尚未分派", "guidance not possible now")
    code = data.item_code.strip()
    if code not in catalogue or not catalogue.get(code).appliable:
        raise InvalidInput(f"事项“{code}”不存在或不受理申请", "no such item", field="item_code")
    item = catalogue.get(code)
    eligible, summary = fast_track_check(session, clock, consultation, data)
    now = clock.now()
    consultation.item_code = item.code
    consultation.eia_category = data.eia_category
    consultation.materials = [m.name for m in item.materials if m.required]
    consultation.fast_track, consultation.fast_track_summary = eligible, summary
    consultation.obstacles = data.obstacles.strip()
    consultation.guided_by, consultation.guided_at = actor.id, to_utc(now)
    consultation.state = ConsultationState.GUIDED
    session.add(consultation)
    document = Document(
        application_id=None,
        consultation_id=consultation.id,
        kind=DocumentKind.GUIDANCE_OPINION,
        state=DocumentState.PENDING,
        series=load_rules().document_series.series,
        year=local_date(now).year,
        verify_code=new_verify_code(),
        created_at=to_utc(now),
    )
    session.add(document)
    session.flush()
    record(session, now, actor, consultation, "consultation_guided", f"出具指导意见（{item.code}）")
    session.flush()
    return document


def guidance_document(session: Session, consultation_id: int) -> Document | None:
    query = select(Document).where(
        Document.consultation_id == consultation_id,
        Document.kind == DocumentKind.GUIDANCE_OPINION,
    )
    return session.exec(query.order_by(col(Document.id).desc())).first()
