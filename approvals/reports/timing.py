"""Where and when time goes: per step of the process (bottlenecks) and per month of decision.

Same method as ``approvals.reports.turnaround``: the database counts durations per (group, days),
the statistics are read off those histograms; within-limit flags join the catalogue's promised
limits as a small VALUES table (one hash lookup per case, not a CASE over 53 item codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, String, column, values
from sqlmodel import Session, case, col, func, select

from approvals.catalogue import Catalogue, DayUnit
from approvals.reports.filters import ReportFilter, check_filter, decided_conditions
from approvals.reports.stats import share, stats_of
from models import Application, Status, StepRecord
from models.enums import STATUS_LABELS


@dataclass(frozen=True)
class StageRow:
    """Working days cases waited in one step; the report is sorted by ``total_working_days``."""

    status: Status
    label: str
    count: int
    median_working_days: float | None
    p90_working_days: float | None
    max_working_days: int | None
    mean_working_days: float | None
    total_working_days: int


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM of decided_on
    label: str  # 2021年3月
    count: int
    median_working_days: float | None
    within_promised: int
    promised_counted: int
    share_within_promised: float | None


def stage_report(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> list[StageRow]:
    """Where the filtered decided cases waited: per step, the working days spent in it, the
    step with the most working days in total (the bottleneck) first."""
    check_filter(catalogue, report_filter)
    query = (
        select(StepRecord.status, StepRecord.working_days, func.count())
        .join(Application, col(Application.id) == col(StepRecord.application_id))
        .where(*decided_conditions(report_filter))
        .where(col(StepRecord.working_days).is_not(None))
        .group_by(col(StepRecord.status), col(StepRecord.working_days))
    )
    histograms: dict[Status, dict[int, int]] = {}
    for status, days, count in session.exec(query):
        histograms.setdefault(Status(status), {})[int(days or 0)] = int(count)
    order = list(Status)
    rows = []
    for status, histogram in histograms.items():
        stats = stats_of(histogram)
        rows.append(
            StageRow(
                status=status,
                label=STATUS_LABELS[status],
                count=stats.count,
                median_working_days=stats.median,
                p90_working_days=stats.p90,
                max_working_days=stats.max,
                mean_working_days=stats.mean,
                total_working_days=stats.total,
            )
        )
    return sorted(rows, key=lambda r: (-r.total_working_days, order.index(r.status)))


def _promised_limits(catalogue: Catalogue) -> Any:
    """The catalogue's promised limits as a ``lim(code, days, calendar)`` VALUES table."""
    data = [
        (i.code, i.promised.days, int(i.promised.unit is DayUnit.CALENDAR))
        for i in catalogue.items
        if i.promised.days is not None
    ]
    return (
        values(column("code", String), column("days", Integer), column("calendar", Integer))
        .data(data)
        .cte("lim")
    )


def _month_of(session: Session) -> Any:
    """The month of the decision day: a timestamp on PostgreSQL (``date_trunc`` is several
    times cheaper than ``to_char`` over a million rows), ``YYYY-MM`` text on SQLite."""
    decided = col(Application.decided_on)
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("month", decided)
    return func.strftime("%Y-%m", decided)


def _month_key(value: object) -> str:
    if isinstance(value, date):  # datetime too
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)


def monthly_trend(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> list[MonthRow]:
    """Per month of the decision day, oldest first: cases decided, their median working days
    and the share finished within the promised limit."""
    check_filter(catalogue, report_filter)
    month = _month_of(session).label("month")
    days = col(Application.turnaround_working_days)
    # Any: the promised-limit columns are added below, which sqlmodel's row typing cannot follow
    query: Any = select(month, days, func.count()).where(*decided_conditions(report_filter))
    within_columns: tuple[Any, ...] = ()
    if any(i.promised.days is not None for i in catalogue.items):
        lim = _promised_limits(catalogue)
        judged = case((lim.c.calendar == 1, col(Application.turnaround_calendar_days)), else_=days)
        query = query.outerjoin(lim, lim.c.code == col(Application.item_code))
        within_columns = (
            func.sum(case((judged <= lim.c.days, 1), else_=0)),
            func.count(lim.c.days),
        )
    query = query.add_columns(*within_columns).group_by(month, days)
    histograms: dict[str, dict[int, int]] = {}
    promised: dict[str, tuple[int, int]] = {}  # month → (within, judged)
    for row in session.exec(query):
        key = _month_key(row[0])
        histograms.setdefault(key, {})[int(row[1])] = int(row[2])
        within, judged_count = promised.get(key, (0, 0))
        if within_columns:
            within, judged_count = within + int(row[3] or 0), judged_count + int(row[4] or 0)
        promised[key] = (within, judged_count)
    result = []
    for key in sorted(histograms):
        stats = stats_of(histograms[key])
        within, judged_count = promised[key]
        year, month_no = key.split("-")
        result.append(
            MonthRow(
                month=key,
                label=f"{year}年{int(month_no)}月",
                count=stats.count,
                median_working_days=stats.median,
                within_promised=within,
                promised_counted=judged_count,
                share_within_promised=share(within, judged_count),
            )
        )
    return result
