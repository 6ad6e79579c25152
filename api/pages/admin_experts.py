"""评审专家库 page (admin role): add an expert, availability, specialties, retire. Same
pattern as ``api.pages.admin``: the domain functions of ``approvals.administration.experts``
(audited), 303 with a flash message on success, the page again with the message on a refusal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.auth import link_mail
from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.mail_relay import send_after_commit
from api.pages import router
from api.pages.admin import failed, now_of, refused_page
from api.pages.display import flash_of, redirect_with
from api.pages.refusals import with_refusal
from api.pages.security import AdminUser
from api.params import Id
from api.templating import render_page
from approvals.administration import experts
from approvals.errors import DomainError, InvalidInput
from approvals.joint_review.expert_draw import SPECIALTY_LABELS
from approvals.joint_review.expert_pool import expert_groups
from models import User


def _page(
    request: Request, session: Session, user: User, extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    rows = experts.list_experts(session, user)
    context = {
        "rows": [(e, u, experts.is_retired(u)) for e, u in rows],
        "specialties": SPECIALTY_LABELS,
        "groups": expert_groups(),
        "values": {"specialties": []},
        "error": "",
        "error_field": "",
        "flash": flash_of(request),
    }
    return render_page(request, "admin_experts.html", context | (extra or {}), status_code)


@router.get("/admin/experts")
def expert_pool(
    request: Request, user: AdminUser, session: SessionDep, services: ServicesDep
) -> Response:
    return with_refusal(
        request, services, user.id, lambda extra: _page(request, session, user, extra)
    )


@router.post("/admin/experts")
def add_expert(
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    username: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=50)] = "",
    title: Annotated[str, Form(max_length=50)] = "",
    employer: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    group_no: Annotated[str, Form(max_length=2)] = "",
    specialties: Annotated[list[str] | None, Form()] = None,
) -> Response:
    chosen = specialties or []
    values = {
        "username": username, "name": name, "title": title, "employer": employer,
        "email": email, "group_no": group_no, "specialties": chosen,
    }  # fmt: skip
    try:
        experts.add_expert(
            session, user, username=username, name=name, title=title, employer=employer,
            email=email, specialties=chosen, group_no=int(group_no) if group_no.isdigit() else 0,
            now=now_of(services), mail=link_mail(services.settings),
        )  # fmt: skip
    except DomainError as exc:
        extra = failed(session, exc) | {"values": values}
        back = refused_page(request, services, user, "/admin/experts", extra, status_for(exc))
        return back or _page(request, session, user, extra, status_for(exc))
    session.commit()
    send_after_commit(background, services, session)
    return redirect_with("/admin/experts", "expert_added")


@router.post("/admin/experts/{expert_id}/specialties")
def set_specialties(
    expert_id: Id,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    specialties: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        experts.set_specialties(session, user, expert_id, specialties or [], now_of(services))
    except DomainError as exc:
        extra = failed(session, exc)
        back = refused_page(request, services, user, "/admin/experts", extra, status_for(exc))
        return back or _page(request, session, user, extra, status_for(exc))
    session.commit()
    return redirect_with("/admin/experts", "expert_specialties", f"expert-{expert_id}")


@router.post("/admin/experts/{expert_id}/{change}")
def change_expert(
    expert_id: Id,
    change: str,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    now = now_of(services)
    try:
        if change == "retire":
            experts.retire(session, user, expert_id, now)
        elif change in ("available", "unavailable"):
            experts.set_available(session, user, expert_id, change == "available", now)
        else:
            raise InvalidInput("无效的操作", f"unknown change {change!r}")
    except DomainError as exc:
        extra = failed(session, exc)
        back = refused_page(request, services, user, "/admin/experts", extra, status_for(exc))
        return back or _page(request, session, user, extra, status_for(exc))
    session.commit()
    message = "expert_retired" if change == "retire" else "expert_availability"
    return redirect_with("/admin/experts", message, f"expert-{expert_id}")
