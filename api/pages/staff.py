"""Bureau staff pages: the queue of one's role and the action forms of the case page.

Every reviewer action (accept, correction, refuse, draft, approve, return, sign, return from
signing, answer, postal dispatch) calls the same action as the JSON API
(``api/case_actions.py``: the use case, the commit, the flow launch); the page only parses its
form and answers 303 back to the case page with a flash message. A refused action shows the
case page again with the Chinese message and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, func, select

from api import case_actions
from api.case_actions import Actor
from api.deps import ServicesDep, SessionDep
from api.pages.case import paused_ids, render_case, run_step
from api.pages.display import (
    PROVISIONAL_NOTE,
    STATUS_TONES,
    WARNING_ORDER,
    flash_of,
    redirect_with,
    warning_badge,
)
from api.pages.forms import build, lines, missing_materials
from api.pages.refusals import refused_redirect
from api.pages.security import QueueUser, StaffUser
from api.params import Id
from api.presenters import application_public
from api.services import AppServices
from api.templating import render_page
from approvals.administration.branches import branch_label
from approvals.casework import pauses, review
from approvals.casework.live_queue import fingerprint_of
from approvals.casework.queries import get_application_by_number, get_application_for, queue_for
from approvals.catalogue import DayUnit, ProcessKind
from approvals.catalogue.process.standard import WITH_RESULT
from approvals.clock import local_date
from approvals.errors import DomainError
from models import Application, AuditEvent, PostalDispatch, User
from models.schemas import (
    AnswerCreate,
    ClockPauseCreate,
    CorrectionRequest,
    DecisionDraft,
    PostalDispatchCreate,
    RefusalRequest,
)

router = APIRouter()
Version = Annotated[int | None, Form(description="办件版本号")]
Text = Annotated[str, Form(max_length=8000)]


def _last_step_on(session: Session, ids: list[int]) -> dict[int, date]:
    """The local date of each case's latest recorded step: how long it has waited here."""
    if not ids:
        return {}
    rows = session.exec(
        select(AuditEvent.application_id, func.max(AuditEvent.at))
        .where(col(AuditEvent.application_id).in_(ids))
        .group_by(col(AuditEvent.application_id))
    ).all()
    return {app_id: local_date(at) for app_id, at in rows if app_id is not None}


def _awaiting_postal(session: Session) -> list[Application]:
    """Finished cases whose sealed original has not been recorded as posted yet."""
    posted = select(PostalDispatch.application_id)
    return list(
        session.exec(
            select(Application)
            .where(
                col(Application.status).in_(list(WITH_RESULT)), col(Application.id).not_in(posted)
            )
            .order_by(col(Application.decided_on), col(Application.id))
            .limit(100)
        )
    )


@router.get("/queue")
def queue(
    request: Request,
    user: QueueUser,
    session: SessionDep,
    services: ServicesDep,
    number: str = "",
) -> Response:
    error = ""
    if number.strip():
        try:
            found = get_application_by_number(session, user, number.strip())
            return RedirectResponse(f"/cases/{found.id}", status_code=303)
        except DomainError as exc:
            error = exc.message_zh
    today = local_date(services.clock.now())
    # Red (past the statutory limit) first, then yellow, then the rest in the order they came.
    waiting = sorted(
        queue_for(session, user.role, district=user.branch_district),  # a branch: its district
        key=lambda a: WARNING_ORDER.get(a.warning, 2),
    )
    ids = [a.id for a in waiting if a.id is not None]
    since = _last_step_on(session, ids)
    paused = paused_ids(session, ids)
    rows = []
    for application in waiting:
        start = since.get(application.id or 0, today)
        working, _ = services.calendar.working_days_between(start, today)
        rows.append(
            {
                "case": application_public(session, services, application, user),
                "calendar_days": (today - start).days,
                "working_days": working,
                "warning": warning_badge(application.warning),
                "paused": application.id in paused,
            }
        )
    postal = (
        [application_public(session, services, a, user) for a in _awaiting_postal(session)]
        if user.role in review.POSTAL_ROLES
        else []
    )
    return render_page(
        request,
        "queue.html",
        {
            "rows": rows,
            "live_fingerprint": fingerprint_of(waiting),  # polled by pages.js (api.pages.live)
            "branch": branch_label(user.branch_district),
            "postal_rows": postal,
            "shows_postal": user.role in review.POSTAL_ROLES,
            "tones": STATUS_TONES,
            "provisional_note": PROVISIONAL_NOTE,
            "number": number,
            "error": error,
            "flash": flash_of(request),
        },
        status_code=404 if error else 200,
    )


def _act(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    values: Mapping[str, str],
    step: Callable[[], object],
    message: str,
    background: BackgroundTasks | None = None,
) -> Response:
    done = redirect_with(f"/cases/{application_id}", message)
    return run_step(
        request,
        session,
        services,
        user,
        application_id,
        values,
        step,
        done,
        background=background,
        render=_refused,
    )


def _refused(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    *,
    error: str,
    values: Mapping[str, str],
    status_code: int,
) -> Response:
    """A refused form (invalid or out of date): back to the case page by a redirect, so a
    reload never posts again; forbidden or missing cases are answered in place."""
    if status_code in (409, 422):
        path = f"/cases/{application_id}"
        back = refused_redirect(request, services, user.id, path, error, values, anchor="actions")
        if back is not None:
            return back
    return render_case(
        request,
        session,
        services,
        user,
        application_id,
        error=error,
        values=values,
        status_code=status_code,
    )


@router.post("/cases/{application_id}/accept")
def accept(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    version: Version = None,
) -> Response:
    actor = Actor(session, services, user, background)

    def step() -> object:
        return case_actions.accept(actor, application_id, version)

    # A service request is taken and assigned (受理分办), not noticed with a 受理通知书.
    kind = get_application_for(session, user, application_id).process_kind
    message = "accept_service" if kind is ProcessKind.SERVICE else "accept"
    return _act(request, session, services, user, application_id, {}, step, message)


@router.post("/cases/{application_id}/correction")
def request_correction(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    missing: Text = "",
    version: Version = None,
) -> Response:
    def step() -> object:
        listed = [m.model_dump() for m in missing_materials(missing)]
        body = build(CorrectionRequest, {"missing": listed})
        actor = Actor(session, services, user, background)
        return case_actions.request_correction(actor, application_id, body, version)

    values = {"missing": missing}
    return _act(
        request, session, services, user, application_id, values, step, "request_correction"
    )


@router.post("/cases/{application_id}/refuse")
def refuse(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    reasons: Text = "",
    redirect_to: Text = "",
    version: Version = None,
) -> Response:
    values = {"reasons": reasons, "redirect_to": redirect_to}

    def step() -> object:
        body = build(RefusalRequest, {"reasons": reasons, "redirect_to": redirect_to or None})
        actor = Actor(session, services, user, background)
        return case_actions.refuse(actor, application_id, body, version)

    return _act(request, session, services, user, application_id, values, step, "refuse")


@router.post("/cases/{application_id}/decision")
def draft_decision(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    outcome: Text = "",
    conditions: Text = "",
    reasons: Text = "",
    legal_grounds: Text = "",
    version: Version = None,
) -> Response:
    values = {
        "outcome": outcome,
        "conditions": conditions,
        "reasons": reasons,
        "legal_grounds": legal_grounds,
    }

    def step() -> object:
        body = build(DecisionDraft, values | {"conditions": lines(conditions)})
        actor = Actor(session, services, user)
        return case_actions.draft_decision(actor, application_id, body, version)

    return _act(request, session, services, user, application_id, values, step, "draft")


def _comment_step(
    action: Callable[[Actor, int, str, int | None], object],
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    comment: str,
    version: int | None,
    background: BackgroundTasks | None = None,
) -> Callable[[], object]:
    actor = Actor(session, services, user, background)
    return lambda: action(actor, application_id, comment, version)


@router.post("/cases/{application_id}/review/approve")
def approve_draft(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
    version: Version = None,
) -> Response:
    step = _comment_step(
        case_actions.approve_draft,
        session,
        services,
        user,
        application_id,
        comment.strip(),
        version,
    )
    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"comment": comment},
        step,
        "approve_draft",
    )


@router.post("/cases/{application_id}/review/return")
def return_draft(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
    version: Version = None,
) -> Response:
    step = _comment_step(
        case_actions.return_draft, session, services, user, application_id, comment.strip(), version
    )
    return _act(
        request, session, services, user, application_id, {"comment": comment}, step, "return_draft"
    )


@router.post("/cases/{application_id}/sign")
def sign(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    comment: Text = "",
    version: Version = None,
) -> Response:
    step = _comment_step(
        case_actions.sign, session, services, user, application_id, comment, version, background
    )
    return _act(
        request, session, services, user, application_id, {"comment": comment}, step, "sign"
    )


@router.post("/cases/{application_id}/sign/return")
def return_from_signing(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
    version: Version = None,
) -> Response:
    step = _comment_step(
        case_actions.return_from_signing,
        session,
        services,
        user,
        application_id,
        comment.strip(),
        version,
    )
    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"comment": comment},
        step,
        "return_from_signing",
    )


@router.post("/cases/{application_id}/postal")
def record_postal(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    courier: Text = "",
    waybill: Text = "",
    sent_on: Text = "",
) -> Response:
    values = {"courier": courier, "waybill": waybill, "sent_on": sent_on}

    def step() -> object:
        body = build(PostalDispatchCreate, values)
        return case_actions.record_postal(Actor(session, services, user), application_id, body)

    return _act(request, session, services, user, application_id, values, step, "postal")


@router.post("/cases/{application_id}/clock/pause")
def pause_clock(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    reason: Text = "",
    max_days: Text = "",
    unit: Text = "working",
    pause_comment: Text = "",
) -> Response:
    """暂停计时 (行政许可法第45条); the service queues the 特别程序告知书, the flows issue it."""
    values = {"reason": reason, "max_days": max_days, "unit": unit, "pause_comment": pause_comment}

    def step() -> object:
        body = build(
            ClockPauseCreate,
            {
                "reason": reason,
                "max_days": max_days.strip(),
                "unit": unit,
                "comment": pause_comment,
            },
            labels={"reason": "暂停事由", "comment": "告知说明"},
        )
        return pauses.pause_clock(
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

    return _act(
        request, session, services, user, application_id, values, step, "pause_clock", background
    )


@router.post("/cases/{application_id}/clock/resume")
def resume_clock(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
) -> Response:
    """恢复计时: the day the pause ends does not count, the next day does."""

    def step() -> object:
        return pauses.resume_clock(
            session, services.clock, services.catalogue, user, application_id, comment.strip()
        )

    return _act(request, session, services, user, application_id, {}, step, "resume_clock")


@router.post("/cases/{application_id}/answer")
def answer(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    answer: Text = "",
    legal_basis: Text = "",
    version: Version = None,
) -> Response:
    """承办人答复 (service items): the flows number, render and mail the 答复书."""
    values = {"answer": answer, "legal_basis": legal_basis}

    def step() -> object:
        body = build(AnswerCreate, values, labels={"legal_basis": "答复依据"})
        actor = Actor(session, services, user, background)
        return case_actions.answer(actor, application_id, body, version)

    return _act(request, session, services, user, application_id, values, step, "answer")
