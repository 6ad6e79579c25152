"""Data in and out: the applicant's project code and preparers, the intake check, the credit
platform's lists and the bureau's 失信记分 export, and what was delivered to other systems."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile

from api.body_limit import accepts_uploads
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from api.uploads import CHUNK
from approvals.casework.queries import get_application_for
from approvals.clock import local_date, to_utc
from approvals.errors import PayloadTooLarge, UploadRejected
from approvals.exchange import credit, declaration, intake, observations, reporting
from exchange_adapters import build_registry
from models import CreditList, ExchangeMessage, ProjectDeclaration, Role
from models.exchange import (
    CreditListPublic,
    DeclarationBody,
    DeclarationPublic,
    ExchangeMessageStaff,
    IntakeCheckPublic,
    ObservationBody,
    ObservationPublic,
)
from models.exchange_tables import CREDIT_LIST_LABELS, CreditListKind
from models.ids import id_of

router = APIRouter(prefix="/api", tags=["数据交换 exchange"])
STAFF = (Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN)
STAFF_ONLY = require_roles(*STAFF)
READERS = require_roles(*STAFF, Role.AUDITOR)
CSV_RESPONSE = {
    200: {
        "description": "CSV（UTF-8 带 BOM）",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
MAX_LIST_BYTES = 20 * 1024 * 1024


def _public(row: ProjectDeclaration) -> DeclarationPublic:
    return DeclarationPublic(
        project_code=row.project_code,
        region_reason=row.region_reason,
        consultancy_uscc=row.consultancy_uscc,
        consultancy_name=row.consultancy_name,
        engineers=row.engineers,
        platform_found=row.lookup.get("found") if row.lookup else None,
        updated_at=row.updated_at,
    )


@router.put(
    "/applications/{application_id}/declaration",
    response_model=DeclarationPublic,
    summary="填报投资项目代码与编制单位 / declare the project code and the report's preparers",
)
def put_declaration(
    application_id: Id,
    body: DeclarationBody,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> DeclarationPublic:
    """The applicant, while a draft or under correction. The code's structure is checked, its
    region must be in the bureau's area or a reason given, and the investment platform is
    asked whether it knows the code."""
    data = declaration.DeclarationIn(
        project_code=body.project_code or None,
        region_reason=body.region_reason,
        consultancy_uscc=body.consultancy_uscc or None,
        consultancy_name=body.consultancy_name,
        engineers=[declaration.Engineer(e.name, e.number) for e in body.engineers],
    )
    row = declaration.declare(
        session, services.clock, user, application_id, data,
        area_code=services.settings.bureau_area_code,
        registry=build_registry(services.settings),
    )  # fmt: skip
    session.commit()
    return _public(row)


@router.get(
    "/applications/{application_id}/declaration",
    response_model=DeclarationPublic,
    summary="投资项目代码与编制单位 / the declaration",
)
def get_declaration(
    application_id: Id, user: CurrentUser, session: SessionDep
) -> DeclarationPublic:
    return _public(declaration.get_declaration(session, user, application_id))


@router.get(
    "/applications/{application_id}/intake-check",
    response_model=IntakeCheckPublic,
    dependencies=[STAFF_ONLY],
    summary="受理前核查（项目代码、信用平台名单） / the intake check",
)
def intake_check(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> IntakeCheckPublic:
    application = get_application_for(session, user, application_id)
    check = intake.check_intake(session, application, local_date(services.clock.now()))
    return IntakeCheckPublic(refusals=check.refusals, warnings=check.warnings)


def _list_public(row: CreditList) -> CreditListPublic:
    return CreditListPublic(
        id=id_of(row),
        kind=row.kind.value,
        label=CREDIT_LIST_LABELS[row.kind],
        version=row.version,
        list_date=row.list_date,
        filename=row.filename,
        sha256=row.sha256,
        entries=row.entries,
        loaded_at=row.loaded_at,
    )


async def _read_list(upload: UploadFile) -> tuple[str, bytes]:
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise UploadRejected("请上传信用平台导出的CSV或XLSX文件", "a CSV or XLSX export only")
    parts, total = [], 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > MAX_LIST_BYTES:
            raise PayloadTooLarge("名单文件超过20 MB", "the list exceeds 20 MB")
        parts.append(chunk)
    data = b"".join(parts)
    if name.lower().endswith(".xlsx") and not data.startswith(b"PK"):
        raise UploadRejected("XLSX文件格式不正确", "not an XLSX file")
    return name, data


@router.post(
    "/admin/credit-lists",
    response_model=CreditListPublic,
    status_code=201,
    dependencies=[STAFF_ONLY],
    summary="导入信用平台名单（CSV/XLSX） / load a credit platform list",
)
@accepts_uploads(1)
async def load_credit_list(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    kind: Annotated[CreditListKind, Form(description="rectification 限期整改 / blacklist 黑名单")],
    list_date: Annotated[date, Form(description="名单（导出）日期")],
    file: Annotated[UploadFile, File(description="信用平台导出的 CSV 或 XLSX")],
) -> CreditListPublic:
    """A new version of the list; earlier versions stay (the check reads the latest)."""
    filename, data = await _read_list(file)
    row = credit.load_list(
        session, kind=kind, list_date=list_date, filename=filename, data=data,
        loaded_by=id_of(user), now=to_utc(services.clock.now()),
    )  # fmt: skip
    session.commit()
    return _list_public(row)


@router.get(
    "/admin/credit-lists",
    response_model=list[CreditListPublic],
    dependencies=[READERS],
    summary="信用平台名单（当前版本） / the current lists",
)
def credit_lists(session: SessionDep) -> list[CreditListPublic]:
    return [_list_public(row) for row in credit.current_lists(session)]


@router.post(
    "/applications/{application_id}/credit-observations",
    response_model=ObservationPublic,
    status_code=201,
    dependencies=[STAFF_ONLY],
    summary="记录失信记分 / record a credit observation",
)
def observe(
    application_id: Id,
    body: ObservationBody,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> ObservationPublic:
    row = observations.record_observation(
        session, services.clock, user, application_id, party=body.party,
        identifier=body.identifier, name=body.name, behaviour=body.behaviour, points=body.points,
    )  # fmt: skip
    session.commit()
    return ObservationPublic.model_validate(row, from_attributes=True)


@router.post(
    "/exchange/credit-observations/export",
    response_class=Response,
    responses=CSV_RESPONSE,  # type: ignore[arg-type]  # FastAPI types the mapping narrowly
    dependencies=[STAFF_ONLY],
    summary="导出待上传的失信记分（CSV） / export the observations to upload",
)
def export_observations(session: SessionDep, services: ServicesDep) -> Response:
    """The observations not yet exported, for upload to the credit platform within five
    working days of each decision; they are marked exported."""
    text, _ = observations.export_observations(
        session, bureau=services.settings.bureau_name, now=to_utc(services.clock.now())
    )
    session.commit()
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="credit-observations.csv"'},
    )


def message_state(row: ExchangeMessage) -> str:
    if row.sent_at is not None:
        return "sent"
    if row.payload.get("problems"):
        return "invalid"
    return "failed" if row.last_error else "pending"


def message_staff(row: ExchangeMessage) -> ExchangeMessageStaff:
    return ExchangeMessageStaff(
        id=id_of(row),
        kind=row.kind.value,
        key=row.key,
        application_id=row.application_id,
        state=message_state(row),  # type: ignore[arg-type]  # one of the schema's literal states
        attempts=row.attempts,
        last_error=row.last_error,
        receipt=row.receipt,
        created_at=row.created_at,
        last_attempt_at=row.last_attempt_at,
        sent_at=row.sent_at,
        problems=row.payload.get("problems", []),
        record=row.payload.get("record", {}),
        evidence=reporting.FIELD_EVIDENCE if row.kind.value == "national_report" else {},
    )


@router.get(
    "/exchange/messages",
    response_model=list[ExchangeMessageStaff],
    dependencies=[READERS],
    summary="数据报送记录 / what was delivered, pending or failed",
)
def exchange_messages(session: SessionDep) -> list[ExchangeMessageStaff]:
    return [message_staff(row) for row in reporting.messages(session)]
