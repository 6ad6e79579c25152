"""Bureau staff: queues per role and acting on a case."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks

from api import case_actions
from api.case_actions import Actor
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.dispatching import after_commit
from api.etag import IfMatch
from api.params import Id
from api.presenters import application_public
from approvals import outbox
from approvals.casework import pauses
from approvals.casework.queries import get_application_for, queue_for
from approvals.catalogue import DayUnit
from models import Role
from models.ids import id_of
from models.schemas import (
    AnswerCreate,
    ApplicationPublic,
    ClockPauseCreate,
    ClockPausePublic,
    Comment,
    CorrectionRequest,
    DecisionDraft,
    MailPublic,
    PostalDispatchCreate,
    PostalDispatchPublic,
    RefusalRequest,
)

router = APIRouter(prefix="/api", tags=["工作人员 staff"])
STAFF = require_roles(
    Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN
)


@router.get("/queue", response_model=list[ApplicationPublic], dependencies=[STAFF])
def my_queue(
    user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[ApplicationPublic]:
    """Cases waiting for the signed-in user's role, oldest first."""
    return [application_public(session, services, a, user) for a in queue_for(session, user.role)]


@router.post("/applications/{application_id}/accept", response_model=ApplicationPublic)
def accept(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: IfMatch,
) -> ApplicationPublic:
    """受理: issues a 受理通知书 (by the flow)."""
    app = case_actions.accept(Actor(session, services, user, background), application_id, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/correction", response_model=ApplicationPublic)
def request_correction(
    application_id: Id,
    body: CorrectionRequest,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: IfMatch,
) -> ApplicationPublic:
    """补正: the complete list of what is missing, once (补正通知书)."""
    actor = Actor(session, services, user, background)
    app = case_actions.request_correction(actor, application_id, body, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/refuse", response_model=ApplicationPublic)
def refuse(
    application_id: Id,
    body: RefusalRequest,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: IfMatch,
) -> ApplicationPublic:
    """不予受理, with reasons (不予受理决定书)."""
    actor = Actor(session, services, user, background)
    app = case_actions.refuse(actor, application_id, body, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/decision", response_model=ApplicationPublic)
def draft_decision(
    application_id: Id,
    body: DecisionDraft,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    version: IfMatch,
) -> ApplicationPublic:
    """承办人拟办: approve with conditions, or deny with reasons."""
    actor = Actor(session, services, user)
    app = case_actions.draft_decision(actor, application_id, body, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/review/approve", response_model=ApplicationPublic)
def approve_draft(
    application_id: Id,
    body: Comment,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    version: IfMatch,
) -> ApplicationPublic:
    actor = Actor(session, services, user)
    app = case_actions.approve_draft(actor, application_id, body.comment, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/review/return", response_model=ApplicationPublic)
def return_draft(
    application_id: Id,
    body: Comment,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    version: IfMatch,
) -> ApplicationPublic:
    actor = Actor(session, services, user)
    app = case_actions.return_draft(actor, application_id, body.comment, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/sign", response_model=ApplicationPublic)
def sign(
    application_id: Id,
    body: Comment,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: IfMatch,
) -> ApplicationPublic:
    """领导签发: the issuing flow numbers, renders, stores and mails the decision."""
    actor = Actor(session, services, user, background)
    app = case_actions.sign(actor, application_id, body.comment, version)
    return application_public(session, services, app, user)


@router.post("/applications/{application_id}/sign/return", response_model=ApplicationPublic)
def return_from_signing(
    application_id: Id,
    body: Comment,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    version: IfMatch,
) -> ApplicationPublic:
    actor = Actor(session, services, user)
    app = case_actions.return_from_signing(actor, application_id, body.comment, version)
    return application_public(session, services, app, user)


@router.post(
    "/applications/{application_id}/postal", response_model=PostalDispatchPublic, status_code=201
)
def record_postal(
    application_id: Id,
    body: PostalDispatchCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> PostalDispatchPublic:
    """网上受理，邮寄结果: record the courier and waybill of the sealed original."""
    row = case_actions.record_postal(Actor(session, services, user), application_id, body)
    return PostalDispatchPublic.model_validate(row, from_attributes=True)


@router.get(
    "/applications/{application_id}/mails", response_model=list[MailPublic], dependencies=[STAFF]
)
def case_mails(application_id: Id, user: CurrentUser, session: SessionDep) -> list[MailPublic]:
    """The outbox messages of a case: to whom, when sent, the last error if any."""
    application = get_application_for(session, user, application_id)
    return [
        MailPublic.model_validate(m, from_attributes=True)
        for m in outbox.mails_of(session, id_of(application))
    ]


@router.post(
    "/applications/{application_id}/clock/pause", response_model=ClockPausePublic, status_code=201
)
def pause_clock(
    application_id: Id,
    body: ClockPauseCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> ClockPausePublic:
    """暂停计时（行政许可法第45条）: issues the 特别程序告知书 to the applicant."""
    pause = pauses.pause_clock(
        session,
        services.clock,
        services.catalogue,
        user,
        application_id,
        reason=body.reason,
        max_days=body.max_days,
        unit=DayUnit(body.unit),
        comment=body.comment,
    )
    session.commit()
    after_commit(background, services, application_id)
    return ClockPausePublic.model_validate(pause, from_attributes=True)


@router.post("/applications/{application_id}/clock/resume", response_model=ClockPausePublic)
def resume_clock(
    application_id: Id,
    body: Comment,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> ClockPausePublic:
    """恢复计时: the day the pause ends does not count, the next day does."""
    pause = pauses.resume_clock(
        session, services.clock, services.catalogue, user, application_id, body.comment
    )
    session.commit()
    return ClockPausePublic.model_validate(pause, from_attributes=True)


@router.post("/applications/{application_id}/answer", response_model=ApplicationPublic)
def answer(
    application_id: Id,
    body: AnswerCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: IfMatch,
) -> ApplicationPublic:
    """承办人答复 (service items): the 答复书 is numbered, rendered and mailed by the flow."""
    actor = Actor(session, services, user, background)
    app = case_actions.answer(actor, application_id, body, version)
    return application_public(session, services, app, user)
