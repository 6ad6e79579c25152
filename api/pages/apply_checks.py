"""The apply form's checks at the edge, every field at once, and its staged materials: each
chosen file is checked and kept for the form's draft as it arrives, so no error discards it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from fastapi import UploadFile
from pydantic import ValidationError
from sqlmodel import Session, select

from api.pages.case import MATERIAL_FIELD
from api.pages.forms import ApplyForm, application_values, problems_by_field
from api.services import AppServices
from api.uploads import read_checked
from approvals import staging
from approvals.casework import cases
from approvals.catalogue.districts import validate_district
from approvals.catalogue.industry import validate_industry_code
from approvals.catalogue.schema import Item
from approvals.clock import to_utc
from approvals.errors import DomainError, UploadRejected
from approvals.exchange.declaration import DeclarationIn, Engineer, declaration_problems
from approvals.uploads import material_key
from models import Application, StagedMaterial, User
from models.ids import id_of
from models.schemas import ApplicationCreate

Problems = dict[str, str]
_ENGINEER = re.compile(r"[\s,，:：;；]+")


def declaration_of(shape: ApplyForm, values: Mapping[str, str]) -> DeclarationIn | None:
    """The 投资项目代码与编制单位 typed on the form (the consultancy's name is the 环评单位 field;
    one engineer per line: name, then the 信用编号)."""
    if shape.declaration is None:
        return None
    engineers = []
    for line in values.get("engineers", "").splitlines():
        parts = _ENGINEER.split(line.strip())
        if parts != [""]:
            name = "".join(parts[:-1]) if len(parts) > 1 else parts[0]
            engineers.append(Engineer(name, parts[-1] if len(parts) > 1 else ""))
    return DeclarationIn(
        project_code=values.get("project_code", "").strip() or None,
        region_reason=values.get("region_reason", ""),
        consultancy_uscc=values.get("consultancy_uscc", "").strip() or None,
        consultancy_name=values.get("consultant", ""),
        engineers=engineers,
    )


def declaration_problems_of(
    shape: ApplyForm, values: Mapping[str, str], area_code: str, today: date
) -> Problems:
    data = declaration_of(shape, values)
    if data is None or shape.declaration is None:
        return {}
    return declaration_problems(shape.declaration, data, area_code, today)


def field_problems(shape: ApplyForm, item: Item, values: Mapping[str, str]) -> Problems:
    """Every problem of the typed fields, keyed by field name, in plain Chinese."""
    found: Problems = {}
    for field, required in shape.fields.items():
        if required and not values.get(field, "").strip():
            label = shape.labels.get(field) or _LABELS.get(field, field)
            found[field] = f"请{'选择' if field == 'district' else '填写'}{label}"
    try:
        ApplicationCreate.model_validate(
            application_values(shape, values) | {"item_code": item.code}
        )
    except ValidationError as exc:
        for field, problem in problems_by_field(exc, shape.labels, "env_investment").items():
            found.setdefault(field, problem)
    for field, check in (
        ("district", validate_district),
        ("industry_code", validate_industry_code),
    ):
        value = values.get(field, "").strip()
        if value and field not in found:
            try:
                check(value)
            except DomainError as exc:
                found[field] = exc.message_zh
    return found


_LABELS = {"district": "所在区域", "industry_code": "行业代码", "total_investment": "总投资",
           "env_investment": "环保投资", "consultant": "环评单位", "description": "申请内容",
           "licence_number": "许可证编号"}  # fmt: skip


async def stage_upload(
    session: Session,
    services: AppServices,
    user: User,
    item: Item,
    draft_key: str,
    material_code: str,
    upload: UploadFile,
) -> StagedMaterial:
    """Check one file for one material, store it, keep it for the draft (committed)."""
    material = staging.material_of(item, material_code)
    staging.check_draft_key(draft_key)
    try:
        checked, data = await read_checked(upload, services.settings.max_upload_bytes)
    except UploadRejected as exc:
        raise staging.said_of(material, exc) from exc
    key = staging.staging_key(id_of(user), draft_key, checked.sha256)
    services.store.put(key, data, checked.content_type)  # before the row: no row without bytes
    row = staging.stage(
        session, to_utc(services.clock.now()), user, item, draft_key, material_code, checked, key
    )
    session.commit()
    return row


async def stage_chosen(
    session: Session,
    services: AppServices,
    user: User,
    item: Item,
    draft_key: str,
    files: Mapping[str, UploadFile],
) -> Problems:
    """Stage every file the plain form carried; a refused one is a problem of its field."""
    found: Problems = {}
    for code, upload in files.items():
        try:
            await stage_upload(session, services, user, item, draft_key, code, upload)
        except DomainError as exc:
            session.rollback()
            found[MATERIAL_FIELD + code] = exc.message_zh
    return found


def missing_materials(item: Item, staged: Mapping[str, StagedMaterial]) -> Problems:
    return {
        MATERIAL_FIELD + m.code: f"请上传「{m.name}」"
        for m in item.materials
        if m.required and m.code not in staged
    }


def submitted_before(session: Session, user: User, draft_key: str) -> Application | None:
    """The application this draft already became (a repeated submit), if any."""
    return session.exec(
        select(Application).where(
            Application.created_by == user.id, Application.idempotency_key == draft_key
        )
    ).first()


def attach_staged(
    session: Session,
    services: AppServices,
    user: User,
    application: Application,
    staged: Mapping[str, StagedMaterial],
) -> None:
    """Copy each staged file to the case's own key and record it; release the staged rows."""
    for code, row in staged.items():
        key = material_key(application.number, row.sha256)
        services.store.put(key, services.store.get(row.object_key), "application/pdf")
        cases.record_material(
            session, services.clock, user, application, code, staging.as_checked(row), key,
            services.catalogue,
        )  # fmt: skip
    if staged:
        staging.release(
            session, to_utc(services.clock.now()), user, next(iter(staged.values())).draft_key
        )
