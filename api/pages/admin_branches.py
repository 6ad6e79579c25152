"""系统管理 · a staff account's unit: the bureau (市局) or a district's branch (分局)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.pages import router
from api.pages.admin import _users_page, failed, now_of, refused_page
from api.pages.display import redirect_with
from api.pages.security import AdminUser
from api.params import Id
from approvals.administration import branches
from approvals.errors import DomainError


@router.post("/admin/branches/{user_id}")
def set_branch(
    user_id: Id,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    branch: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        branches.set_branch(session, user, user_id, branch, now_of(services))
    except DomainError as exc:
        extra = failed(session, exc)
        back = refused_page(request, services, user, "/admin/users", extra, status_for(exc))
        return back or _users_page(request, session, user, extra, status_for(exc))
    session.commit()
    return redirect_with("/admin/users", "staff_branch_changed", f"user-{user_id}")
