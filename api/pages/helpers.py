"""帮办代办 pages (/helpers): the enterprise's account administrator authorises a 帮办员 (which
actions, which items, from–to) and stops an authorisation; a helper reads the authorisations
given to it; the administrator names helpers. Post/redirect/get; refusals on the page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Form, Request, Response
from sqlmodel import Session, col, select

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.display import FLASH_MESSAGES, flash_of
from api.pages.form_action import form_action
from api.pages.refusals import with_refusal
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import STAFF_ROLES
from approvals.clock import local_date
from approvals.liaison import helpers
from models import Role, User
from models.liaison import HelperGrant

Reader = Annotated[User, signed_in(Role.APPLICANT, *(STAFF_ROLES - {Role.AUDITOR}))]
Applicant = Annotated[User, signed_in(Role.APPLICANT)]
Admin = Annotated[User, signed_in(Role.ADMIN)]
Line = Annotated[str, Form(max_length=100)]
FLASH_MESSAGES.update(
    {
        "helper_authorised": "已授权帮办员代办。",
        "helper_revoked": "已撤销该帮办授权，帮办员不能再代本企业办理。",
        "helper_designated": "已确定帮办员。",
    }
)
PATH = "/helpers"


@router.get(PATH)
def helper_page(
    request: Request, user: Reader, session: SessionDep, services: ServicesDep
) -> Response:
    today = local_date(services.clock.now())
    rows = helpers.listed(session, user, today)
    staff: list[User] = []
    if user.role is Role.ADMIN:
        query = select(User).where(col(User.role).in_(STAFF_ROLES - {Role.AUDITOR}))
        staff = list(session.exec(query.order_by(col(User.display_name))))

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "helpers.html",
            {
                "rows": rows,
                "may_grant": user.role is Role.APPLICANT and user.is_enterprise_admin,
                "is_enterprise": user.role is Role.APPLICANT,
                "actions": helpers.ACTIONS,
                "helpers": helpers.helpers(session),
                "staff": staff,
                "today": today,
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
            },
        )

    return with_refusal(request, services, user.id, render)


def _done(request: Request, session: Session, services: AppServices, user: User,
          step: Any, flash: str) -> Response:  # fmt: skip
    return form_action(request, session, services, user, PATH, step, flash)


@router.post(PATH)
def grant(
    request: Request, user: Applicant, session: SessionDep, services: ServicesDep,
    helper_username: Line = "", valid_from: Line = "", valid_to: Line = "", items: Line = "",
    actions: Annotated[list[str], Form(max_length=5)] = [],  # noqa: B006 - FastAPI form default
) -> Response:  # fmt: skip
    def step() -> object:
        data = HelperGrant(
            helper_username=helper_username, actions=actions,
            item_codes=items.replace("，", ",").replace("、", ",").split(","),
            valid_from=date.fromisoformat(valid_from), valid_to=date.fromisoformat(valid_to),
        )  # fmt: skip
        return helpers.grant(session, services.clock.now(), user, data)

    return _done(request, session, services, user, step, "helper_authorised")


@router.post("/helpers/{authorisation_id}/revoke")
def revoke(
    authorisation_id: Id, request: Request, user: Applicant, session: SessionDep,
    services: ServicesDep,
) -> Response:  # fmt: skip
    step = lambda: helpers.revoke(session, services.clock.now(), user, authorisation_id)  # noqa: E731
    return _done(request, session, services, user, step, "helper_revoked")


@router.post("/helpers/designations")
def designate(
    request: Request, user: Admin, session: SessionDep, services: ServicesDep, user_id: Line = ""
) -> Response:
    step = lambda: helpers.designate(session, services.clock.now(), user, int(user_id))  # noqa: E731
    return _done(request, session, services, user, step, "helper_designated")
