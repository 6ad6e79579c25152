"""A draft before it is submitted: the applicant edits its fields or withdraws it.

Only the applicant side (the enterprise that owns the case) acts, and only while the case is a
draft: once submitted, the case belongs to the bureau's procedure (no route withdraws a
submitted application yet). Both acts are in the audit trail; a withdrawn draft keeps its
number and record (status ``withdrawn``, final, no result).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session

from approvals import audit
from approvals.casework.forms import check_form
from approvals.casework.queries import get_application_for
from approvals.casework.transitions import move
from approvals.casework.versioned import update_versioned
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, to_utc
from approvals.errors import ConcurrentUpdate, InvalidInput, InvalidTransition, PermissionDenied
from models import Application, Role, Status, User
from models.enums import ROLE_LABELS, STATUS_LABELS
from models.schemas import ApplicationCreate, ApplicationUpdate

EDITABLE: dict[str, str] = {
    "project_name": "项目名称",
    "site": "建设地点",
    "district": "所在辖区",
    "industry_code": "国民经济行业代码",
    "total_investment": "总投资",
    "env_investment": "环保投资",
    "consultant": "环评单位",
    "description": "申请内容",
}


def _own_draft(session: Session, actor: User, application_id: int, what: str) -> Application:
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("只有申请人可以修改或撤回草稿", "only the applicant may do this")
    application = get_application_for(session, actor, application_id)
    if application.status is not Status.DRAFT:
        raise InvalidTransition(
            f"只有尚未提交的草稿可以{what}（当前状态：{STATUS_LABELS[application.status]}）",
            f"only a draft can be {'edited' if what == '修改' else 'withdrawn'}",
            status=application.status.value,
        )
    return application


def edit_draft(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    changes: ApplicationUpdate,
    expected_version: int | None = None,
) -> Application:
    """Replace the fields sent, check the whole draft as at creation (the item's required
    fields, district, industry code, investments), bump the version, audit the change."""
    application = _own_draft(session, actor, application_id, "修改")
    sent = changes.model_dump(exclude_unset=True, exclude_none=True)
    current: dict[str, Any] = {name: getattr(application, name) for name in EDITABLE}
    merged = current | sent
    if Decimal(merged["env_investment"]) > Decimal(merged["total_investment"]):
        raise InvalidInput(
            "环保投资不能大于总投资",
            "environmental investment exceeds the total",
            field="env_investment",
        )
    data = ApplicationCreate.model_construct(
        item_code=application.item_code, licence_number=application.licence_number, **merged
    )
    merged["industry_code"] = check_form(item_of(session, application), data)
    changed = [name for name in EDITABLE if merged[name] != current[name]]
    if not changed:
        return application
    update_versioned(
        session,
        application,
        expected_version,
        Status.DRAFT,
        {name: merged[name] for name in changed},
        ConcurrentUpdate(
            "该草稿已被修改或已提交，请刷新后重试", "the draft changed first; reload and retry"
        ),
    )
    audit.append_event(
        session,
        at=to_utc(clock.now()),
        application_id=application.id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action="edit_draft",
        from_status=Status.DRAFT.value,
        to_status=Status.DRAFT.value,
        comment="修改：" + "、".join(EDITABLE[name] for name in changed),
    )
    return application


def withdraw_draft(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    expected_version: int | None = None,
) -> Application:
    """The applicant withdraws a draft it will not submit (status ``withdrawn``, audited)."""
    application = _own_draft(session, actor, application_id, "撤回")
    move(session, to_utc(clock.now()), application, Action.WITHDRAW, actor, "", expected_version)
    return application
