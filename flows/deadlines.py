"""The deadline sweep's steps: deemed acceptance, warnings, reminders. Each step commits its
own work; running the sweep twice changes and sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from approvals import dispatch, staging
from approvals.casework import deadlines
from approvals.clock import local_date, to_utc
from approvals.commitment import steps as commitment_steps
from approvals.consultation import slots as consultation_slots
from approvals.joint_review import service as joint_review
from approvals.liaison import ledger as liaison_ledger
from approvals.licences import deemed_renewal
from approvals.ports import FlowLauncher
from approvals.ratings import service as rating_service
from approvals.timekeeping import holidays
from approvals.timekeeping.schedule import install_overrides, shared_calendar
from approvals.tolerance import sweep as tolerance_sweep
from core.db import session_scope
from flows.runtime import Runtime


def reload_calendar(rt: Runtime) -> int:
    """Install the staff-loaded schedules (a worker may run for weeks); returns their count."""
    with session_scope(rt.engine) as session:
        overrides = holidays.overrides(session)
    install_overrides(overrides)
    return len(overrides)


def deem_overdue_intakes(rt: Runtime, launcher: FlowLauncher | None = None) -> int:
    """Deem accepted every case whose intake missed its 5 working days. Its automated work
    (the acceptance notice) is a request the workers claim; with an in-process ``launcher``
    (scripts), it runs at once."""
    calendar = shared_calendar()
    with session_scope(rt.engine) as session:
        ids = deadlines.deemed_acceptance_due(session, calendar, local_date(rt.clock.now()))
    deemed = 0
    for application_id in ids:
        with session_scope(rt.engine) as session:
            if deadlines.deem_accepted(session, rt.clock, calendar, rt.catalogue, application_id):
                deemed += 1
            session.commit()
            if launcher is None:
                continue
            for dispatch_id in dispatch.pending_for_application(session, application_id):
                dispatch.launch(session, launcher, to_utc(rt.clock.now()), dispatch_id)
                session.commit()
    return deemed


def deem_renewals(rt: Runtime) -> int:
    """行政许可法第50条: renew every licence whose renewal, filed in time, was not decided by its
    expiry; each in its own transaction, audited and mailed. Running it twice renews once."""
    calendar = shared_calendar()
    with session_scope(rt.engine) as session:
        ids = deemed_renewal.deemed_renewal_due(session, calendar, local_date(rt.clock.now()))
    renewed = 0
    for application_id in ids:
        with session_scope(rt.engine) as session:
            if deemed_renewal.deem_renewed(session, rt.clock, calendar, application_id):
                renewed += 1
            session.commit()
    return renewed


def refresh_warnings(rt: Runtime) -> dict[str, int]:
    with session_scope(rt.engine) as session:
        counts = deadlines.refresh_warnings(
            session, shared_calendar(), rt.catalogue, local_date(rt.clock.now())
        )
        session.commit()
    return {"checked": counts.checked, "changed": counts.changed}


def assign_post_checks(rt: Runtime) -> int:
    """告知承诺制: give each post-approval check coming due to a case officer (and mail them)."""
    with session_scope(rt.engine) as session:
        assigned = commitment_steps.assign_due_checks(session, rt.clock)
        session.commit()
    return len(assigned)


def remind_experts(rt: Runtime) -> int:
    """远程会审: remind members who have not submitted; escalate to the case officers."""
    with session_scope(rt.engine) as session:
        reminded, escalated = joint_review.remind_experts(session, rt.clock)
        session.commit()
    return reminded + escalated


def queue_reminders(rt: Runtime) -> int:
    with session_scope(rt.engine) as session:
        queued = deadlines.queue_reminders(session, rt.clock)
        session.commit()
    return queued


def escalate_ratings(rt: Runtime) -> int:
    """好差评: mail the section chiefs and leaders about bad ratings past their deadline."""
    with session_scope(rt.engine) as session:
        escalated = rating_service.escalate_overdue(session, rt.clock)
        session.commit()
    return escalated


def escalate_problems(rt: Runtime) -> int:
    """问题台账: mark overdue problems 督办 and mail the liaison's section chief (once)."""
    with session_scope(rt.engine) as session:
        escalated = liaison_ledger.escalate_overdue(session, rt.clock)
        session.commit()
    return escalated


def remind_consultations(rt: Runtime) -> int:
    """靠前服务: remind both sides of a booked consultation on the working day before it."""
    with session_scope(rt.engine) as session:
        reminded = consultation_slots.queue_reminders(session, rt.clock, shared_calendar())
        session.commit()
    return reminded


def apply_tolerance_rules(rt: Runtime) -> dict[str, int]:
    """容缺受理: suspend or return the cases whose owed materials are overdue (and mail them)."""
    with session_scope(rt.engine) as session:
        counts = tolerance_sweep.apply_overdue(session, rt.clock, shared_calendar())
        session.commit()
    return counts


def discard_staged_uploads(rt: Runtime) -> int:
    """Delete the apply form's staged files that were submitted, replaced or abandoned (older
    than ``EIA_STAGED_UPLOAD_HOURS``); an object a live draft still uses stays. Returns rows."""
    cutoff = to_utc(rt.clock.now() - timedelta(hours=rt.settings.staged_upload_hours))
    discarded = 0
    with session_scope(rt.engine) as session:
        for row in staging.discardable(session, cutoff):
            if not staging.still_used(session, row.object_key, cutoff):
                rt.store.delete(row.object_key)  # before the row: a retry finds the row again
            session.delete(row)
            session.commit()
            discarded += 1
    return discarded
