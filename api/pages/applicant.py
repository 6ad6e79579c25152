"""The applicant's pages: choose an item, follow my cases, re-submit (the form: ``apply``)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, BackgroundTasks, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.body_limit import MAX_FILES_PER_REQUEST, accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.dispatching import after_commit
from api.pages.case import MATERIAL_FIELD, paused_ids, refused_back
from api.pages.display import (
    KIND_SHORT_LABELS,
    PROVISIONAL_NOTE,
    STATUS_TONES,
    flash_of,
    redirect_with,
    simple_clock_status,
    unavailable_reason,
)
from api.pages.forms import (
    chosen_files,
)
from api.pages.security import ApplicantUser
from api.params import Id
from api.presenters import application_public
from api.routers.guide import public_guides
from api.services import AppServices
from api.templating import render_page
from api.uploads import read_checked
from approvals.casework import cases
from approvals.casework.queries import applications_of, get_application_for
from approvals.catalogue import ProcessKind
from approvals.enterprise import agents
from approvals.errors import DomainError
from approvals.uploads import CheckedUpload, material_key
from models import Application, Enterprise, User

router = APIRouter()
Checked = dict[str, tuple[CheckedUpload, bytes]]
SUBMITTED_MESSAGES: dict[ProcessKind, str] = {
    ProcessKind.STANDARD: "submitted",
    ProcessKind.COMMITMENT: "commitment_draft",  # saved: the case page's panel comes next
    ProcessKind.FILING: "filed",
    ProcessKind.SERVICE: "service_submitted",
}


@router.get("/apply")
def item_list(
    request: Request, user: ApplicantUser, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    items = list(services.catalogue.items)
    rows = [
        {
            "item": item,
            "statutory": guide.statutory.text,
            "promised": guide.promised.text,
            "reason": unavailable_reason(item),
            "kind": KIND_SHORT_LABELS[item.process_kind],
        }
        for item, guide in zip(items, public_guides(session, items), strict=True)
    ]
    return render_page(
        request,
        "apply_list.html",
        {
            "open_rows": [r for r in rows if not r["reason"]],
            "closed_rows": [r for r in rows if r["reason"]],
            "flash": flash_of(request),
        },
    )


def principals_of(session: Session, request: Request) -> list[Enterprise]:
    """The enterprises the signed-in agent may apply for (none for an enterprise's own user)."""
    viewer = getattr(request.state, "user", None)
    user = session.get(User, viewer.id) if viewer is not None else None
    return agents.principals_of(session, user) if user is not None else []


async def _read_all(files: Mapping[str, UploadFile], limit: int) -> Checked:
    """Every chosen file read and checked before anything is written."""
    return {code: await read_checked(upload, limit) for code, upload in files.items()}


def _store_materials(
    session: Session, services: AppServices, user: User, application: Application, files: Checked
) -> None:
    for code, (checked, data) in files.items():
        key = material_key(application.number, checked.sha256)
        services.store.put(key, data, checked.content_type)  # before the row: no row without bytes
        cases.record_material(
            session, services.clock, user, application, code, checked, key, services.catalogue
        )


@router.get("/my")
def my_cases(
    request: Request, user: ApplicantUser, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    mine = applications_of(session, user)
    paused = paused_ids(session, [a.id for a in mine if a.id is not None])
    rows = []
    for application in mine:
        case = application_public(session, services, application, user)
        rows.append({"case": case, "clock": simple_clock_status(case, application.id in paused)})
    return render_page(
        request,
        "my.html",
        {
            "rows": rows,
            "tones": STATUS_TONES,
            "provisional_note": PROVISIONAL_NOTE,
            "flash": flash_of(request),
            "unverified_email": "" if user.email_verified else user.email,
        },
    )


def _resubmit(
    session: Session, services: AppServices, user: User, application_id: int, files: Checked
) -> None:
    application = get_application_for(session, user, application_id)
    _store_materials(session, services, user, application, files)
    cases.submit(session, services.clock, services.catalogue, user, application_id)
    session.commit()


@router.post("/cases/{application_id}/resubmit")
@accepts_uploads(MAX_FILES_PER_REQUEST)
async def resubmit(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    """Upload the corrected materials and submit again (or submit a draft made by the API)."""
    async with request.form() as form:
        try:
            files = await _read_all(
                chosen_files(form, MATERIAL_FIELD), services.settings.max_upload_bytes
            )
            await run_in_threadpool(_resubmit, session, services, user, application_id, files)
        except DomainError as exc:
            session.rollback()
            return refused_back(request, session, services, user, application_id, exc)
    after_commit(background, services, application_id)
    return redirect_with(f"/cases/{application_id}", "resubmitted")
