"""靠前服务 over JSON: the enterprise registers a planned project and books a consultation;
the section chief assigns an officer; the officer offers slots and issues the written guidance
(指导意见, a signed PDF mailed to the enterprise); the enterprise links its later application;
auditors read the time from request to guidance."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Response, status

from api.contract import PDF_RESPONSE
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.dispatching import after_guidance
from api.downloads import issued_document
from api.params import Id
from approvals.casework.queries import STAFF_ROLES, get_application_for
from approvals.consultation import guidance, history, requests, slots
from approvals.consultation.report import consultation_report
from approvals.consultation.views import consultation_public, rule_sources, slot_public
from approvals.errors import NotFound
from approvals.timekeeping.schedule import shared_calendar
from models import DocumentState, Role
from models.consultation import (
    AssignOfficer,
    BookSlot,
    CaseConsultation,
    ConsultationCreate,
    ConsultationPublic,
    ConsultationReport,
    GuidanceCreate,
    LinkApplication,
    SlotCreate,
    SlotPublic,
)
from models.ratings import SourcedRule

router = APIRouter(prefix="/api", tags=["靠前服务 consultations"])
APPLICANT = require_roles(Role.APPLICANT)
STAFF = require_roles(*STAFF_ROLES)
READERS = require_roles(Role.APPLICANT, *STAFF_ROLES)
AUDITORS = require_roles(Role.AUDITOR, Role.ADMIN)


@router.post(
    "/consultations",
    response_model=ConsultationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def register(
    body: ConsultationCreate, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ConsultationPublic:
    """Register a planned project and ask for guidance (an agent: ``on_behalf_of``)."""
    consultation = requests.register(session, services.clock, user, body)
    session.commit()
    return consultation_public(session, services.catalogue, consultation)


@router.get("/consultations", response_model=list[ConsultationPublic], dependencies=[READERS])
def list_consultations(
    user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[ConsultationPublic]:
    """The reader's consultations (staff: all, the officer's own first), newest first."""
    return [
        consultation_public(session, services.catalogue, c) for c in requests.visible(session, user)
    ]


@router.get(
    "/consultations/{consultation_id}", response_model=ConsultationPublic, dependencies=[READERS]
)
def show(
    consultation_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ConsultationPublic:
    consultation = requests.get_for(session, user, consultation_id)
    return consultation_public(session, services.catalogue, consultation)


@router.post(
    "/consultations/{consultation_id}/assign",
    response_model=ConsultationPublic,
    dependencies=[STAFF],
)
def assign(
    consultation_id: Id, body: AssignOfficer, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ConsultationPublic:  # fmt: skip
    """The section chief (or the administrator) assigns the officer (mailed)."""
    consultation = requests.assign(session, services.clock, user, consultation_id, body.officer_id)
    session.commit()
    return consultation_public(session, services.catalogue, consultation)


@router.post(
    "/consultation-slots",
    response_model=SlotPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[STAFF],
)
def offer_slot(
    body: SlotCreate, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> SlotPublic:
    """The officer offers a consultation time (video or on site)."""
    slot = slots.offer(session, services.clock, user, body)
    session.commit()
    return slot_public(session, slot)


@router.get("/consultation-slots/mine", response_model=list[SlotPublic], dependencies=[STAFF])
def my_slots(user: CurrentUser, session: SessionDep, services: ServicesDep) -> list[SlotPublic]:
    """The officer's slots from today on (booked or free)."""
    own = slots.officer_slots(session, services.clock, user.id or 0)
    return [slot_public(session, s) for s in own]


@router.get(
    "/consultations/{consultation_id}/slots",
    response_model=list[SlotPublic],
    dependencies=[READERS],
)
def open_slots(
    consultation_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[SlotPublic]:
    """The assigned officer's free times ahead, to book one."""
    consultation = requests.get_for(session, user, consultation_id)
    return [
        slot_public(session, s) for s in slots.open_slots(session, services.clock, consultation)
    ]


@router.post(
    "/consultations/{consultation_id}/booking",
    response_model=ConsultationPublic,
    dependencies=[APPLICANT],
)
def book(
    consultation_id: Id, body: BookSlot, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ConsultationPublic:  # fmt: skip
    """Book (or move to) a free slot; both sides are mailed and reminded the working day before."""
    slots.book(session, services.clock, user, consultation_id, body.slot_id)
    session.commit()
    return consultation_public(
        session, services.catalogue, requests.get_for(session, user, consultation_id)
    )


@router.post(
    "/consultations/{consultation_id}/guidance",
    response_model=ConsultationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[STAFF],
)
def issue_guidance(
    consultation_id: Id, body: GuidanceCreate, user: CurrentUser, session: SessionDep,
    services: ServicesDep, background: BackgroundTasks,
) -> ConsultationPublic:  # fmt: skip
    """The assigned officer issues the written guidance; the 指导意见 PDF is numbered, signed,
    stored and mailed by the issuing flow."""
    guidance.issue(session, services.clock, services.catalogue, user, consultation_id, body)
    session.commit()
    after_guidance(background, services)
    consultation = requests.get_for(session, user, consultation_id)
    return consultation_public(session, services.catalogue, consultation)


@router.get(
    "/consultations/{consultation_id}/guidance.pdf",
    response_class=Response,
    responses=PDF_RESPONSE,
    dependencies=[READERS],
    summary="下载指导意见 / download the written guidance",
)
def download_guidance(
    consultation_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Response:
    requests.get_for(session, user, consultation_id)
    document = guidance.guidance_document(session, consultation_id)
    if document is None or document.state is DocumentState.PENDING:
        raise NotFound("指导意见尚未出具", "the guidance is not issued yet")
    return issued_document(services, document)


@router.post(
    "/consultations/{consultation_id}/links",
    response_model=ConsultationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def link(
    consultation_id: Id, body: LinkApplication, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ConsultationPublic:  # fmt: skip
    """Link a later application of the enterprise to the project (its history)."""
    history.link(session, services.clock, user, consultation_id, body.application_id)
    session.commit()
    return consultation_public(
        session, services.catalogue, requests.get_for(session, user, consultation_id)
    )


@router.get(
    "/applications/{application_id}/consultation",
    response_model=CaseConsultation,
    dependencies=[READERS],
)
def of_application(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> CaseConsultation:
    """The consultation the case follows (null: none): the project's history."""
    get_application_for(session, user, application_id)
    consultation = history.consultation_of(session, application_id)
    if consultation is None or not requests.may_see(session, user, consultation):
        return CaseConsultation(consultation=None)
    public = consultation_public(session, services.catalogue, consultation)
    return CaseConsultation(consultation=public)


@router.get("/audit/consultations", response_model=ConsultationReport, dependencies=[AUDITORS])
def report(session: SessionDep) -> ConsultationReport:
    """Consultations per month and the time from request to guidance (medians)."""
    return consultation_report(session, shared_calendar())


@router.get("/consultation-rules", response_model=list[SourcedRule], dependencies=[STAFF])
def rules() -> list[SourcedRule]:
    """The adopted 靠前服务 rules with their evidence markers and sources (staff only)."""
    return rule_sources()
