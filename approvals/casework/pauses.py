"""Stopping and restarting the statutory clock (行政许可法第45条), with the written notice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals import audit
from approvals.casework.queries import get_application_for
from approvals.casework.transitions import queue_document
from approvals.catalogue import Catalogue, DayUnit
from approvals.catalogue.item_versions import item_of
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, PermissionDenied
from approvals.timekeeping.case_clock import pauses_of, refresh_cached
from approvals.timekeeping.schedule import shared_calendar
from models import Application, ClockPause, DocumentKind, Role, Status, User
from models.ids import id_of

PAUSABLE = frozenset({Status.DRAFTING, Status.REVIEWING})
MAX_PAUSE_DAYS = 250


def _check_officer(actor: User) -> None:
    if actor.role not in (Role.CASE_OFFICER, Role.SECTION_CHIEF):
        raise PermissionDenied(
            "只有承办人或科室负责人可以暂停或恢复计时",
            "only a case officer or section chief pauses the clock",
        )


def pause_clock(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    *,
    reason: str,
    max_days: int,
    unit: DayUnit = DayUnit.WORKING,
    comment: str = "",
) -> ClockPause:
    """Stop the clock from today for ``reason`` (one of the item's clock stops), and queue the
    特别程序告知书 telling the applicant what stops, why, and for how long at most."""
    _check_officer(actor)
    application = get_application_for(session, actor, application_id)
    item = item_of(session, application)
    if application.status not in PAUSABLE or application.clock_started_on is None:
        raise InvalidTransition(
            "只有受理后审查中的办件可以暂停计时",
            "only an accepted case under review can pause its clock",
        )
    if reason not in item.clock_stops:
        raise InvalidInput(
            f"“{reason}”不是本事项依法不计入时限的程序",
            f"{reason!r} is not a clock stop of item {item.code}",
            allowed=list(item.clock_stops),
        )
    if not 1 <= max_days <= MAX_PAUSE_DAYS:
        raise InvalidInput(f"暂停时长应为1至{MAX_PAUSE_DAYS}日", "max_days out of range")
    rows = pauses_of(session, application_id)
    if any(r.end_on is None for r in rows):
        raise InvalidTransition("计时已处于暂停状态", "the clock is already paused")
    now = clock.now()
    today = local_date(now)
    if rows and rows[-1].end_on is not None and rows[-1].end_on > today:
        raise InvalidInput("暂停不能与已有暂停重叠", "pauses may not overlap")
    return stop_clock(
        session,
        now,
        application,
        reason=reason,
        max_days=max_days,
        unit=unit,
        comment=comment,
        actor=actor,
    )


def stop_clock(
    session: Session,
    now: datetime,
    application: Application,
    *,
    reason: str,
    max_days: int,
    unit: DayUnit,
    comment: str,
    actor: User | None,
) -> ClockPause:
    """Stop the clock from ``now``'s day and queue the 特别程序告知书 (no role or state check:
    the caller decided that the phase starts, e.g. a hearing request on time)."""
    today = local_date(now)
    pause = ClockPause(
        application_id=id_of(application),
        reason=reason,
        start_on=today,
        max_days=max_days,
        max_unit=unit.value,
        comment=comment.strip(),
        started_by=actor.id if actor else None,
    )
    session.add(pause)
    session.flush()
    expected = shared_calendar().due(today, max_days, unit).day
    queue_document(
        session,
        to_utc(now),
        application,
        DocumentKind.SPECIAL_PROCEDURE_NOTICE,
        {
            "reason": reason,
            "start_on": today.isoformat(),
            "max_days": max_days,
            "max_unit": unit.value,
            "expected_end": expected.isoformat(),
            "comment": comment.strip(),
        },
    )
    _audit(
        session,
        now,
        application,
        actor,
        "clock_pause",
        f"{reason}，最长{max_days}{'个工作日' if unit is DayUnit.WORKING else '日'}",
    )
    item = item_of(session, application)
    refresh_cached(session, shared_calendar(), item, application, today)
    return pause


def resume_clock(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    comment: str = "",
) -> ClockPause:
    """Restart the clock: the day the pause ends does not count, the next day does."""
    _check_officer(actor)
    application = get_application_for(session, actor, application_id)
    open_pause = next((r for r in pauses_of(session, application_id) if r.end_on is None), None)
    if open_pause is None:
        raise InvalidTransition("计时未暂停", "the clock is not paused")
    now = clock.now()
    open_pause.end_on, open_pause.ended_by = local_date(now), actor.id
    session.add(open_pause)
    session.flush()
    _audit(
        session,
        now,
        application,
        actor,
        "clock_resume",
        comment.strip() or f"{open_pause.reason}结束，恢复计时",
    )
    item = item_of(session, application)
    refresh_cached(session, shared_calendar(), item, application, local_date(now))
    return open_pause


def _audit(
    session: Session,
    now: datetime,
    application: Application,
    actor: User | None,
    action: str,
    comment: str,
) -> None:
    audit.record_case(session, to_utc(now), application.id, actor, action, comment)


def end_open_pause(
    session: Session, clock: Clock, application: Application, actor_id: int | None
) -> ClockPause | None:
    """End the open pause today (a process step does it, e.g. the panel closing)."""
    open_pause = next(
        (r for r in pauses_of(session, id_of(application)) if r.end_on is None),
        None,
    )
    if open_pause is not None:
        open_pause.end_on, open_pause.ended_by = local_date(clock.now()), actor_id
        session.add(open_pause)
        session.flush()
    return open_pause


def open_pause(
    session: Session,
    clock: Clock,
    application: Application,
    *,
    reason: str,
    max_days: int,
    actor_id: int | None,
    comment: str = "",
) -> ClockPause:
    """Start a pause without a notice, for phases the applicant itself is in (报告修改)."""
    pause = ClockPause(
        application_id=id_of(application),
        reason=reason,
        start_on=local_date(clock.now()),
        max_days=max_days,
        comment=comment,
        started_by=actor_id,
    )
    session.add(pause)
    session.flush()
    return pause
