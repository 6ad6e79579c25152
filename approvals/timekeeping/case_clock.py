"""The statutory clock of a case: started at acceptance, paused for the phases §45 excludes,
read as used / remaining days, due date and warning level. Everything here is derived from
``Application.clock_started_on``, the item's limits and the ``ClockPause`` rows; the cached
columns (due_on, warning) are refreshed on every transition and by the deadline sweep."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy import BindParameter, ScalarSelect
from sqlmodel import Session, col, select

from approvals.catalogue import DayUnit, Item
from approvals.clock import local_date
from approvals.timekeeping.calendar import Pause, WorkingCalendar
from approvals.timekeeping.notice_allowance import notice_allowance
from models import Application, ClockPause, Status, StepRecord, WarningLevel
from models.ids import id_of

# Working-day budgets of the human steps (electronic supervision flags a step that overruns
# even when the whole case is within its limits). Intake: 行政许可法第32条, 5 days.
STEP_BUDGETS: dict[Status, int] = {
    Status.SUBMITTED: 5,
    Status.DRAFTING: 8,
    Status.REVIEWING: 2,
    Status.SIGNING: 2,
}
# 特事特办: the green channel's shortened budgets (configurable here, audited as such).
GREEN_STEP_BUDGETS: dict[Status, int] = {
    Status.SUBMITTED: 1,
    Status.DRAFTING: 3,
    Status.REVIEWING: 1,
    Status.SIGNING: 1,
}


@dataclass(frozen=True)
class ClockState:
    started_on: date | None
    limit: int | None
    unit: DayUnit
    used: int
    remaining: int | None
    due_on: date | None
    promised_limit: int | None
    promised_used: int
    promised_due_on: date | None
    paused: bool
    pause_reason: str | None
    paused_days: int  # in the statutory unit
    step: Status
    step_used: int | None  # working days in the current step
    step_budget: int | None
    provisional: bool
    warning: WarningLevel

    @property
    def step_overdue(self) -> bool:
        return (
            self.step_budget is not None
            and self.step_used is not None
            and self.step_used > self.step_budget
        )


def pauses_of(session: Session, application_id: int) -> list[ClockPause]:
    query = select(ClockPause).where(ClockPause.application_id == application_id)
    return list(session.exec(query.order_by(col(ClockPause.start_on), col(ClockPause.id))))


def as_pauses(rows: list[ClockPause], today: date) -> list[Pause]:
    """Closed pauses as recorded; an open one runs to ``today`` (today does not count)."""
    return [Pause(r.start_on, r.end_on or max(today, r.start_on)) for r in rows]


def warning_level(
    limit: int | None, remaining: int | None, overdue_promise: bool, step_overdue: bool
) -> WarningLevel:
    """Red past the statutory limit; yellow within max(2, 20 %) of it, or when a step or the
    promised limit is exceeded (DESIGN.md, "Warnings")."""
    if limit and remaining is not None:
        if remaining < 0:
            return WarningLevel.RED
        if remaining <= max(2, math.ceil(limit * 0.2)):
            return WarningLevel.YELLOW
    if overdue_promise or step_overdue:
        return WarningLevel.YELLOW
    return WarningLevel.NONE


@dataclass(frozen=True, slots=True)
class _Counted:
    """The statutory and promised counts of a clock: what depends on the item, the start, the
    end and the pauses, not on the step."""

    used: int
    remaining: int | None
    due: date | None
    provisional: bool
    promised_used: int
    promised_due: date | None
    paused_days: int


def _count(
    calendar: WorkingCalendar, item: Item, started: date | None, end: date, spans: list[Pause]
) -> _Counted:
    limit, unit = item.statutory.days, item.statutory.unit
    promised, promised_unit = item.promised.days, item.promised.unit
    if started is None or not limit:
        return _Counted(0, None, None, False, 0, None, 0)
    counted = calendar.used(started, end, unit, spans)
    used, provisional = counted.days, counted.provisional
    paused_days = calendar.used(started, end, unit).days - used if spans else 0
    due_at = calendar.due(started, limit, unit, spans)
    promised_used, promised_due = 0, None
    if promised:
        promised_used = (
            used
            if promised_unit == unit
            else calendar.used(started, end, promised_unit, spans).days
        )
        promised_due = calendar.due(started, promised, promised_unit, spans).day
    return _Counted(
        used,
        limit - used,
        due_at.day,
        provisional or due_at.provisional,
        promised_used,
        promised_due,
        paused_days,
    )


def step_budget(item: Item, step: Status, track: str) -> int | None:
    """Working days the step may take (None: not a human step with a budget)."""
    budget = (GREEN_STEP_BUDGETS if track == "green" else STEP_BUDGETS).get(step)
    return None if budget is None else budget + notice_allowance(item, step)


def _level(
    item: Item,
    counted: _Counted,
    budget: int | None,
    step_used: int | None,
    decided: date | None,
) -> WarningLevel:
    promised = item.promised.days
    step_overdue = budget is not None and step_used is not None and step_used > budget
    level = warning_level(
        item.statutory.days,
        counted.remaining,
        bool(promised and counted.promised_used > promised),
        step_overdue,
    )
    if decided is not None and level is not WarningLevel.RED:
        level = WarningLevel.NONE  # a decided case is no longer at risk; red stays on record
    return level


def compute_state(
    calendar: WorkingCalendar,
    item: Item,
    application: Application,
    pauses: list[ClockPause],
    step_entered_on: date | None,
    today: date,
) -> ClockState:
    """The clock as of ``today`` (or the decision day, for a decided case).

    ``application`` only needs decided_on, clock_started_on, status and track (the deadline
    sweep passes plain rows). This runs for every open case in the sweep: keep it lean.
    """
    decided = application.decided_on
    end = min(today, decided) if decided else today
    started = application.clock_started_on
    limit, unit = item.statutory.days, item.statutory.unit
    promised = item.promised.days
    counted = _count(calendar, item, started, end, as_pauses(pauses, end) if pauses else [])
    step = application.status
    budget = step_budget(item, step, application.track)
    step_used = (
        calendar.used(step_entered_on, end, DayUnit.WORKING).days if step_entered_on else None
    )
    open_pause = next((p for p in pauses if p.end_on is None), None)
    level = _level(item, counted, budget, step_used, decided)
    return ClockState(
        started_on=started,
        limit=limit,
        unit=unit,
        used=counted.used,
        remaining=counted.remaining,
        due_on=counted.due,
        promised_limit=promised,
        promised_used=counted.promised_used,
        promised_due_on=counted.promised_due,
        paused=open_pause is not None,
        pause_reason=open_pause.reason if open_pause else None,
        paused_days=counted.paused_days,
        step=step,
        step_used=step_used,
        step_budget=budget,
        provisional=counted.provisional,
        warning=level,
    )


class SweepClock:
    """``compute_state``'s due date, warning and provisional flag for many cases on one day
    (the deadline sweep), each part computed once per distinct input: the counts per (item
    version, clock start, end, pauses), the step's working days per (entry day, end), the
    budget per (item version, step, track). Same results as ``compute_state``, which reads
    nothing else for them (its pauses' reasons only name an open pause)."""

    __slots__ = ("_budgets", "_calendar", "_counts", "_steps", "_today")

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self._calendar, self._today = calendar, today
        self._counts: dict[tuple[object, ...], _Counted] = {}
        self._steps: dict[tuple[date, date], int] = {}
        self._budgets: dict[tuple[object, ...], int | None] = {}

    def state(
        self,
        item_key: tuple[str, int],
        item: Item,
        status: Status,
        track: str,
        started: date | None,
        decided: date | None,
        pauses: tuple[tuple[date, date | None], ...],
        step_entered_on: date | None,
    ) -> tuple[date | None, WarningLevel, bool]:
        """(due_on, warning, provisional) of a case; ``item`` is the version ``item_key``
        names, ``pauses`` its (start_on, end_on) rows, an open one with end_on None."""
        end = min(self._today, decided) if decided else self._today
        # as_pauses: an open pause runs to the end (the decision day or today)
        spans = tuple((s, e or max(end, s)) for s, e in pauses)
        key = (item_key, started, end, spans)
        counted = self._counts.get(key)
        if counted is None:
            listed = [Pause(s, e) for s, e in spans]
            counted = self._counts[key] = _count(self._calendar, item, started, end, listed)
        held = (item_key, status, track)
        if held in self._budgets:
            budget = self._budgets[held]
        else:
            budget = self._budgets[held] = step_budget(item, status, track)
        step_used = None
        if step_entered_on:
            at = (step_entered_on, end)
            step_used = self._steps.get(at)
            if step_used is None:
                step_used = self._steps[at] = self._calendar.used(
                    step_entered_on, end, DayUnit.WORKING
                ).days
        return counted.due, _level(item, counted, budget, step_used, decided), counted.provisional


def open_step_entered_at(application_id: int | BindParameter[int]) -> ScalarSelect[datetime]:
    """When the case's open step began, as a scalar subquery (NULL when no step is open), for
    readers that fold it into a statement of their own (the id may be a bound parameter)."""
    return (
        select(StepRecord.entered_at)
        .where(StepRecord.application_id == application_id, col(StepRecord.left_at).is_(None))
        .order_by(col(StepRecord.id).desc())
        .limit(1)
        .scalar_subquery()
    )


def open_step_entered_on(session: Session, application_id: int) -> date | None:
    row = session.exec(select(open_step_entered_at(application_id))).first()
    return local_date(row) if row else None


class _Unread(Enum):
    STEP = "read the open step"


READ_STEP = _Unread.STEP  # the open step's entry day is read from the database


def state_of(
    session: Session,
    calendar: WorkingCalendar,
    item: Item,
    application: Application,
    today: date,
    step_entered_on: date | _Unread | None = READ_STEP,
) -> ClockState:
    """The clock of ``application`` on ``today``; ``step_entered_on`` where the caller has just
    opened the step (None: the case is in a final state), read otherwise."""
    if step_entered_on is READ_STEP:
        step_entered_on = open_step_entered_on(session, id_of(application))
    return compute_state(
        calendar, item, application, pauses_of(session, id_of(application)), step_entered_on, today
    )


def refresh_cached(
    session: Session,
    calendar: WorkingCalendar,
    item: Item,
    application: Application,
    today: date,
    step_entered_on: date | _Unread | None = READ_STEP,
) -> ClockState:
    """Recompute and store due_on / warning (and the turnaround once decided)."""
    state = state_of(session, calendar, item, application, today, step_entered_on)
    application.due_on, application.due_provisional = state.due_on, state.provisional
    application.warning = state.warning
    if application.decided_on is not None and application.clock_started_on is not None:
        application.turnaround_working_days = calendar.used(
            application.clock_started_on,
            application.decided_on,
            DayUnit.WORKING,
            as_pauses(pauses_of(session, id_of(application)), application.decided_on),
        ).days
        application.turnaround_calendar_days = (
            application.decided_on - application.clock_started_on
        ).days
        application.paused_working_days = (
            calendar.used(
                application.clock_started_on, application.decided_on, DayUnit.WORKING
            ).days
            - application.turnaround_working_days
        )
    session.add(application)
    session.flush()
    return state
