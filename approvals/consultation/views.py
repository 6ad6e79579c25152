"""What a reader sees of a consultation: the enterprise its project, booking and guidance;
staff also the rules' sources (never an applicant)."""

from __future__ import annotations

from sqlmodel import Session

from approvals.catalogue import Catalogue
from approvals.consultation.guidance import guidance_document
from approvals.consultation.history import linked_applications
from approvals.consultation.rules import load_rules
from approvals.consultation.slots import booked_slot
from models import Consultation, ConsultationSlot, DocumentState, Enterprise, User
from models.consultation import (
    CONSULT_MODE_LABELS,
    CONSULTATION_STATE_LABELS,
    EIA_CATEGORY_LABELS,
    ConsultationPublic,
    LinkedApplication,
    SlotPublic,
)
from models.ids import id_of
from models.ratings import SourcedRule


def slot_public(session: Session, slot: ConsultationSlot) -> SlotPublic:
    officer = session.get(User, slot.officer_id)
    return SlotPublic(
        id=id_of(slot),
        officer_name=officer.display_name if officer else "",
        starts_at=slot.starts_at,
        minutes=slot.minutes,
        mode=slot.mode,
        mode_label=CONSULT_MODE_LABELS[slot.mode],
        place=slot.place,
        booked=slot.consultation_id is not None,
    )


def consultation_public(
    session: Session, catalogue: Catalogue, consultation: Consultation
) -> ConsultationPublic:
    enterprise = session.get(Enterprise, consultation.enterprise_id)
    officer = session.get(User, consultation.officer_id) if consultation.officer_id else None
    slot = booked_slot(session, id_of(consultation))
    document = guidance_document(session, id_of(consultation))
    issued = document is not None and document.state is DocumentState.ISSUED
    code = consultation.item_code
    category = consultation.eia_category
    return ConsultationPublic(
        id=id_of(consultation),
        number=consultation.number,
        enterprise_name=enterprise.name if enterprise else "",
        project_name=consultation.project_name,
        site=consultation.site,
        district=consultation.district,
        industry_code=consultation.industry_code,
        scale=consultation.scale,
        description=consultation.description,
        question=consultation.question,
        contact_name=consultation.contact_name,
        contact_email=consultation.contact_email,
        state=consultation.state,
        state_label=CONSULTATION_STATE_LABELS[consultation.state],
        requested_at=consultation.requested_at,
        officer_name=officer.display_name if officer else None,
        slot=slot_public(session, slot) if slot else None,
        item_code=code,
        item_name=catalogue.get(code).name_zh if code and code in catalogue else None,
        eia_category=category,
        eia_category_label=EIA_CATEGORY_LABELS[category] if category else None,
        materials=list(consultation.materials),
        fast_track=consultation.fast_track,
        fast_track_summary=consultation.fast_track_summary,
        obstacles=consultation.obstacles,
        guided_at=consultation.guided_at,
        document_number=document.number if document and issued else None,
        document_url=f"/api/consultations/{consultation.id}/guidance.pdf" if issued else None,
        applications=[
            LinkedApplication(
                id=id_of(a),
                number=a.number,
                item_code=a.item_code,
                status=a.status.value,
                linked_at=row.linked_at,
            )
            for a, row in linked_applications(session, id_of(consultation))
        ],
    )


def rule_sources() -> list[SourcedRule]:
    return [
        SourcedRule(rule=label, evidence=rule.evidence.value, sources=list(rule.sources))
        for label, rule in load_rules().sourced()
    ]
