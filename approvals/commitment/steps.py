"""The fast track's steps after the letter: submission (or conversion), the decision, the
post-approval check and revocation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from approvals.casework.queries import get_application_for
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue, DayUnit
from approvals.catalogue.item_versions import item_of, note_version
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, local_date, to_utc
from approvals.commitment.service import (
    BAR_DAYS,
    CONDITIONS,
    POST_CHECK_DAYS,
    STANDARD_ITEM,
    _case,
    _record,
    assess_case,
)
from approvals.errors import InvalidInput, PermissionDenied
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    CommitmentBar,
    CommitmentCase,
    Decision,
    Document,
    DocumentKind,
    DocumentState,
    OutboxMail,
    Outcome,
    ProcessKind,
    Role,
    Status,
    Track,
    User,
)
from models.ids import id_of
from models.schemas import PostCheckCreate


def submit(
    session: Session, clock: Clock, catalogue: Catalogue, actor: User, application: Application
) -> Application:
    """Recompute eligibility at submission: eligible with an accepted current letter →
    submitted on the fast track; not eligible → converted to the standard review."""
    now = clock.now()
    case = _case(session, id_of(application))
    result = assess_case(session, application, case.facts, local_date(now))
    _record(case, result)
    session.add(case)
    if not result.eligible:
        return convert(
            session, clock, catalogue, application, [f.message_zh for f in result.findings]
        )
    if case.accepted_sha256 is None or case.accepted_sha256 != case.letter_sha256:
        raise InvalidInput("请先阅读并确认告知承诺书", "accept the commitment letter first")
    action = Action.RESUBMIT if application.status is Status.CORRECTION else Action.SUBMIT
    move(session, to_utc(now), application, action, actor)
    return application


def convert(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    application: Application,
    reasons: list[str],
) -> Application:
    """告知承诺制 → 一般程序: the same case, its materials kept, with a notice saying why."""
    now = clock.now()
    move(
        session,
        to_utc(now),
        application,
        Action.CONVERT,
        None,
        "；".join(reasons),
        payload={"reasons": reasons},
    )
    item = catalogue.get(STANDARD_ITEM)
    note_version(session, item, to_utc(now))
    application.process_kind, application.item_code = ProcessKind.STANDARD, item.code
    application.track = Track.STANDARD
    application.item_version = item.version
    case = _case(session, id_of(application))
    case.converted_at = to_utc(now)
    session.add_all([application, case])
    session.flush()
    return application


def on_accepted(session: Session, actor: User, application: Application, at: datetime) -> None:
    """Form check passed: the decision is the standard one; the leader signs it at once."""
    session.add(
        Decision(
            application_id=id_of(application),
            outcome=Outcome.APPROVE,
            conditions=list(CONDITIONS),
            drafted_by=id_of(actor),
            drafted_at=at,
        )
    )
    session.flush()


def decision_payload(
    session: Session, application: Application, post_check_days: int = POST_CHECK_DAYS
) -> dict[str, Any]:
    case = _case(session, id_of(application))
    return {
        "conditions": list(CONDITIONS),
        "post_check_days": post_check_days,
        "commitment_sha256": case.accepted_sha256 or "",
    }


def open_post_check(
    session: Session,
    calendar: Any,
    application: Application,
    post_check_days: int = POST_CHECK_DAYS,
) -> CommitmentCase:
    """After the decision: the check is due N working days later."""
    assert application.decided_on is not None, "the post-check opens on a decided case"
    case = _case(session, id_of(application))
    case.check_due_on = calendar.due(application.decided_on, post_check_days, DayUnit.WORKING).day
    session.add(case)
    session.flush()
    return case


def assign_due_checks(session: Session, clock: Clock, lead_days: int = 5) -> list[int]:
    """Assign every open check due within ``lead_days`` working days to the case officer with
    the fewest open checks; idempotent (assigned checks stay with their officer)."""
    today = local_date(clock.now())
    horizon = shared_calendar().due(today, lead_days, DayUnit.WORKING).day
    rows = session.exec(
        select(CommitmentCase)
        .join(Application, col(Application.id) == col(CommitmentCase.application_id))
        .where(
            Application.status == Status.POST_CHECK,
            col(CommitmentCase.check_officer_id).is_(None),
            col(CommitmentCase.check_due_on) <= horizon,
        )
    ).all()
    officers = session.exec(
        select(User).where(User.role == Role.CASE_OFFICER, User.is_active == True)  # noqa: E712
    ).all()
    if not rows or not officers:
        return []
    load = {o.id: 0 for o in officers}
    for officer_id in session.exec(
        select(CommitmentCase.check_officer_id).where(
            col(CommitmentCase.check_officer_id).is_not(None),
            col(CommitmentCase.check_outcome).is_(None),
        )
    ):
        if officer_id in load:
            load[officer_id] += 1
    assigned = []
    for case in rows:
        officer = min(load, key=lambda i: (load[i], i))
        case.check_officer_id, case.check_assigned_at = officer, to_utc(clock.now())
        load[officer] += 1
        session.add(case)
        session.add(
            _assignment_mail(session, case, next(o for o in officers if o.id == officer), clock)
        )
        assigned.append(case.application_id)
    session.flush()
    return assigned


def _assignment_mail(
    session: Session, case: CommitmentCase, officer: User, clock: Clock
) -> OutboxMail:
    application = session.get(Application, case.application_id)
    assert application is not None
    return OutboxMail(
        message_id=f"<post-check-{case.application_id}-{officer.id}@eia.local>",
        application_id=case.application_id,
        to_addr=officer.email,
        subject=f"【事后核查】办件{application.number}（{application.project_name}）",
        body=(
            f"{officer.display_name}：\n\n告知承诺制审批项目“{application.project_name}”"
            f"（办件编号 {application.number}）的事后核查已指派给您，应于"
            f"{case.check_due_on}前完成并在系统中登记核查结果。\n"
        ),
        created_at=to_utc(clock.now()),
    )


def record_check(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    data: PostCheckCreate,
    *,
    bar_days: int = BAR_DAYS,
    expected_version: int | None = None,
) -> Application:
    """The assigned officer records the outcome; a false commitment is revoked."""
    application = get_application_for(session, actor, application_id)
    case = _case(session, application_id)
    if case.check_officer_id != actor.id:
        raise PermissionDenied(
            "只有被指派的核查人员可以登记核查结果",
            "only the assigned officer records the post-approval check",
        )
    now = clock.now()
    case.check_findings = list(data.findings)
    case.check_outcome, case.checked_at = data.outcome, to_utc(now)
    session.add(case)
    if data.outcome == "conforms":
        move(
            session,
            to_utc(now),
            application,
            Action.CHECK_CONFORMS,
            actor,
            "；".join(data.findings) or "核查相符",
            expected_version,
        )
        return application
    if not data.findings:
        raise InvalidInput("承诺不实须列明核查发现的问题", "a failed check needs its findings")
    decision = _decision_document(session, application_id)
    until = local_date(now) + timedelta(days=bar_days)
    item = item_of(session, application)
    move(
        session,
        to_utc(now),
        application,
        Action.CHECK_FAILS,
        actor,
        "；".join(data.findings),
        expected_version,
        payload={
            "revoked_document_id": decision.id,
            "findings": list(data.findings),
            "bar_until": until.isoformat(),
            "series": item.decision_series,
        },
    )
    session.add(
        CommitmentBar(
            enterprise_id=application.enterprise_id,
            until=until,
            reason="告知承诺不实，审批决定被撤销",
            application_id=application_id,
            created_at=to_utc(now),
        )
    )
    decision.state = DocumentState.REVOKED
    session.add(decision)
    session.flush()
    return application


def _decision_document(session: Session, application_id: int) -> Document:
    document = session.exec(
        select(Document).where(
            Document.application_id == application_id,
            Document.kind == DocumentKind.COMMITMENT_DECISION,
        )
    ).first()
    if document is None:
        raise InvalidInput("尚无告知承诺制审批决定", "no decision to revoke")
    return document


def add_evidence(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    *,
    filename: str,
    key: str,
    sha256: str,
    size: int,
    content_type: str,
) -> CommitmentCase:
    """A photo or document the assigned officer collected during the post-approval check."""
    application = get_application_for(session, actor, application_id)
    case = _case(session, application_id)
    if case.check_officer_id != actor.id or application.status is not Status.POST_CHECK:
        raise PermissionDenied(
            "只有被指派的核查人员可以在核查期间上传证据",
            "only the assigned officer uploads evidence during the check",
        )
    case.check_evidence = [
        *case.check_evidence,
        {
            "filename": filename,
            "object_key": key,
            "sha256": sha256,
            "size": size,
            "content_type": content_type,
            "uploaded_at": to_utc(clock.now()).isoformat(),
        },
    ]
    session.add(case)
    session.flush()
    return case
