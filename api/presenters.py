"""Tables to response schemas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, bindparam, exists
from sqlmodel import Session, col, select

from api.applicant_view import timeline_for
from api.services import AppServices
from approvals.casework.queries import timeline
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.lawbook import document_label
from approvals.catalogue.process.standard import HUMAN_STEP, actions_for
from approvals.clock import as_local, local_date
from approvals.timekeeping import case_clock as clock_service
from models import (
    Application,
    ClockPause,
    Document,
    ElectronicLicence,
    Enterprise,
    Material,
    PostalDispatch,
    User,
)
from models.enums import DOCUMENT_LABELS, STATUS_LABELS, DocumentState
from models.ids import id_of
from models.schemas import (
    ApplicationDetail,
    ApplicationPublic,
    ClockPausePublic,
    ClockPublic,
    DocumentPublic,
    MaterialPublic,
    PostalDispatchPublic,
    TimelineEntry,
)


def application_public(
    session: Session, services: AppServices, application: Application, viewer: User
) -> ApplicationPublic:
    enterprise = session.get(Enterprise, application.enterprise_id)
    item = item_of(session, application)
    return ApplicationPublic(
        **application.model_dump(
            include={
                "id",
                "number",
                "version",
                "item_code",
                "item_version",
                "status",
                "project_name",
                "site",
                "district",
                "industry_code",
                "total_investment",
                "env_investment",
                "consultant",
                "track",
                "warning",
                "due_on",
                "due_provisional",
                "created_at",
                "submitted_at",
                "received_on",
                "accepted_on",
                "decided_on",
            }
        ),
        item_name=item.name_zh,
        status_label=STATUS_LABELS[application.status],
        applicant_name=enterprise.name if enterprise else "",
        next_role=HUMAN_STEP.get(application.status),
        actions=[
            a.value for a in actions_for(application.status, viewer.role, application.process_kind)
        ],
    )


def document_public(
    application: Application, document: Document, licence_identifier: str | None = None
) -> DocumentPublic:
    issued = document.state is not DocumentState.PENDING
    package = f"/api/licences/{licence_identifier}/package" if licence_identifier else None
    return DocumentPublic(
        id=id_of(document),
        kind=document.kind,
        kind_label=document_label(
            application.item_code, document.kind, DOCUMENT_LABELS[document.kind]
        ),
        state=document.state,
        number=document.number,
        sha256=document.sha256,
        size=document.size,
        verify_code=document.verify_code,
        object_key=document.object_key,
        issued_at=document.issued_at,
        download_url=(
            f"/api/applications/{application.id}/documents/{document.id}/pdf" if issued else None
        ),
        licence_identifier=licence_identifier,
        licence_package_url=package,
    )


# The detail's statements, built once (see ``approvals.casework.queries``): bound parameters.
_CASE_ID = bindparam("application_id", type_=Integer)
_MATERIALS = (
    select(Material)
    .where(col(Material.application_id) == _CASE_ID, Material.superseded == False)  # noqa: E712
    .order_by(col(Material.id))
)
_DOCUMENTS = (  # each with its electronic licence's identifier, in one query
    select(Document, ElectronicLicence.identifier)
    .outerjoin(ElectronicLicence, col(ElectronicLicence.document_id) == col(Document.id))
    .where(col(Document.application_id) == _CASE_ID)
    .order_by(col(Document.id))
)
_CASE_FACTS = select(
    clock_service.open_step_entered_at(_CASE_ID),
    exists().where(col(PostalDispatch.application_id) == _CASE_ID),
    exists().where(col(ClockPause.application_id) == _CASE_ID),
)


def application_detail(
    session: Session, services: AppServices, application: Application, viewer: User
) -> ApplicationDetail:
    base = application_public(session, services, application, viewer)
    item = item_of(session, application)
    case = {"application_id": application.id}
    materials = session.exec(_MATERIALS, params=case).all()
    documents = session.exec(_DOCUMENTS, params=case).all()
    entered_at, has_postal, has_pauses = _case_facts(session, id_of(application))
    postal = (
        session.exec(
            select(PostalDispatch).where(PostalDispatch.application_id == application.id)
        ).all()
        if has_postal
        else []
    )
    steps = timeline_for(timeline(session, application, services.calendar), viewer)
    today = local_date(services.clock.now())
    # read once, used twice
    pauses = clock_service.pauses_of(session, id_of(application)) if has_pauses else []
    entered = local_date(entered_at) if entered_at else None
    clock = clock_service.compute_state(
        services.calendar, item, application, pauses, entered, today
    )
    start = application.received_on
    end = application.decided_on or local_date(services.clock.now())
    working, _ = services.calendar.working_days_between(start, end) if start else (0, False)
    return ApplicationDetail(
        **base.model_dump(),
        materials=[MaterialPublic.model_validate(m, from_attributes=True) for m in materials],
        documents=[document_public(application, d, licence) for d, licence in documents],
        timeline=[
            TimelineEntry(
                at=as_local(s.event.at),
                actor=s.event.actor_name,
                role=s.event.actor_role,
                action=s.event.action,
                action_label=s.label,
                from_status=s.event.from_status,
                to_status=s.event.to_status,
                comment=s.event.comment,
                calendar_days=s.calendar_days,
                working_days=s.working_days,
                provisional=s.provisional,
            )
            for s in steps
        ],
        postal=[PostalDispatchPublic.model_validate(p, from_attributes=True) for p in postal],
        elapsed_calendar_days=(end - start).days if start else 0,
        elapsed_working_days=working,
        statutory_days=item.statutory.days,
        statutory_unit=item.statutory.unit.value,
        promised_days=item.promised.days,
        clock=_clock_public(clock),
        pauses=[ClockPausePublic.model_validate(p, from_attributes=True) for p in pauses],
    )


def _case_facts(session: Session, application_id: int) -> tuple[datetime | None, bool, bool]:
    """When the open step began, and whether the case has postal dispatches and clock pauses,
    in one statement: those lists are usually empty, and read only when they are not."""
    row = session.exec(_CASE_FACTS, params={"application_id": application_id}).one()
    return row[0], bool(row[1]), bool(row[2])


def _clock_public(state: clock_service.ClockState) -> ClockPublic:
    data = {k: v for k, v in state.__dict__.items() if k != "step"}
    data["unit"] = state.unit.value
    return ClockPublic(**data)
