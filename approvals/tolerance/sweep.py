"""The deadline sweep's part of 容缺受理: a commitment whose date passed gets its item's rule
(suspend: the clock stops until the materials arrive, then 退件 after the rule's working days;
return: 退件 at once), and the applicant is mailed. Idempotent: a rule applied is not applied
again, a mail has a stable Message-ID."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from approvals.casework.pauses import open_pause
from approvals.casework.transitions import move
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, local_date, to_utc
from approvals.notifications import render_text
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.case_clock import pauses_of, refresh_cached
from approvals.tolerance.commitments import (
    BEFORE_ACCEPTANCE,
    audit_case,
    open_commitments,
    owed_materials,
)
from approvals.tolerance.rules import OverdueRule
from models import Application, ClockPause, OutboxMail, Status
from models.ids import id_of
from models.tolerance import ToleranceCommitment, ToleranceState

PAUSE_REASON = "容缺材料逾期未补齐（暂停办理）"
RETURNABLE = frozenset({Status.DRAFTING, Status.REVIEWING, Status.SIGNING})


def apply_overdue(session: Session, clock: Clock, calendar: WorkingCalendar) -> dict[str, int]:
    """Apply the rule to every overdue commitment; returns how many were suspended and
    returned. A case in a step that cannot be returned (a joint review) waits for the next run."""
    now = clock.now()
    today = local_date(now)
    counts = {"suspended": 0, "returned": 0}
    for row in open_commitments(session):
        application = session.get(Application, row.application_id)
        if application is None or application.status in BEFORE_ACCEPTANCE:
            continue
        if row.state is ToleranceState.OWED and row.supply_by < today:
            if row.overdue_rule == OverdueRule.SUSPEND.value:
                _suspend(session, clock, calendar, application, row)
                counts["suspended"] += 1
            elif _return(session, now, today, application, row):
                counts["returned"] += 1
        elif (
            row.state is ToleranceState.SUSPENDED
            and row.overdue_on is not None
            and row.return_after_days is not None
            and calendar.due(row.overdue_on, row.return_after_days, "working").day < today
            and _return(session, now, today, application, row)
        ):
            counts["returned"] += 1
    session.flush()
    return counts


def _suspend(
    session: Session, clock: Clock, calendar: WorkingCalendar, application: Application,
    row: ToleranceCommitment,
) -> None:  # fmt: skip
    now, today = clock.now(), local_date(clock.now())
    item = item_of(session, application)
    if all(p.end_on is not None for p in pauses_of(session, id_of(application))):
        pause = open_pause(
            session,
            clock,
            application,
            reason=PAUSE_REASON,
            max_days=row.return_after_days or 15,
            actor_id=None,
            comment="容缺受理承诺的补齐日期已过",
        )
        row.pause_id = pause.id
    row.state, row.overdue_on = ToleranceState.SUSPENDED, today
    session.add(row)
    audit_case(
        session,
        now,
        application,
        None,
        "tolerance_suspended",
        "容缺材料逾期未补齐，暂停办理（停止计时）",
    )
    refresh_cached(session, calendar, item, application, today)
    _mail(session, now, application, row, "suspended")


def _return(
    session: Session, now: datetime, today: date, application: Application,
    row: ToleranceCommitment,
) -> bool:  # fmt: skip
    if application.status not in RETURNABLE:
        return False
    if row.pause_id is not None:
        pause = session.get(ClockPause, row.pause_id)
        if pause is not None and pause.end_on is None:
            pause.end_on = today
            session.add(pause)
    move(session, to_utc(now), application, Action.RETURN_UNSUPPLIED, None, "容缺材料逾期未补齐")
    row.state, row.settled_on = ToleranceState.RETURNED, today
    row.overdue_on = row.overdue_on or today
    session.add(row)
    _mail(session, now, application, row, "returned")
    return True


def _mail(
    session: Session, now: datetime, application: Application, row: ToleranceCommitment,
    event: str,
) -> None:  # fmt: skip
    item = item_of(session, application)
    owed = [
        o.name
        for o in owed_materials(session, item, id_of(application), row.material_codes)
        if not o.supplied
    ]
    subject = (
        "容缺材料逾期未补齐，办件暂停办理"
        if event == "suspended"
        else "容缺材料逾期未补齐，办件已退件"
    )
    session.add(
        OutboxMail(
            message_id=f"<tolerance-{event}-{application.id}@eia.local>",
            application_id=application.id,
            to_addr=application.contact_email,
            subject=f"【{application.number}】{subject}",
            body=render_text(
                "tolerance_overdue.txt",
                application=application,
                event=event,
                owed=owed,
                supply_by=row.supply_by.isoformat(),
                return_after_days=row.return_after_days,
                sent_at=f"{now:%Y-%m-%d %H:%M}",
            ),
            created_at=to_utc(now),
        )
    )
