"""The applicant's declaration for the outside platforms: the 投资项目代码 (structure checked,
region within the bureau's area or a reason recorded, looked up on the investment platform) and
the report's 编制单位 (USCC) and 编制人员 (信用编号 / 职业资格证书管理号)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from approvals.casework.queries import get_application_for
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound
from approvals.exchange.ports import ProjectRegistry
from approvals.exchange.project_code import parse_project_code
from approvals.exchange.requirements import CodeRule, ExchangeSpec, spec_of
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
    problems = declaration_problems(spec, data, area_code, local_date(now))
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(
            message,
            "the declaration has problems",
            field=field,
            problems=[{"field": f, "problem": m} for f, m in problems.items()],
        )
    code = (
        parse_project_code(data.project_code, local_date(now)).text if data.project_code else None
    )
    lookup: dict[str, object] = {}
    if code:
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
    assert data.consultancy_uscc is not None  # declaration_problems checked it
    declaration.consultancy_uscc = normalise_uscc(data.consultancy_uscc)
    declaration.consultancy_name = data.consultancy_name.strip()[:200]
    declaration.engineers = [
        {"name": e.name.strip()[:50], "number": e.number.strip().upper()} for e in data.engineers
    ]


def declaration_problems(
    spec: ExchangeSpec, data: DeclarationIn, area_code: str, today: date
) -> dict[str, str]:
    """Every problem of a declaration at once, by field, in plain Chinese (the apply form
    shows them beside their fields; ``declare`` refuses with them)."""
    problems: dict[str, str] = {}
    if data.project_code:
        try:
            parsed = parse_project_code(data.project_code, today)
        except InvalidInput as exc:
            problems["project_code"] = exc.message_zh
        else:
            if not parsed.within(area_code) and not data.region_reason.strip():
                problems["region_reason"] = (
                    f"项目代码的地区代码{parsed.region}不在本局辖区（{area_code}），请说明理由"
                )
    elif spec.project_code is CodeRule.REQUIRED:
        problems["project_code"] = "该事项须填报投资项目代码"
    if not spec.preparers:
        return problems
    if not data.consultancy_uscc or not data.consultancy_name.strip():
        problems["consultancy_uscc"] = "请填写编制单位名称及其统一社会信用代码"
    else:
        try:
            normalise_uscc(data.consultancy_uscc)
        except InvalidInput as exc:
            problems["consultancy_uscc"] = f"编制单位的{exc.message_zh}"
    if not data.engineers or len(data.engineers) > MAX_ENGINEERS:
        problems["engineers"] = f"请填写编制主持人及主要编制人员（1至{MAX_ENGINEERS}人）"
    elif any(
        not e.name.strip() or not _PERSON_NUMBER.match(e.number.strip()) for e in data.engineers
    ):
        problems["engineers"] = "编制人员须填写姓名和信用编号（或职业资格证书管理号）"
    return problems


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
