"""Applications: the applicant's side (create, upload, submit) and reading a case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Header, Path, Response, UploadFile, status

from api.answers import json_answer
from api.body_limit import accepts_uploads
from api.contract import PDF_RESPONSE
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.dispatching import after_commit
from api.downloads import attachment, issued_document
from api.etag import ETAG_HEADER, etag
from api.params import Id
from api.presenters import application_detail, application_public
from api.uploads import read_checked
from approvals.casework import cases, drafts
from approvals.casework.queries import applications_of, get_application_for
from approvals.errors import NotFound
from approvals.uploads import material_key
from models import Document, Material, Role
from models.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationPublic,
    ApplicationUpdate,
    MaterialPublic,
)

router = APIRouter(prefix="/api/applications", tags=["申请人 applicant"])
APPLICANT = require_roles(Role.APPLICANT)


@router.post(
    "",
    response_model=ApplicationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
    summary="创建申请（草稿） / create a draft application",
)
def create_application(
    data: ApplicationCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> Response:
    """A retry with the same ``Idempotency-Key`` returns the first application (200)."""
    application, created = cases.create_application(
        session,
        services.clock,
        services.catalogue,
        user,
        data,
        area_code=services.settings.bureau_area_code,
        idempotency_key=idempotency_key,
    )
    session.commit()
    answer = application_public(session, services, application, user)
    return json_answer(answer, response, 201 if created else 200)


@router.get("", response_model=list[ApplicationPublic], dependencies=[APPLICANT])
def my_applications(
    user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[ApplicationPublic]:
    return [application_public(session, services, a, user) for a in applications_of(session, user)]


@router.get(
    "/{application_id}",
    response_model=ApplicationDetail,
    responses={200: {"description": "办件详情", "headers": ETAG_HEADER}},
    summary="办件详情（ETag 为版本号） / one case, its ETag is its version",
)
def read_application(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    response: Response,
) -> ApplicationDetail:
    application = get_application_for(session, user, application_id)
    response.headers["ETag"] = etag(application.version)
    return application_detail(session, services, application, user)


@router.patch(
    "/{application_id}",
    response_model=ApplicationPublic,
    dependencies=[APPLICANT],
    summary="修改草稿 / edit a draft",
)
def edit_draft(
    application_id: Id,
    data: ApplicationUpdate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> ApplicationPublic:
    """The fields sent replace the draft's; the draft is checked again as at creation (422).
    Only a draft (409 once submitted), only by its enterprise; audited as ``edit_draft``."""
    application = drafts.edit_draft(session, services.clock, user, application_id, data)
    session.commit()
    return application_public(session, services, application, user)


@router.post(
    "/{application_id}/withdraw",
    response_model=ApplicationPublic,
    dependencies=[APPLICANT],
    summary="撤回草稿 / withdraw a draft",
)
def withdraw_draft(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ApplicationPublic:
    """The draft becomes ``withdrawn`` (final, no result; its number and record are kept).
    Only a draft (409 once submitted); audited as ``withdraw``."""
    application = drafts.withdraw_draft(session, services.clock, user, application_id)
    session.commit()
    return application_public(session, services, application, user)


@router.put(
    "/{application_id}/materials/{material_code}",
    response_model=MaterialPublic,
    dependencies=[APPLICANT],
    summary="上传材料（PDF） / upload one material",
)
@accepts_uploads(1)
async def upload_material(
    application_id: Id,
    material_code: Annotated[
        str,
        Path(
            max_length=60,
            description="材料编码：见 GET /api/reference/items/{item_code}/materials",
        ),
    ],
    file: Annotated[UploadFile, File(description="PDF，不超过上传上限")],
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> MaterialPublic:
    application = get_application_for(session, user, application_id)
    cases.check_material_upload(session, user, application, material_code)
    checked, data = await read_checked(file, services.settings.max_upload_bytes)
    key = material_key(application.number, checked.sha256)
    services.store.put(key, data, checked.content_type)  # before the row: no row without bytes
    material = cases.record_material(
        session,
        services.clock,
        user,
        application,
        material_code,
        checked,
        key,
        services.catalogue,
    )
    session.commit()
    return MaterialPublic.model_validate(material, from_attributes=True)


@router.post("/{application_id}/submit", response_model=ApplicationPublic, dependencies=[APPLICANT])
def submit_application(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> ApplicationPublic:
    application = cases.submit(session, services.clock, services.catalogue, user, application_id)
    session.commit()
    after_commit(background, services, application_id)
    return application_public(session, services, application, user)


@router.get(
    "/{application_id}/documents/{document_id}/pdf",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载文书 / download an issued document",
)
def download_document(
    application_id: Id,
    document_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    application = get_application_for(session, user, application_id)
    document = session.get(Document, document_id)
    if document is not None and document.application_id != application.id:
        document = None  # another case's: as unknown
    return issued_document(services, document)


@router.get(
    "/{application_id}/materials/{material_id}/file",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载已上传的材料 / download an uploaded material",
)
def download_material(
    application_id: Id,
    material_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    application = get_application_for(session, user, application_id)
    material = session.get(Material, material_id)
    if material is None or material.application_id != application.id:
        raise NotFound("材料不存在", "material not found")
    return attachment(services.store.get(material.object_key), material.filename)
