"""系统管理 · 园区与告知承诺制范围: the eligible parks with their plan-EIA review and the
fast track's 10 categories and 27 types as the eligibility check reads them now, and the forms
that change them: record a park's plan-EIA review, add or retire a park, suspend or resume a
type. Each change is a new version of the list (``approvals.commitment.reference_data``,
the same functions as ``/api/admin/parks``), audited and in force at once; the page lists the
versions with who changed what and why."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.admin import admin_action, now_of
from api.pages.display import FLASH_MESSAGES, flash_of, redirect_with
from api.pages.refusals import with_refusal
from api.pages.security import AdminUser
from api.services import AppServices
from api.templating import render_page
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.commitment import reference_data
from approvals.commitment.reference_data import PLAN_EIA_LABELS
from approvals.commitment.scope import ParkLevel, PlanEiaStatus
from approvals.errors import InvalidInput
from models import ReferenceKind, User

PATH = "/admin/parks"
EVIDENCE_LABELS = {"found": "已核实", "legal": "法条原文", "inferred": "推定，待核实"}
FLASH_MESSAGES.update(
    {
        "plan_eia_recorded": "已记录该园区的规划环评审查情况，资格判定即按新版名录进行。",
        "park_added": "已将园区加入名录；请记录其规划环评审查情况后方可适用告知承诺制。",
        "park_retired": "已将该园区移出名录。",
        "type_suspended": "已暂停该小类适用告知承诺制。",
        "type_resumed": "已恢复该小类适用告知承诺制。",
    }
)
Reason = Annotated[str, Form(max_length=500)]


def _page(
    request: Request,
    session: Session,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "parks": reference_data.current_parks(session),
        "scope": reference_data.current_scope(session),
        "plan_labels": PLAN_EIA_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "levels": [level.value for level in ParkLevel],
        "districts": ZHENGZHOU_DISTRICTS,
        "park_history": reference_data.history(session, ReferenceKind.PARKS),
        "scope_history": reference_data.history(session, ReferenceKind.SCOPE),
        "values": {},
        "error": "",
        "error_field": "",
        "flash": flash_of(request),
    }
    return render_page(request, "admin_parks.html", context | (extra or {}), status_code)


@router.get(PATH)
def parks_and_scope(
    request: Request, user: AdminUser, session: SessionDep, services: ServicesDep
) -> Response:
    return with_refusal(request, services, user.id, lambda extra: _page(request, session, extra))


def _change(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    step: Any,
    message: str,
    anchor: str,
    values: dict[str, str] | None = None,
) -> Response:
    return admin_action(
        request, session, services, user, step, redirect_with(PATH, message, anchor), path=PATH,
        page=lambda extra, status: _page(request, session, extra, status), values=values,
    )  # fmt: skip


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text.strip() else None
    except ValueError:
        raise InvalidInput("审查日期格式应为 年-月-日", "bad date", field="review_date") from None


def _status(text: str) -> PlanEiaStatus:
    try:
        return PlanEiaStatus(text)
    except ValueError:
        raise InvalidInput("请选择规划环评审查情况", "bad status", field="status") from None


@router.post(f"{PATH}/plan-eia")
def record_plan_eia(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    park: Annotated[str, Form(max_length=60)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    review_date: Annotated[str, Form(max_length=10)] = "",
    reviewer: Annotated[str, Form(max_length=200)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    reason: Reason = "",
) -> Response:
    values = {"park": park, "status": status, "review_date": review_date,
              "reviewer": reviewer, "source": source, "reason": reason}  # fmt: skip
    return _change(
        request, session, services, user,
        lambda: reference_data.record_plan_eia(
            session, user, park, status=_status(status), review_date=_date(review_date),
            reviewer=reviewer, source=source, reason=reason, now=now_of(services),
        ),
        "plan_eia_recorded", "parks", values,
    )  # fmt: skip


@router.post(f"{PATH}/add")
def add_park(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    name: Annotated[str, Form(max_length=60)] = "",
    aliases: Annotated[str, Form(max_length=200)] = "",
    level: Annotated[str, Form(max_length=10)] = "",
    districts: Annotated[list[str] | None, Form(max_length=5)] = None,
    reason: Reason = "",
) -> Response:
    values = {"name": name, "aliases": aliases, "level": level, "reason": reason}

    def step() -> object:
        if level not in {lv.value for lv in ParkLevel}:
            raise InvalidInput("请选择园区级别（国家级、省级或市级）", "level", field="level")
        names = [a for a in aliases.replace("，", "、").replace(",", "、").split("、") if a]
        return reference_data.add_park(
            session, user, name=name, aliases=names, level=ParkLevel(level),
            districts=districts or [], reason=reason, now=now_of(services),
        )  # fmt: skip

    return _change(request, session, services, user, step, "park_added", "parks", values)


@router.post(f"{PATH}/retire")
def retire_park(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    park: Annotated[str, Form(max_length=60)] = "",
    reason: Reason = "",
) -> Response:
    def step() -> object:
        return reference_data.retire_park(session, user, park, reason=reason, now=now_of(services))

    return _change(request, session, services, user, step, "park_retired", "parks")


@router.post(f"{PATH}/suspension")
def suspend_type(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    code: Annotated[str, Form(max_length=10)] = "",
    suspended: Annotated[str, Form(max_length=5)] = "",
    reason: Reason = "",
) -> Response:
    stop = suspended == "1"
    return _change(
        request, session, services, user,
        lambda: reference_data.set_type_suspended(
            session, user, code, suspended=stop, reason=reason, now=now_of(services)
        ),
        "type_suspended" if stop else "type_resumed", f"type-{code}",
    )  # fmt: skip
