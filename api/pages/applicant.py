"""The applicant's pages: choose an item, apply in one form, follow my cases, re-submit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from fastapi import APIRouter, BackgroundTasks, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.body_limit import ITEM_MATERIALS, MAX_FILES_PER_REQUEST, accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.dispatching import after_commit
from api.errors import status_for
from api.pages.case import MATERIAL_FIELD, paused_ids, render_case
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
    APPLY_FIELDS,
    application_values,
    apply_form_for,
    build,
    chosen_files,
    text,
)
from api.pages.security import ApplicantUser
from api.params import Id
from api.presenters import application_public
from api.routers.guide import public_guides
from api.services import AppServices
from api.templating import render_page
from api.uploads import read_checked
from approvals.catalogue import Item, ProcessKind
from approvals.districts import ZHENGZHOU_DISTRICTS
from approvals.enterprise import agents
from approvals.errors import DomainError
from approvals.services import cases
from approvals.services.queries import applications_of, get_application_for
from approvals.uploads import CheckedUpload, material_key
from models import Application, Enterprise, User
from models.ids import id_of
from models.schemas import ApplicationCreate

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


def _principals(session: Session, request: Request) -> list[Enterprise]:
    viewer = getattr(request.state, "user", None)
    user = session.get(User, viewer.id) if viewer is not None else None
    return agents.principals_of(session, user) if user is not None else []


def _render_form(
    request: Request,
    session: Session,
    services: AppServices,
    item: Item,
    values: Mapping[str, str],
    key: str,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    form = apply_form_for(item)
    return render_page(
        request,
        "apply_form.html",
        {
            "item": item,
            "form": form,
            "fields": form.fields,
            "labels": form.labels,
            "statutory": (guide := public_guides(session, [item])[0]).statutory.text,
            "promised": guide.promised.text,
            "fee": guide.fee,
            "values": {f: values.get(f, "") for f in APPLY_FIELDS},
            "principals": _principals(session, request),  # an agent may apply for these
            "on_behalf_of": values.get("on_behalf_of", ""),
            "districts": ZHENGZHOU_DISTRICTS,
            "idempotency_key": key,
            "error": error,
            "material_field": MATERIAL_FIELD,
            "max_mb": services.settings.max_upload_bytes // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/apply/{item_code}")
def apply_form(
    item_code: str,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> HTMLResponse:
    item = cases.appliable_item(services.catalogue, item_code)
    return _render_form(request, session, services, item, {}, str(uuid.uuid4()))


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


def _create_and_submit(
    session: Session,
    services: AppServices,
    user: User,
    data: ApplicationCreate,
    key: str,
    files: Checked,
) -> tuple[Application, bool]:
    """One transaction: create, attach every material, submit, commit."""
    try:
        application, created = cases.create_application(
            session,
            services.clock,
            services.catalogue,
            user,
            data,
            area_code=services.settings.bureau_area_code,
            idempotency_key=key,
        )
    except IntegrityError:  # a double click raced the first request to the unique key
        session.rollback()
        application, created = cases.create_application(
            session,
            services.clock,
            services.catalogue,
            user,
            data,
            area_code=services.settings.bureau_area_code,
            idempotency_key=key,
        )
        if created:
            raise
    if created:
        _store_materials(session, services, user, application, files)
        if application.process_kind is not ProcessKind.COMMITMENT:  # 告知承诺制: panel first
            cases.submit(session, services.clock, services.catalogue, user, id_of(application))
        session.commit()
    return application, created


@router.post("/apply/{item_code}")
@accepts_uploads(ITEM_MATERIALS)
async def apply(
    item_code: str,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    item = cases.appliable_item(services.catalogue, item_code)
    shape = apply_form_for(item)
    async with request.form() as form:  # closes the spooled upload files at the end
        values = {f: text(form, f) for f in APPLY_FIELDS}
        key = text(form, "idempotency_key")[:100] or str(uuid.uuid4())
        try:
            data = build(
                ApplicationCreate,
                application_values(shape, values) | {"item_code": item.code},
                labels=shape.labels,
            )
            values["on_behalf_of"] = text(form, "on_behalf_of")
            if values["on_behalf_of"].isdigit():  # an agent applying for an enterprise
                data = data.model_copy(update={"on_behalf_of": int(values["on_behalf_of"])})
            files = await _read_all(
                chosen_files(form, MATERIAL_FIELD), services.settings.max_upload_bytes
            )
            application, created = await run_in_threadpool(
                _create_and_submit, session, services, user, data, key, files
            )
        except DomainError as exc:
            session.rollback()
            return _render_form(
                request, session, services, item, values, key, exc.message_zh, status_for(exc)
            )
    if created:
        after_commit(background, services, id_of(application))
    return redirect_with(
        f"/cases/{application.id}",
        SUBMITTED_MESSAGES[item.process_kind] if created else "already_submitted",
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
            return render_case(
                request,
                session,
                services,
                user,
                application_id,
                error=exc.message_zh,
                status_code=status_for(exc),
            )
    after_commit(background, services, application_id)
    return redirect_with(f"/cases/{application_id}", "resubmitted")
