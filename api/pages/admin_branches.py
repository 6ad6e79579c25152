"""系统管理 · a staff account's unit: the bureau (市局) or a district's branch (分局)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.admin import now_of, users_action
from api.pages.display import redirect_with
from api.pages.security import AdminUser
from api.params import Id
from approvals.administration import branches


@router.post("/admin/branches/{user_id}")
def set_branch(
    user_id: Id,
    request: Request,
    user: AdminUser,
    session: SessionDep,
    services: ServicesDep,
    branch: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    return users_action(
        request, session, services, user,
        lambda: branches.set_branch(session, user, user_id, branch, now_of(services)),
        redirect_with("/admin/users", "staff_branch_changed", f"user-{user_id}"),
    )  # fmt: skip
