"""容缺受理 over JSON: the applicant signs the commitment and supplies what it owes; staff read
it (with the rules' sources) and load the bad-credit list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile

from api.body_limit import accepts_uploads
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from api.uploads import read_checked
from approvals.casework.queries import STAFF_ROLES, get_application_for
from approvals.clock import to_utc
from approvals.errors import NotFound
from approvals.tolerance import commitments, credit_list
from approvals.tolerance.views import commitment_public, rule_sources
from approvals.uploads import material_key
from models import Role
from models.schemas import MaterialPublic
from models.tolerance import (
    CreditEntryPublic,
    CreditListLoad,
    CreditListResult,
    ToleranceDeclare,
    ToleranceOption,
    TolerancePublic,
)

router = APIRouter(prefix="/api", tags=["容缺受理 tolerance"])
APPLICANT = require_roles(Role.APPLICANT)
CREDIT_READERS = require_roles(*credit_list.READERS)
CREDIT_LOADERS = require_roles(*credit_list.LOADERS)


@router.get("/applications/{application_id}/tolerance/option", response_model=ToleranceOption)
def tolerance_option(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ToleranceOption:
    """Whether this case may be accepted with materials missing, which, and the latest date."""
    application = get_application_for(session, user, application_id)
    option = commitments.option(session, services.clock, user, application)
    if user.role in STAFF_ROLES:
        option.rule_sources = rule_sources(application.item_code)
    return option


@router.get("/applications/{application_id}/tolerance", response_model=TolerancePublic)
def read_commitment(application_id: Id, user: CurrentUser, session: SessionDep) -> TolerancePublic:
    """The signed commitment and what is still owed (404: the case has none)."""
    application = get_application_for(session, user, application_id)
    row = commitments.find(session, application_id)
    if row is None:
        raise NotFound("本办件未签署容缺受理承诺", "the case has no 容缺 commitment")
    return commitment_public(session, user, application, row)


@router.put(
    "/applications/{application_id}/tolerance",
    response_model=TolerancePublic,
    dependencies=[APPLICANT],
)
def declare(
    application_id: Id,
    body: ToleranceDeclare,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> TolerancePublic:
    """签署容缺受理承诺书 (draft or correction): the named non-key materials follow by a date."""
    application = get_application_for(session, user, application_id)
    row = commitments.declare(session, services.clock, user, application, body)
    session.commit()
    return commitment_public(session, user, application, row)


@router.put(
    "/applications/{application_id}/tolerance/materials/{material_code}",
    response_model=MaterialPublic,
    dependencies=[APPLICANT],
    summary="补交容缺材料（PDF） / supply an owed material",
)
@accepts_uploads(1)
async def supply_material(
    application_id: Id,
    material_code: Annotated[str, Path(max_length=60)],
    file: Annotated[UploadFile, File(description="PDF，不超过上传上限")],
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> MaterialPublic:
    application = get_application_for(session, user, application_id)
    checked, data = await read_checked(file, services.settings.max_upload_bytes)
    key = material_key(application.number, checked.sha256)
    services.store.put(key, data, checked.content_type)  # before the row: no row without bytes
    material = commitments.supply(
        session, services.clock, user, application, material_code, checked, key
    )
    session.commit()
    return MaterialPublic.model_validate(material, from_attributes=True)


@router.get("/credit-list", response_model=list[CreditEntryPublic], dependencies=[CREDIT_READERS])
def read_credit_list(session: SessionDep) -> list[CreditEntryPublic]:
    """The active bad-credit list (严重失信主体名单) as staff loaded it."""
    return [
        CreditEntryPublic.model_validate(e, from_attributes=True)
        for e in credit_list.active_entries(session)
    ]


@router.put("/credit-list", response_model=CreditListResult, dependencies=[CREDIT_LOADERS])
def load_credit_list(
    body: CreditListLoad, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> CreditListResult:
    """Replace the active list with ``entries`` (entries no longer listed end; audited)."""
    result = credit_list.load(session, user, to_utc(services.clock.now()), body.entries)
    session.commit()
    return result
