"""Moving a case along its process graph: the one place a status changes."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.versioned import update_versioned
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import (
    ACTION_LABELS,
    FINAL,
    Action,
    ByOutcome,
    Transition,
    find_transition,
)
from approvals.clock import as_local, local_date
from approvals.dispatch import ADVANCE_STANDARD, request_flow
from approvals.errors import ConcurrentUpdate, InvalidInput
from approvals.timekeeping.case_clock import refresh_cached
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    Document,
    DocumentKind,
    DocumentState,
    Outcome,
    StepRecord,
    User,
)
from models.enums import ROLE_LABELS
from models.ids import id_of

SYSTEM_NAME, SYSTEM_ROLE = audit.SYSTEM_NAME, audit.SYSTEM_ROLE
# 发文字号 代字 of the documents with a series of their own; the others take their item's
# decision series (approvals/items: decision_series).
SERIES: dict[DocumentKind, str] = {
    DocumentKind.ACCEPTANCE_NOTICE: "郑环受",
    DocumentKind.CORRECTION_NOTICE: "郑环补",
    DocumentKind.REFUSAL_NOTICE: "郑环不受",
    DocumentKind.SPECIAL_PROCEDURE_NOTICE: "郑环告",
    DocumentKind.EXPERT_OPINION: "郑环评审",
    DocumentKind.CONVERSION_NOTICE: "郑环转",
    DocumentKind.REVOCATION_DECISION: "郑环撤",
    DocumentKind.HEARING_NOTICE: "郑环听",  # inferred: the bureau's series for hearing papers
    DocumentKind.HEARING_RECORD: "郑环听录",  # is not public
}

Payload = dict[str, object]


def move(
    session: Session,
    at: datetime,
    application: Application,
    action: Action,
    actor: User | None,
    comment: str = "",
    expected_version: int | None = None,
    *,
    payload: Payload | None = None,
    outcome: Outcome | None = None,
) -> Transition:
    """Take ``action`` on ``application`` for ``actor`` (None: the system), audit it, bump the
    version, and queue the document the transition names (``Transition.issues``) with
    ``payload`` — for a decision, the one its drafted ``outcome`` names. A concurrent change of
    the same case (a second sign-off racing the first) fails with ``ConcurrentUpdate``; nothing
    is written then."""
    transition = find_transition(
        application.status, action, actor.role if actor else None, application.process_kind
    )
    if transition.needs_comment and not comment.strip():
        raise InvalidInput(
            f"“{ACTION_LABELS[action]}”须填写意见或理由",
            f"action {action.value!r} needs a comment",
        )
    update_versioned(
        session,
        application,
        expected_version,
        transition.source,
        {"status": transition.target},
        ConcurrentUpdate(
            "该办件已被他人处理或页面已过期，请刷新后重试",
            "the case was changed by someone else first; reload and retry",
        ),
    )
    _record_steps(session, application, transition, at, actor)
    audit.append_event(
        session,
        at=at,
        application_id=application.id,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else SYSTEM_NAME,
        actor_role=ROLE_LABELS[actor.role] if actor else SYSTEM_ROLE,
        action=action.value,
        from_status=transition.source.value,
        to_status=transition.target.value,
        comment=comment.strip(),
    )
    item = item_of(session, application)
    entered = None if transition.target in FINAL else local_date(at)  # _record_steps opened it
    refresh_cached(session, shared_calendar(), item, application, local_date(at), entered)
    if transition.issues is not None:
        if payload is None:
            raise ValueError(f"{action.value} issues a document: give its payload")
        kind = transition.issues
        if isinstance(kind, ByOutcome):
            if outcome is None:
                raise ValueError(f"{action.value} issues the decision: give its outcome")
            kind = kind(outcome)
        queue_document(session, at, application, kind, payload)
    return transition


def issued_by(
    application: Application, action: Action, actor: User | None
) -> DocumentKind | ByOutcome | None:
    """The document ``action`` would issue on ``application`` now; raises as ``move`` would
    when the action does not apply (so a caller can check before it reads anything)."""
    role = actor.role if actor else None
    return find_transition(application.status, action, role, application.process_kind).issues


def _record_steps(
    session: Session,
    application: Application,
    transition: Transition,
    at: datetime,
    actor: User | None,
) -> None:
    """Close the step the case leaves and open the one it enters (final states have none)."""
    calendar = shared_calendar()
    for step in session.exec(
        select(StepRecord).where(
            StepRecord.application_id == application.id, col(StepRecord.left_at).is_(None)
        )
    ):
        entered, left = local_date(step.entered_at), local_date(at)
        step.left_at = at
        step.calendar_days = (left - entered).days
        step.working_days = calendar.working_days_between(entered, left)[0]
        step.actor_id = actor.id if actor else None
        session.add(step)
    if transition.target not in FINAL:
        session.add(
            StepRecord(application_id=id_of(application), status=transition.target, entered_at=at)
        )
    session.flush()


def new_verify_code() -> str:
    """A short code printed on each PDF for public verification (no ambiguous characters)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def queue_document(
    session: Session,
    at: datetime,
    application: Application,
    kind: DocumentKind,
    payload: Payload,
) -> Document:
    """A document to be issued by the flow, plus the flow request, in the caller's transaction.
    Its series is the kind's own (``SERIES``) or the item's decision series; its year the
    local (Asia/Shanghai) year of ``at``. Steps that issue a document call ``move`` with its
    payload; only what is no step of the graph (a clock stop's notice, a licence certificate
    after an approval) calls this directly."""
    series = SERIES.get(kind) or item_of(session, application).decision_series
    document = Document(
        application_id=id_of(application),
        kind=kind,
        state=DocumentState.PENDING,
        series=series,
        year=as_local(at).year,
        payload=payload,
        verify_code=new_verify_code(),
        created_at=at,
    )
    session.add(document)
    session.flush()
    request_flow(session, at, application, ADVANCE_STANDARD)
    return document
