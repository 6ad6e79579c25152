"""拟批准公示 on the case page: the leader agrees in principle and publishes the notice (the
same domain function as ``POST /api/applications/{id}/pre-approval-notice``); staff see its
period and a link to the public page. Signing waits for its end (``review.sign``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request, Response
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.case import run_step
from api.pages.case_sections import Facts, register_section
from api.pages.display import FLASH_MESSAGES, redirect_with
from api.pages.security import StaffUser
from api.params import Id
from api.services import AppServices
from approvals.casework.queries import get_application_for
from approvals.casework.review import find_decision
from approvals.catalogue.item_versions import item_of
from approvals.clock import local_date, to_utc
from approvals.participation import pre_approval
from approvals.participation.notices import find_notice
from models import Application, NoticeKind, Outcome, Role, Status, User
from models.ids import id_of

FLASH_MESSAGES["pre_approval_published"] = "已同意拟批准，拟批准公示已发布；公示期满后方可签发。"


def section(
    session: Session, services: AppServices, user: User, application: Application, facts: Facts
) -> dict[str, Any] | None:
    """The 拟批准公示 card for staff, or None where the item publishes none before signing."""
    if user.role is Role.APPLICANT:
        return None
    if pre_approval.spec_before_signing(item_of(session, application)) is None:
        return None
    notice = find_notice(session, id_of(application), NoticeKind.PRE_APPROVAL)
    decision = find_decision(session, id_of(application))
    approving = decision is not None and decision.outcome is Outcome.APPROVE
    waiting = application.status is Status.SIGNING and approving and notice is None
    return {
        "notice": notice,
        "can_publish": waiting and user.role in pre_approval.PUBLISHERS,
        "waiting": waiting,
        "measures": "".join(decision.conditions) if decision is not None else "",
    }


register_section("pa", section)  # 拟批准公示 on the case page


@router.post("/cases/{application_id}/pre-approval")
def publish(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    overview: Annotated[str, Form(max_length=4000)] = "",
    measures: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """同意拟批准，发布拟批准公示 (leaders)."""
    values = {"overview": overview, "measures": measures}

    def step() -> object:
        application = get_application_for(session, user, application_id)
        now = services.clock.now()
        return pre_approval.publish_pre_approval(
            session, services.calendar, user, application, item_of(session, application),
            pre_approval.PreApprovalIn(overview, measures), to_utc(now), local_date(now),
        )  # fmt: skip

    done = redirect_with(f"/cases/{application_id}", "pre_approval_published", "pre-approval")
    return run_step(
        request, session, services, user, application_id, values, step, done,
        anchor="pre-approval",
    )  # fmt: skip
