"""The applicant's declaration for the outside platforms: the 投资项目代码 (structure checked,
region within the bureau's area or a reason recorded, looked up on the investment platform) and
the report's 编制单位 (USCC) and 编制人员 (信用编号 / 职业资格证书管理号)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound
from approvals.exchange.ports import ProjectRegistry
from approvals.exchange.project_code import parse_project_code
from approvals.exchange.requirements import CodeRule, spec_of
from approvals.services.queries import get_application_for
from approvals.uscc import normalise_uscc
from models import Application, ProjectDeclaration, Role, Status, User

EDITABLE = frozenset({Status.DRAFT, Status.CORRECTION})
_PERSON_NUMBER = re.compile(r"^[0-9A-Za-z-]{4,40}$")
MAX_ENGINEERS = 20


@dataclass(frozen=True)
class Engineer:
    name: str
    number: str


@dataclass(frozen=True)
class DeclarationIn:
    project_code: str | None
    region_reason: str
    consultancy_uscc: str | None
    consultancy_name: str
    engineers: list[Engineer]


def declare(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    data: DeclarationIn,
    *,
    area_code: str,
    registry: ProjectRegistry,
) -> ProjectDeclaration:
    """Record (or replace) the declaration of a draft or a case under correction."""
    application = get_application_for(session, actor, application_id)
    if actor.role is not Role.APPLICANT:
        raise InvalidTransition("只有申请人可以填报项目代码和编制单位", "applicant only")
    if application.status not in EDITABLE:
        raise InvalidTransition(
            "办件已提交，不能再修改项目代码和编制单位（补正时可修改）",
            "the declaration can change only in a draft or under correction",
        )
    spec = spec_of(application.item_code)
    if spec is None:
        raise InvalidInput("该事项无需填报项目代码和编制单位", "the item takes no declaration")
    now = clock.now()
    declaration = session.get(ProjectDeclaration, application_id) or ProjectDeclaration(
        application_id=application_id, updated_at=to_utc(now)
    )
    code = None
    lookup: dict[str, object] = {}
    if data.project_code:
        parsed = parse_project_code(data.project_code, local_date(now))
        code = parsed.text
        if not parsed.within(area_code) and not data.region_reason.strip():
            raise InvalidInput(
                f"项目代码的地区代码{parsed.region}不在本局辖区（{area_code}），请说明理由",
                "the project's region is outside the bureau's area: give the reason",
                field="region_reason",
            )
        try:
            found = registry.lookup(code)
        except OSError:  # the platform is down: the code stands, unconfirmed
            lookup = {"found": None, "checked_at": to_utc(now).isoformat()}
        else:
            lookup = {
                "found": found is not None,
                "name": (found or {}).get("name", ""),
                "builder": (found or {}).get("builder", ""),
                "checked_at": to_utc(now).isoformat(),
            }
    elif spec.project_code is CodeRule.REQUIRED:
        raise InvalidInput(
            "该事项须填报投资项目代码", "a project code is required", field="project_code"
        )
    declaration.project_code = code
    declaration.region_reason = data.region_reason.strip()[:500] if code else ""
    declaration.lookup = lookup
    if spec.preparers:
        _set_preparers(declaration, data)
    declaration.updated_at = to_utc(now)
    session.add(declaration)
    session.flush()
    return declaration


def _set_preparers(declaration: ProjectDeclaration, data: DeclarationIn) -> None:
    if not data.consultancy_uscc or not data.consultancy_name.strip():
        raise InvalidInput(
            "请填写编制单位名称及其统一社会信用代码",
            "the consultancy's name and USCC are required",
            field="consultancy_uscc",
        )
    if not data.engineers or len(data.engineers) > MAX_ENGINEERS:
        raise InvalidInput(
            f"请填写编制主持人及主要编制人员（1至{MAX_ENGINEERS}人）",
            "name 1-20 engineers",
            field="engineers",
        )
    for engineer in data.engineers:
        if not engineer.name.strip() or not _PERSON_NUMBER.match(engineer.number.strip()):
            raise InvalidInput(
                "编制人员须填写姓名和信用编号（或职业资格证书管理号）",
                "each engineer needs a name and a registration number",
                field="engineers",
            )
    declaration.consultancy_uscc = normalise_uscc(data.consultancy_uscc)
    declaration.consultancy_name = data.consultancy_name.strip()[:200]
    declaration.engineers = [
        {"name": e.name.strip()[:50], "number": e.number.strip().upper()} for e in data.engineers
    ]


def declaration_of(session: Session, application: Application) -> ProjectDeclaration | None:
    return session.get(ProjectDeclaration, application.id)


def get_declaration(session: Session, actor: User, application_id: int) -> ProjectDeclaration:
    application = get_application_for(session, actor, application_id)
    declaration = declaration_of(session, application)
    if declaration is None:
        raise NotFound("尚未填报项目代码和编制单位", "no declaration yet")
    return declaration


def updated(declaration: ProjectDeclaration) -> datetime:
    return declaration.updated_at
