"""The applicant's draft on its case page: 编辑 (the project's fields) and 撤回, through the
same actions as ``PATCH /api/applications/{id}`` and ``POST …/withdraw``."""

from __future__ import annotations

from fastapi import Request, Response

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.case import run_step
from api.pages.display import redirect_with
from api.pages.forms import build
from api.pages.security import ApplicantUser
from api.params import Id
from approvals.casework import drafts
from models.schemas import ApplicationUpdate

DRAFT_FIELDS = tuple(drafts.EDITABLE)


@router.post("/cases/{application_id}/draft")
async def edit_draft(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    form = await request.form()
    values = {f: v for f in DRAFT_FIELDS if isinstance(v := form.get(f), str)}

    def step() -> object:
        data = build(ApplicationUpdate, values, labels=drafts.EDITABLE)
        return drafts.edit_draft(session, services.clock, user, application_id, data)

    done = redirect_with(f"/cases/{application_id}", "draft_saved")
    return run_step(request, session, services, user, application_id, values, step, done)


@router.post("/cases/{application_id}/withdraw")
def withdraw_draft(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    def step() -> object:
        return drafts.withdraw_draft(session, services.clock, user, application_id)

    done = redirect_with(f"/cases/{application_id}", "draft_withdrawn")
    return run_step(request, session, services, user, application_id, {}, step, done)
