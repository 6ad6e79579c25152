"""Use cases after acceptance: drafting, review, sign-off, postal dispatch of the original."""

from __future__ import annotations

from sqlmodel import Session, select

from approvals import audit
from approvals.casework import hooks as case_hooks
from approvals.casework.kinds import steps_of
from approvals.casework.queries import get_application_for
from approvals.casework.transitions import issued_by, move
from approvals.catalogue import Catalogue
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import WITH_RESULT, Action
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, PermissionDenied
from approvals.timekeeping.date_bounds import check_day
from models import (
    Application,
    Decision,
    Outcome,
    PostalDispatch,
    Role,
    User,
)
from models.enums import ROLE_LABELS
from models.ids import id_of
from models.schemas import DecisionDraft, PostalDispatchCreate

POSTAL_ROLES = frozenset({Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.ADMIN})


def find_decision(session: Session, application_id: int) -> Decision | None:
    return session.exec(select(Decision).where(Decision.application_id == application_id)).first()


def draft_decision(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    draft: DecisionDraft,
    expected_version: int | None = None,
) -> Application:
    """The case officer's proposed decision (approve with conditions, or deny with reasons)."""
    application = get_application_for(session, actor, application_id)
    case_hooks.check_may_draft(
        session, item_of(session, application), application, local_date(clock.now())
    )
    now = to_utc(clock.now())
    summary = "拟准予许可" if draft.outcome is Outcome.APPROVE else "拟不予许可"
    move(session, now, application, Action.DRAFT, actor, summary, expected_version)
    decision = find_decision(session, application_id) or Decision(
        application_id=application_id,
        outcome=draft.outcome,
        drafted_by=id_of(actor),
        drafted_at=now,
    )
    decision.outcome = draft.outcome
    decision.conditions = list(draft.conditions)
    decision.reasons = draft.reasons
    decision.legal_grounds = draft.legal_grounds
    decision.drafted_by = id_of(actor)
    decision.drafted_at = now
    decision.reviewed_by = decision.reviewed_at = None
    decision.signed_by = decision.signed_at = None
    session.add(decision)
    session.flush()
    return application


def return_draft(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    comment: str,
    expected_version: int | None = None,
) -> Application:
    application = get_application_for(session, actor, application_id)
    move(
        session,
        to_utc(clock.now()),
        application,
        Action.RETURN_DRAFT,
        actor,
        comment,
        expected_version,
    )
    return application


def approve_draft(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    comment: str = "",
    expected_version: int | None = None,
) -> Application:
    application = get_application_for(session, actor, application_id)
    now = to_utc(clock.now())
    move(session, now, application, Action.APPROVE_DRAFT, actor, comment, expected_version)
    decision = find_decision(session, application_id)
    assert decision is not None, "a case reaches review only with a drafted decision"
    decision.reviewed_by, decision.reviewed_at = actor.id, now
    session.add(decision)
    session.flush()
    return application


def return_from_signing(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    comment: str,
    expected_version: int | None = None,
) -> Application:
    application = get_application_for(session, actor, application_id)
    move(
        session,
        to_utc(clock.now()),
        application,
        Action.RETURN_FROM_SIGNING,
        actor,
        comment,
        expected_version,
    )
    return application


def sign(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    comment: str = "",
    expected_version: int | None = None,
) -> Application:
    """签发: the decision becomes final; the issuing flow numbers, renders, stores and mails it."""
    application = get_application_for(session, actor, application_id)
    moment = clock.now()
    now = to_utc(moment)
    issued_by(application, Action.SIGN, actor)  # out of turn or role: refused before any read
    decision = find_decision(session, application_id)
    assert decision is not None, "a case reaches sign-off only with a drafted decision"
    today = local_date(moment)
    item = item_of(session, application)
    # 听证 (the decision rests on its record), 拟批准公示, 容缺受理 (nothing still owed)
    case_hooks.check_may_sign(session, item, application, decision.outcome, today)
    steps = steps_of(application)
    assert steps.decision_payload is not None, "a kind that is signed has a decision payload"
    move(
        session,
        now,
        application,
        Action.SIGN,
        actor,
        comment,
        expected_version,
        payload=steps.decision_payload(session, application, decision),
        outcome=decision.outcome,
    )
    decision.signed_by, decision.signed_at = actor.id, now
    session.add(decision)
    if steps.on_signed is not None:
        steps.on_signed(session, moment, application, item, decision)
    return application


def record_postal_dispatch(
    session: Session, clock: Clock, actor: User, application_id: int, data: PostalDispatchCreate
) -> PostalDispatch:
    """网上受理，邮寄结果: the sealed paper original went out by courier."""
    if actor.role not in POSTAL_ROLES:
        raise PermissionDenied("当前角色无权登记邮寄", "this role cannot record a postal dispatch")
    application = get_application_for(session, actor, application_id)
    if application.status not in WITH_RESULT:
        raise InvalidInput(
            "办件尚未办结，不能登记邮寄结果", "the case has no final result to post yet"
        )
    decided = application.decided_on or local_date(application.created_at)
    check_day(
        data.sent_on,
        field="sent_on",
        label="寄出日期",
        earliest=decided,
        earliest_is="办结日期",
        latest=local_date(clock.now()),
        latest_is="今天",
    )
    row = PostalDispatch(
        application_id=application_id,
        courier=data.courier,
        waybill=data.waybill,
        sent_on=data.sent_on,
        recorded_by=id_of(actor),
        recorded_at=to_utc(clock.now()),
    )
    session.add(row)
    audit.append_event(
        session,
        at=row.recorded_at,
        application_id=application_id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action="postal_dispatch",
        comment=f"{data.courier} 运单号 {data.waybill}",
    )
    return row
