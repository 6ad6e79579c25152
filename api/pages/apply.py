"""The apply form. Fields are checked all at once and marked; materials are staged one by one
(by the page script as they are chosen, or from the plain form's files when it is posted), each
checked on arrival, so an error never discards a file. A refused form redirects to its GET
(post/redirect/get) carrying the problems in the refusal cookie, the draft in the address."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from fastapi import BackgroundTasks, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile

from api.body_limit import ITEM_MATERIALS, accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.dispatching import after_commit
from api.errors import status_for
from api.pages import router
from api.pages.applicant import SUBMITTED_MESSAGES, principals_of
from api.pages.apply_checks import (
    Problems,
    attach_staged,
    declaration_of,
    declaration_problems_of,
    field_problems,
    missing_materials,
    stage_chosen,
    stage_upload,
    submitted_before,
)
from api.pages.case import MATERIAL_FIELD
from api.pages.display import redirect_with
from api.pages.forms import (
    APPLY_FIELDS,
    DECLARATION_FIELDS,
    application_values,
    apply_form_for,
    chosen_files,
    text,
)
from api.pages.refusals import clear_refusal, refused_redirect, take_refusal
from api.pages.security import ApplicantUser
from api.routers.guide import public_guides
from api.services import AppServices
from api.templating import render_page
from approvals import staging
from approvals.casework import cases
from approvals.catalogue import Item, ProcessKind
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.clock import local_date
from approvals.errors import DomainError, InvalidInput
from approvals.exchange import declaration
from approvals.exchange.declaration import DeclarationIn
from exchange_adapters import build_registry
from models import Application, StagedMaterial, User
from models.ids import id_of
from models.schemas import ApplicationCreate


class StagedPublic(BaseModel):
    """What the page script shows after a file was kept."""

    material_code: str
    material_name: str
    filename: str
    size: int
    message: str


def _draft_key(raw: str) -> str:
    return raw if staging.DRAFT_KEY.fullmatch(raw) else str(uuid.uuid4())


def _render(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    item: Item,
    draft_key: str,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    form = apply_form_for(item)
    guide = public_guides(session, [item])[0]
    staged = {
        code: row
        for code, row in staging.staged_for(session, user, draft_key).items()
        if row.item_code == item.code
    }
    labels = {f"{MATERIAL_FIELD}{m.code}": m.name for m in item.materials}
    order = [*APPLY_FIELDS, *DECLARATION_FIELDS, *labels]
    summary = [(f, problems[f]) for f in order if f in problems]
    return render_page(
        request,
        "apply_form.html",
        {
            "item": item,
            "form": form,
            "fields": form.fields,
            "labels": form.labels,
            "statutory": guide.statutory.text,
            "promised": guide.promised.text,
            "fee": guide.fee,
            "values": {f: values.get(f, "") for f in (*APPLY_FIELDS, *DECLARATION_FIELDS)},
            "area_code": services.settings.bureau_area_code,
            "principals": principals_of(session, request),  # an agent may apply for these
            "on_behalf_of": values.get("on_behalf_of", ""),
            "districts": ZHENGZHOU_DISTRICTS,
            "idempotency_key": draft_key,
            "error": error,
            "problems": problems,
            "summary": summary,
            "staged": staged,
            "material_field": MATERIAL_FIELD,
            "max_mb": services.settings.max_upload_bytes // (1024 * 1024),
            "max_bytes": services.settings.max_upload_bytes,
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
    draft_key = _draft_key(request.query_params.get("draft", ""))
    waiting = take_refusal(request, services, user.id)
    saved: dict[str, Any] = waiting.values if waiting else {}
    typed = saved.get("typed") if isinstance(saved.get("typed"), dict) else {}
    problems = saved.get("problems") if isinstance(saved.get("problems"), dict) else {}
    response = _render(
        request, session, services, user, item, draft_key,
        {str(k): str(v) for k, v in (typed or {}).items()},
        {str(k): str(v) for k, v in (problems or {}).items()},
        waiting.error if waiting else "",
    )  # fmt: skip
    if waiting is not None:
        clear_refusal(response, request.url.path)
    return response


@router.post("/apply/{item_code}/materials/{material_code}", response_model=StagedPublic)
@accepts_uploads(1)
async def stage_material(
    item_code: str,
    material_code: str,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """One material of the form's draft, sent by the page script as soon as it is chosen:
    JSON either way (the script shows the result beside the field)."""
    async with request.form() as form:
        upload = form.get("file")
        try:
            item = cases.appliable_item(services.catalogue, item_code)
            if not isinstance(upload, FormFile) or not upload.filename:
                raise InvalidInput("请选择要上传的文件", "no file in the request")
            row = await stage_upload(
                session, services, user, item, text(form, "draft"), material_code,
                cast(UploadFile, upload),
            )  # fmt: skip
        except DomainError as exc:
            session.rollback()
            body = {"error": exc.code, "message": exc.message_zh}
            return JSONResponse(body, status_code=status_for(exc))
    name = staging.material_of(item, material_code).name
    shown = StagedPublic(
        material_code=material_code,
        material_name=name,
        filename=row.filename,
        size=row.size,
        message=f"已上传：{row.filename}",
    )
    return JSONResponse(shown.model_dump())


def _create_and_submit(
    session: Session,
    services: AppServices,
    user: User,
    data: ApplicationCreate,
    key: str,
    staged: Mapping[str, StagedMaterial],
    declared: DeclarationIn | None = None,
) -> tuple[Application, bool]:
    """One transaction: create, declare the project code and preparers, attach every staged
    material, submit, commit."""

    def create() -> tuple[Application, bool]:
        return cases.create_application(
            session, services.clock, services.catalogue, user, data,
            area_code=services.settings.bureau_area_code, idempotency_key=key,
        )  # fmt: skip

    try:
        application, created = create()
    except IntegrityError:  # a double click raced the first request to the unique key
        session.rollback()
        application, created = create()
        if created:
            raise
    if created:
        if declared is not None:
            declaration.declare(
                session, services.clock, user, id_of(application), declared,
                area_code=services.settings.bureau_area_code,
                registry=build_registry(services.settings),
            )  # fmt: skip
        attach_staged(session, services, user, application, staged)
        if application.process_kind is not ProcessKind.COMMITMENT:  # 告知承诺制: panel first
            cases.submit(session, services.clock, services.catalogue, user, id_of(application))
        session.commit()
    return application, created


def _refused(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    item: Item,
    key: str,
    values: Mapping[str, str],
    problems: Problems,
    error: str,
    status_code: int,
) -> Response:
    """Back to the form's GET with the problems (the staged files stay with the draft); in
    place when they do not fit in the refusal cookie."""
    path = f"/apply/{item.code}"
    saved = {"typed": dict(values), "problems": problems}
    query = f"draft={key}"
    redirect = refused_redirect(request, services, user.id, path, error, saved, query=query)
    if redirect is not None:
        return redirect
    return _render(
        request, session, services, user, item, key, values, problems, error, status_code
    )


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
        values = {f: text(form, f) for f in (*APPLY_FIELDS, *DECLARATION_FIELDS)}
        values["on_behalf_of"] = text(form, "on_behalf_of")
        key = _draft_key(text(form, "idempotency_key")[:100])
        if (done := submitted_before(session, user, key)) is not None:
            return redirect_with(f"/cases/{done.id}", "already_submitted")
        problems = field_problems(shape, item, values)
        today = local_date(services.clock.now())
        area = services.settings.bureau_area_code
        problems |= declaration_problems_of(shape, values, area, today)
        chosen = chosen_files(form, MATERIAL_FIELD)
        problems |= await stage_chosen(session, services, user, item, key, chosen)
    staged = staging.staged_for(session, user, key)
    problems = missing_materials(item, staged) | problems
    if problems:
        error = f"有 {len(problems)} 处需要修改，已填写的内容和已上传的材料都已保留"
        return _refused(request, session, services, user, item, key, values, problems, error, 422)
    data = ApplicationCreate.model_validate(
        application_values(shape, values) | {"item_code": item.code}
    )
    if values["on_behalf_of"].isdigit():  # an agent applying for an enterprise
        data = data.model_copy(update={"on_behalf_of": int(values["on_behalf_of"])})
    try:
        declared = declaration_of(shape, values)
        application, created = await run_in_threadpool(
            _create_and_submit, session, services, user, data, key, staged, declared
        )
    except DomainError as exc:
        session.rollback()
        return _refused(
            request, session, services, user, item, key, values, {}, exc.message_zh, status_for(exc)
        )
    if created:
        after_commit(background, services, id_of(application))
    return redirect_with(
        f"/cases/{application.id}",
        SUBMITTED_MESSAGES[item.process_kind] if created else "already_submitted",
    )
