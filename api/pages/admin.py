"""系统管理 pages (admin role) under /admin: the start page, staff accounts and roles, and the
holiday schedules (the expert pool is in ``api.pages.admin_experts``). Every change calls the
same function as the JSON API (``approvals.administration``), which audits it; a handler
parses its form, commits and answers 303 with a flash message, or shows the page again with
the Chinese message and what was typed. Routes hang off the pages' shared ``router``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session, func, select

from api.auth import link_mail
from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.mail_relay import send_after_commit
from api.pages import router
from api.pages.display import FLASH_MESSAGES, flash_of, redirect_with
from api.pages.refusals import refused_redirect, with_refusal
from api.pages.security import AdminUser
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.administration import schedules, staff
from approvals.catalogue.districts import BRANCHES
from approvals.clock import to_utc
from approvals.errors import DomainError, InvalidInput
from approvals.timekeeping import holidays
from approvals.timekeeping.schedule import install_overrides
from models import Expert, User
from models.enums import ROLE_LABELS

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("/admin/users", "工作人员与角色", "开通工作人员账号、调整角色、停用或启用账号。"),
    ("/admin/experts", "评审专家库", "新增专家、设置可否抽取与专业领域、专家退出专家库。"),
    (
        "/admin/holidays",
        "节假日安排",
        "导入国务院办公厅公布的年度放假与调休安排，办理时限随即按其计算。",
    ),
    (
        "/admin/facts",
        "事项版本：数据来源与核实",
        "逐项核实事项版本的法定依据、时限与材料，核实后发布到办事指南。",
    ),
    (
        "/admin/parks",
        "园区与告知承诺制范围",
        "记录园区规划环评审查情况、增减园区，暂停或恢复10大类27小类中的小类；每次修改留有版本与依据。",
    ),
    ("/audit", "电子监察", "办理时限、超期预警与审计记录。"),
)
FLASH_MESSAGES.update(
    {
        "staff_created": "已开通账号，设置密码的链接已发送到其邮箱。",
        "staff_role_changed": "已调整角色，该账号需重新登录。",
        "staff_branch_changed": "已设置所属单位，其待办随之调整。",
        "staff_disabled": "已停用该账号，其登录会话已全部结束。",
        "staff_enabled": "已启用该账号。",
        "holidays_loaded": "已导入节假日安排，办理时限已按其重新计算。",
        "expert_added": "已加入专家库，设置密码的链接已发送到专家邮箱。",
        "expert_availability": "已更新该专家可否抽取。",
        "expert_specialties": "已更新该专家的专业领域。",
        "expert_retired": "该专家已退出专家库，账号已停用。",
    }
)
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def failed(session: Session, exc: DomainError) -> dict[str, Any]:
    session.rollback()
    return {"error": exc.message_zh, "error_field": exc.details.get("field", "")}


def refused_page(
    request: Request,
    services: AppServices,
    user: User,
    path: str,
    extra: dict[str, Any],
    status_code: int,
) -> Response | None:
    """Post/redirect/get for a refused form (invalid or out of date): the message, its field and
    what was typed go to the page's GET in the refusal cookie; None: show the page in place."""
    if status_code not in (409, 422):
        return None
    values = extra.get("values", {})
    field = extra["error_field"]
    return refused_redirect(request, services, user.id, path, extra["error"], values, field=field)


@router.get("/admin")
def admin_home(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    staff_count = session.exec(
        select(func.count()).select_from(User).where(User.role.in_(staff.STAFF_ROLES))  # type: ignore[attr-defined]  # a column
    ).one()
    experts = session.exec(select(func.count()).select_from(Expert)).one()
    return render_page(
        request,
        "admin.html",
        {"sections": SECTIONS, "staff_count": staff_count, "expert_count": experts},
    )


# --- staff accounts ------------------------------------------------------------------------------


def _users_page(
    request: Request, session: Session, user: User, extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "staff": staff.list_staff(session, user),
        "roles": [(r.value, ROLE_LABELS[r]) for r in staff.STAFF_ROLES],
        "branches": list(BRANCHES.items()),  # 分局 by district (api.pages.admin_branches)
        "values": {},
        "error": "",
        "error_field": "",
        "flash": flash_of(request),
    }
    return render_page(request, "admin_users.html", context | (extra or {}), status_code)


@router.get("/admin/users")
def users(
    request: Request, user: AdminUser, session: SessionDep, services: ServicesDep
) -> Response:
    return with_refusal(
        request, services, user.id, lambda extra: _users_page(request, session, user, extra)
    )


def admin_action(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    step: Callable[[], object],
    done: Response,
    *,
    path: str,
    page: Callable[[dict[str, Any], int], Response],
    values: dict[str, str] | None = None,
    after: Callable[[], object] | None = None,
) -> Response:
    """An administrator's change on the page at ``path``: run ``step``, commit, run ``after``
    (work started once committed) and answer ``done``; a refusal rolls back and goes back to
    the page by a redirect (typed ``values`` kept), or renders it in place (``page``)."""
    try:
        step()
    except DomainError as exc:
        extra = failed(session, exc) | ({"values": values} if values else {})
        back = refused_page(request, services, user, path, extra, status_for(exc))
        return back or page(extra, status_for(exc))
    session.commit()
    if after is not None:
        after()
    return done


def users_action(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    step: Callable[[], object],
    done: Response,
    values: dict[str, str] | None = None,
    after: Callable[[], object] | None = None,
) -> Response:
    """``admin_action`` on /admin/users."""
    return admin_action(
        request, session, services, user, step, done, path="/admin/users",
        page=lambda extra, status: _users_page(request, session, user, extra, status),
        values=values, after=after,
    )  # fmt: skip


@router.post("/admin/users")
def create_user(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    values = {"username": username, "display_name": display_name, "email": email, "role": role}
    return users_action(
        request, session, services, user,
        lambda: staff.create_staff(
            session, user, username=username, display_name=display_name, email=email,
            role=role, now=now_of(services), mail=link_mail(services.settings),
        ),
        redirect_with("/admin/users", "staff_created"),
        values,
        after=lambda: send_after_commit(background, services, session),
    )  # fmt: skip


@router.post("/admin/users/{user_id}/role")
def change_role(
    user_id: Id,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    return users_action(
        request, session, services, user,
        lambda: staff.change_role(session, user, user_id, role, now_of(services)),
        redirect_with("/admin/users", "staff_role_changed", f"user-{user_id}"),
    )  # fmt: skip


@router.post("/admin/users/{user_id}/{change}")
def set_active(
    user_id: Id,
    change: str,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    if change not in ("disable", "enable"):
        raise InvalidInput("无效的操作", f"unknown change {change!r}")
    return users_action(
        request, session, services, user,
        lambda: staff.set_active(session, user, user_id, change == "enable", now_of(services)),
        redirect_with("/admin/users", f"staff_{change}d", f"user-{user_id}"),
    )  # fmt: skip


# --- holiday schedules ---------------------------------------------------------------------------


def _holidays_page(
    request: Request, session: Session, extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "years": schedules.loaded_years(session),
        "values": {},
        "error": "",
        "error_field": "",
        "flash": flash_of(request),
    }
    return render_page(request, "admin_holidays.html", context | (extra or {}), status_code)


@router.get("/admin/holidays")
def holiday_schedules(
    request: Request, user: AdminUser, session: SessionDep, services: ServicesDep
) -> Response:
    return with_refusal(
        request, services, user.id, lambda extra: _holidays_page(request, session, extra)
    )


def _dates(raw: str, field: str, label: str) -> list[date]:
    found = _DATE.findall(raw)
    leftover = _DATE.sub("", raw).replace(",", " ").replace("，", " ").replace("、", " ").split()
    try:
        if leftover:
            raise ValueError(leftover[0])
        return [date.fromisoformat("-".join(p.zfill(2) for p in d.split("-"))) for d in found]
    except ValueError as exc:
        raise InvalidInput(
            f"{label}中有无法识别的日期，请按 2027-01-01 的格式填写", f"bad date {exc}", field=field
        ) from exc


@router.post("/admin/holidays")
def load_holidays(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    year: Annotated[str, Form(max_length=4)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    holiday_days: Annotated[str, Form(max_length=2000)] = "",
    workdays: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    values = {"year": year, "source": source, "holiday_days": holiday_days, "workdays": workdays}
    try:
        if not year.isdigit():
            raise InvalidInput("请填写年份，如 2027", "year is a number", field="year")
        schedules.load_holiday_schedule(
            session, user, int(year), _dates(holiday_days, "holiday_days", "放假日期"),
            _dates(workdays, "workdays", "调休上班日期"), source=source, now=now_of(services),
        )  # fmt: skip
    except DomainError as exc:
        extra = failed(session, exc) | {"values": values}
        back = refused_page(request, services, user, "/admin/holidays", extra, status_for(exc))
        return back or _holidays_page(request, session, extra, status_for(exc))
    session.commit()
    install_overrides(holidays.overrides(session))
    return redirect_with("/admin/holidays", "holidays_loaded")


def now_of(services: AppServices) -> datetime:
    return to_utc(services.clock.now())
