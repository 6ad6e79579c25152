"""The case page, one for applicants and staff: what the case is, where it stands, what next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.deps import ServicesDep, SessionDep
from api.dispatching import after_commit
from api.errors import status_for
from api.pages.case_sections import section_views
from api.pages.display import (
    PROVISIONAL_NOTE,
    STATUS_TONES,
    TIMELINE_ACTIONS,
    TIMELINE_ROLES,
    clock_view,
    flash_of,
    pause_form_shown,
    unit_text,
)
from api.pages.forms import apply_form_for
from api.pages.refusals import clear_refusal, refused_redirect, take_refusal
from api.pages.security import PageUser
from api.params import Id
from api.presenters import application_detail
from api.services import AppServices
from api.templating import render_page
from approvals.casework.forms import is_eia_approval
from approvals.casework.pauses import MAX_PAUSE_DAYS
from approvals.casework.queries import get_application_for
from approvals.casework.review import POSTAL_ROLES, find_decision
from approvals.catalogue import DayUnit, ProcessKind
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL, WITH_RESULT
from approvals.clock import local_date
from approvals.errors import DomainError
from models import Application, ClockPause, Document, DocumentKind, Role, User
from models.enums import DOCUMENT_LABELS, Outcome
from models.ids import id_of
from models.schemas import DocumentPublic

router = APIRouter()
MATERIAL_FIELD = "file_"  # file inputs are named file_<material code>
COURIERS = ("中国邮政EMS", "顺丰速运", "京东物流", "中通快递")
# The document that is the result of a case of these process kinds, shown apart on the page.
RESULT_DOCUMENTS: dict[ProcessKind, DocumentKind] = {
    ProcessKind.FILING: DocumentKind.FILING_RECEIPT,
    ProcessKind.SERVICE: DocumentKind.REPLY_LETTER,
}


def latest_document(
    session: Session, documents: list[DocumentPublic], kind: DocumentKind
) -> Document | None:
    """The case's latest document of ``kind`` (issued or still pending), among the case's
    ``documents`` as the detail read them: its row is in the session already, no statement."""
    latest = max((d.id for d in documents if d.kind == kind), default=None)
    return session.get(Document, latest) if latest is not None else None


def correction_list(session: Session, documents: list[DocumentPublic]) -> list[dict[str, str]]:
    """What the latest 补正通知书 asked for: [{"name", "reason"}]."""
    notice = latest_document(session, documents, DocumentKind.CORRECTION_NOTICE)
    if notice is None:
        return []
    return [
        {"name": str(m.get("name", "")), "reason": str(m.get("reason", ""))}
        for m in notice.payload.get("missing", [])
        if isinstance(m, dict)
    ]


def paused_ids(session: Session, ids: list[int]) -> set[int]:
    """The cases among ``ids`` whose statutory clock is stopped right now."""
    if not ids:
        return set()
    rows = session.exec(
        select(ClockPause.application_id).where(
            col(ClockPause.application_id).in_(ids), col(ClockPause.end_on).is_(None)
        )
    ).all()
    return set(rows)


def result_of(
    session: Session, application: Application, documents: list[DocumentPublic]
) -> dict[str, Any] | None:
    """The result of a filing (备案回执: the filing number) or a service case (答复书: the
    answer and its legal basis), with its document row; None for other kinds or before it."""
    kind = RESULT_DOCUMENTS.get(application.process_kind)
    document = latest_document(session, documents, kind) if kind else None
    if document is None:
        return None
    shown = next((d for d in documents if d.id == document.id), None)
    return {
        "kind": kind,
        "filing_number": str(document.payload.get("filing_number", "")),
        "answer": str(document.payload.get("answer", "")),
        "legal_basis": str(document.payload.get("legal_basis", "")),
        "document": shown,
    }


def case_context(
    session: Session, services: AppServices, user: User, application: Application
) -> dict[str, Any]:
    detail = application_detail(session, services, application, user)
    item = item_of(session, application)
    staff = user.role is not Role.APPLICANT
    decision = find_decision(session, id_of(application)) if staff else None
    uploaded = {m.material_code: m for m in detail.materials}
    running = next((p for p in detail.pauses if p.end_on is None), None)
    resume_by = (
        services.calendar.due(running.start_on, running.max_days, DayUnit(running.max_unit))
        if running
        else None
    )  # the latest day the 特别程序告知书 told the applicant the clock restarts
    return {
        "case": detail,
        "version": application.version,
        "item": item,
        "material_names": {m.code: m.name for m in item.materials},
        "uploaded": uploaded,
        "tone": STATUS_TONES[detail.status],
        "clock": clock_view(item, detail.status, detail.clock),
        "provisional_note": PROVISIONAL_NOTE,
        "running_pause": running,
        "resume_by": resume_by,
        "unit_labels": {u.value: unit_text(u) for u in DayUnit},
        "can_pause": pause_form_shown(user.role, detail.status, detail.clock.started_on),
        "clock_stops": item.clock_stops,
        "max_pause_days": MAX_PAUSE_DAYS,
        "timeline_actions": TIMELINE_ACTIONS,
        "timeline_roles": TIMELINE_ROLES,
        "correction": correction_list(session, detail.documents),
        "decision": decision,
        "decision_approves": decision is not None and decision.outcome is Outcome.APPROVE,
        # The document a sign-off issues, named in the sign button's question.
        "signed_document": DOCUMENT_LABELS[
            DocumentKind.APPROVAL
            if decision is None or decision.outcome is Outcome.APPROVE
            else DocumentKind.DENIAL
        ],
        "actions": set(detail.actions),
        "can_post": user.role in POSTAL_ROLES and detail.status in WITH_RESULT,
        "couriers": COURIERS,
        "today": local_date(services.clock.now()).isoformat(),
        "material_field": MATERIAL_FIELD,
        "kind": application.process_kind,
        "is_eia": is_eia_approval(item),
        "labels": apply_form_for(item).labels,
        "description": application.description,
        "licence_number": application.licence_number or "",
        "result": result_of(session, application, detail.documents),
        "final": detail.status in FINAL,
    } | section_views(session, services, user, application)


def render_case(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    *,
    error: str = "",
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The case page; after a refused action, with the message and the typed values kept
    (given here, or waiting in the refusal cookie after a redirect: shown once)."""
    application = get_application_for(session, user, application_id)
    context = case_context(session, services, user, application)
    waiting = None if error or values is not None else take_refusal(request, services, user.id)
    if waiting is not None:
        error, values = waiting.error, waiting.values
    response = render_page(
        request,
        "case.html",
        context
        | {
            "error": error,
            "values": dict(values or {}),
            "flash": "" if error else flash_of(request),
        },
        status_code=status_code,
    )
    if waiting is not None:
        clear_refusal(response, request.url.path)
    return response


@router.get("/cases/{application_id}")
def case_page(
    application_id: Id,
    request: Request,
    user: PageUser,
    session: SessionDep,
    services: ServicesDep,
) -> HTMLResponse:
    return render_case(request, session, services, user, application_id)


PageRenderer = Callable[..., Response]


# Refusals of a form (out of date, invalid, a refused upload) go back to the page by a redirect;
# forbidden or missing cases are answered in place (there is no page to go back to).
REDIRECTED_REFUSALS = frozenset({409, 412, 413, 415, 422})


def refused_back(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    exc: DomainError,
    values: Mapping[str, str] | None = None,
    *,
    render: PageRenderer | None = None,
    back: str = "",
    anchor: str = "",
    error: str = "",
) -> Response:
    """A refused page form (post/redirect/get): a 303 to ``back`` (the case page unless given)
    with the message and typed values in the refusal cookie, so a reload never posts again and
    never meets a 405; in place (``render``, the case page unless given) when the refusal is
    not a form's or does not fit in the cookie."""
    status, message = status_for(exc), error or exc.message_zh
    if status in REDIRECTED_REFUSALS:
        path = back or f"/cases/{application_id}"
        typed = dict(values or {})
        redirect = refused_redirect(request, services, user.id, path, message, typed, anchor=anchor)
        if redirect is not None:
            return redirect
    return (render or render_case)(
        request, session, services, user, application_id,
        error=message, values=values or {}, status_code=status,
    )  # fmt: skip


def run_step(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    values: Mapping[str, str],
    step: Callable[[], object],
    done: Response,
    *,
    background: BackgroundTasks | None = None,
    render: PageRenderer | None = None,
    error_text: Callable[[DomainError], str] = lambda exc: exc.message_zh,
    back: str = "",
    anchor: str = "",
    fallback: PageRenderer | None = None,
) -> Response:
    """A page action: run ``step`` and commit, launch flows after the commit when
    ``background`` is given (as the API does), answer ``done``. A refusal rolls back; a
    ``render`` given answers it (as it sees fit), otherwise ``refused_back`` does: back to the
    page ``back`` (the case page) by a redirect, the message and typed values kept, or in
    place by ``fallback`` (the case page)."""
    try:
        step()
        session.commit()
    except DomainError as exc:
        session.rollback()
        if render is not None:
            return render(
                request,
                session,
                services,
                user,
                application_id,
                error=error_text(exc),
                values=values,
                status_code=status_for(exc),
            )
        return refused_back(
            request, session, services, user, application_id, exc, values,
            render=fallback, back=back, anchor=anchor, error=error_text(exc),
        )  # fmt: skip
    if background is not None:
        after_commit(background, services, application_id)
    return done
