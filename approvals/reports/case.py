"""The auditor's trace of one case: every step, every clock stop, the total against the limits.

Durations of closed steps are the ones recorded when the case left the step (``StepRecord``);
the elapsed total of a decided case is its cached turnaround (the figures the aggregate reports
use); an open case is counted to ``today`` by the same rules as the statutory clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue, DayUnit, Item, Limit
from approvals.clock import local_date
from approvals.errors import NotFound
from approvals.timekeeping.calendar import Pause, WorkingCalendar
from approvals.timekeeping.case_clock import STEP_BUDGETS
from approvals.timekeeping.notice_allowance import notice_allowance
from approvals.timekeeping.schedule import shared_calendar
from models import Application, ClockPause, Status, StepRecord, Track, User
from models.enums import STATUS_LABELS, TRACK_LABELS


@dataclass(frozen=True)
class StepLine:
    status: Status
    label: str
    entered_at: datetime
    left_at: datetime | None  # None: the case is still in this step
    left_by: str | None  # who moved the case on (None: the system, or still open)
    working_days: int | None
    calendar_days: int | None
    budget_working_days: int | None  # the step's own budget (electronic supervision)
    over_budget: bool


@dataclass(frozen=True)
class PauseLine:
    reason: str
    start_on: date
    end_on: date | None  # None: still paused
    working_days: int  # working days the clock stood still, (start_on, end_on]
    calendar_days: int
    max_days: int
    max_unit: str
    comment: str


@dataclass(frozen=True)
class CaseReport:
    application_id: int
    number: str
    item_code: str
    item_name: str
    project_name: str
    district: str
    track: Track
    track_label: str
    status: Status
    status_label: str
    case_officer: str | None
    received_on: date | None
    clock_started_on: date | None
    decided_on: date | None
    counted_to: date | None  # the day the elapsed figures run to
    steps: tuple[StepLine, ...]
    pauses: tuple[PauseLine, ...]
    elapsed_working_days: int  # clock stops excluded
    elapsed_calendar_days: int
    paused_working_days: int
    hearing_working_days: int  # of the paused days, those of 听证 (行政许可法第45条)
    statutory_days: int | None
    statutory_unit: DayUnit
    statutory_due_on: date | None
    promised_days: int | None
    promised_unit: DayUnit
    promised_due_on: date | None
    within_statutory: bool | None  # None: no limit, or the clock never started
    within_promised: bool | None
    provisional: bool  # a provisional (not yet official) holiday schedule was used


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids)))
    return {int(i): name for i, name in rows if i is not None}


def _steps(session: Session, application_id: int, item: Item) -> tuple[StepLine, ...]:
    records = list(
        session.exec(
            select(StepRecord)
            .where(StepRecord.application_id == application_id)
            .order_by(col(StepRecord.entered_at), col(StepRecord.id))
        )
    )
    names = _names(session, {r.actor_id for r in records if r.actor_id is not None})
    lines = []
    for r in records:
        budget = STEP_BUDGETS.get(r.status)
        if budget is not None:
            budget += notice_allowance(item, r.status)
        lines.append(
            StepLine(
                status=r.status,
                label=STATUS_LABELS[r.status],
                entered_at=r.entered_at,
                left_at=r.left_at,
                left_by=names.get(r.actor_id) if r.actor_id is not None else None,
                working_days=r.working_days,
                calendar_days=r.calendar_days,
                budget_working_days=budget,
                over_budget=bool(budget is not None and (r.working_days or 0) > budget),
            )
        )
    return tuple(lines)


def _pauses(
    rows: list[ClockPause], calendar: WorkingCalendar, end: date | None
) -> tuple[PauseLine, ...]:
    lines = []
    for p in rows:
        until = p.end_on or max(end or p.start_on, p.start_on)
        lines.append(
            PauseLine(
                reason=p.reason,
                start_on=p.start_on,
                end_on=p.end_on,
                working_days=calendar.working_days_between(p.start_on, until)[0],
                calendar_days=(until - p.start_on).days,
                max_days=p.max_days,
                max_unit=p.max_unit,
                comment=p.comment,
            )
        )
    return tuple(lines)


def _counted_to(session: Session, application: Application, today: date | None) -> date | None:
    """Decided: the decision day. Open: ``today``, else the case's latest step movement."""
    if application.decided_on is not None:
        return application.decided_on
    if today is not None:
        return today
    latest = session.exec(
        select(StepRecord.entered_at)
        .where(StepRecord.application_id == application.id)
        .order_by(col(StepRecord.entered_at).desc())
    ).first()
    return local_date(latest) if latest else application.clock_started_on


def _due(
    calendar: WorkingCalendar, start: date | None, limit: Limit, spans: list[Pause]
) -> date | None:
    if start is None or limit.days is None:
        return None
    return calendar.due(start, limit.days, limit.unit, spans).day


def case_report(
    session: Session,
    catalogue: Catalogue,
    application_id: int,
    *,
    calendar: WorkingCalendar | None = None,
    today: date | None = None,
) -> CaseReport:
    """The trace of one case; ``NotFound`` when there is no such case."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"办件{application_id}不存在", f"application {application_id} not found")
    calendar = calendar or shared_calendar()
    item = catalogue.get(application.item_code)
    pause_rows = list(
        session.exec(
            select(ClockPause)
            .where(ClockPause.application_id == application_id)
            .order_by(col(ClockPause.start_on), col(ClockPause.id))
        )
    )
    end = _counted_to(session, application, today)
    started = application.clock_started_on
    spans = [Pause(p.start_on, p.end_on or max(end or p.start_on, p.start_on)) for p in pause_rows]
    working = calendar_days = paused = 0
    provisional = False
    if application.decided_on is not None and application.turnaround_working_days is not None:
        working = application.turnaround_working_days
        calendar_days = application.turnaround_calendar_days or 0
        paused = application.paused_working_days or 0
    elif started is not None and end is not None:
        counted = calendar.used(started, end, DayUnit.WORKING, spans)
        working, provisional = counted.days, counted.provisional
        calendar_days = max(0, (end - started).days)
        paused = calendar.used(started, end, DayUnit.WORKING).days - working

    def within(limit: Limit) -> bool | None:
        if limit.days is None or started is None:
            return None
        used = calendar_days if limit.unit is DayUnit.CALENDAR else working
        return used <= limit.days

    officer_id = application.case_officer_id
    officer = _names(session, {officer_id} if officer_id else set())
    return CaseReport(
        application_id=application_id,
        number=application.number,
        item_code=item.code,
        item_name=item.name_zh,
        project_name=application.project_name,
        district=application.district,
        track=application.track,
        track_label=TRACK_LABELS[application.track],
        status=application.status,
        status_label=STATUS_LABELS[application.status],
        case_officer=officer.get(officer_id or 0),
        received_on=application.received_on,
        clock_started_on=started,
        decided_on=application.decided_on,
        counted_to=end,
        steps=_steps(session, application_id, item),
        pauses=(lines := _pauses(pause_rows, calendar, end)),
        hearing_working_days=sum(p.working_days for p in lines if p.reason == "听证"),
        elapsed_working_days=working,
        elapsed_calendar_days=calendar_days,
        paused_working_days=paused,
        statutory_days=item.statutory.days,
        statutory_unit=item.statutory.unit,
        statutory_due_on=_due(calendar, started, item.statutory, spans),
        promised_days=item.promised.days,
        promised_unit=item.promised.unit,
        promised_due_on=_due(calendar, started, item.promised, spans),
        within_statutory=within(item.statutory),
        within_promised=within(item.promised),
        provisional=provisional or application.due_provisional,
    )
