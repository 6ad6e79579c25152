"""系统管理 pages (admin role) under /admin: the start page linking every administration task.
Every change goes through the same domain functions as the JSON API and is audited there;
these handlers only parse forms and render. Routes hang off the pages' shared ``router``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import func, select

from api.deps import SessionDep
from api.pages import router
from api.pages.security import AdminUser
from api.templating import render_page
from models import Expert, Role, User

SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "/admin/facts",
        "事项数据来源与核实",
        "逐项核实事项版本的法定依据、时限与材料，核实后发布到办事指南。",
    ),
    ("/audit", "电子监察", "办理时限、超期预警与审计记录。"),
)


@router.get("/admin")
def admin_home(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    staff = session.exec(
        select(func.count()).select_from(User).where(User.role != Role.APPLICANT)
    ).one()
    experts = session.exec(select(func.count()).select_from(Expert)).one()
    return render_page(
        request,
        "admin.html",
        {"sections": SECTIONS, "staff_count": staff - experts, "expert_count": experts},
    )
