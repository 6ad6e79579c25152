"""A project's history: the applications that link to a consultation (the enterprise links
its own case), and, on a case, the consultation it follows. Services flush; callers commit."""

from __future__ import annotations

from sqlmodel import Session, col, select

from approvals.casework.queries import get_application_for
from approvals.clock import Clock, to_utc
from approvals.consultation.requests import get_for, record
from approvals.errors import InvalidTransition, NotFound, PermissionDenied
from models import Application, Consultation, ConsultationLink, Role, User
from models.ids import id_of


def link(
    session: Session, clock: Clock, actor: User, consultation_id: int, application_id: int
) -> ConsultationLink:
    """The enterprise (or its agent) links one of the project's applications to the
    consultation; an application follows at most one consultation."""
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("由申请企业关联前期指导", "only the enterprise links")
    consultation = get_for(session, actor, consultation_id)
    application = get_application_for(session, actor, application_id)
    if application.enterprise_id != consultation.enterprise_id:
        raise PermissionDenied("只能关联同一企业的申请", "another enterprise's application")
    if consultation_of(session, application_id) is not None:
        raise InvalidTransition("该申请已关联前期指导项目", "the application is linked already")
    now = clock.now()
    row = ConsultationLink(
        consultation_id=id_of(consultation),
        application_id=application_id,
        linked_by=id_of(actor),
        linked_at=to_utc(now),
    )
    session.add(row)
    session.flush()
    record(
        session, now, actor, consultation, "consultation_linked", f"关联申请{application.number}"
    )
    return row


def consultation_of(session: Session, application_id: int) -> Consultation | None:
    """The consultation a case follows, if any."""
    query = (
        select(Consultation)
        .join(ConsultationLink, col(ConsultationLink.consultation_id) == col(Consultation.id))
        .where(ConsultationLink.application_id == application_id)
    )
    return session.exec(query).first()


def linked_applications(
    session: Session, consultation_id: int
) -> list[tuple[Application, ConsultationLink]]:
    query = (
        select(Application, ConsultationLink)
        .join(ConsultationLink, col(ConsultationLink.application_id) == col(Application.id))
        .where(ConsultationLink.consultation_id == consultation_id)
        .order_by(col(ConsultationLink.id))
    )
    return [(a, row) for a, row in session.exec(query)]


def linkable(session: Session, actor: User, consultation: Consultation) -> list[Application]:
    """The enterprise's applications not linked to any consultation yet, newest first."""
    linked = select(ConsultationLink.application_id)
    query = select(Application).where(
        Application.enterprise_id == consultation.enterprise_id,
        col(Application.id).not_in(linked),
    )
    rows = session.exec(query.order_by(col(Application.id).desc()).limit(50))
    return [a for a in rows if actor.role is not Role.APPLICANT or _visible(session, actor, a)]


def _visible(session: Session, actor: User, application: Application) -> bool:
    try:
        get_application_for(session, actor, id_of(application))
    except NotFound:  # not this reader's (an agent whose authorisation ended)
        return False
    return True
