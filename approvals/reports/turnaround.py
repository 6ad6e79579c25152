"""Turnaround analytics for the auditors (电子监察): how long decided cases took, per item, per
step and per month, against the statutory and promised limits of the catalogue.

How it is computed (the same code on PostgreSQL and SQLite): turnarounds are whole days, so the
database groups the filtered cases by item and day count (``GROUP BY item_code, days``: a few
thousand rows for a million cases, read from the covering index) and the medians, 90th
percentiles, maxima and within-limit shares are read off those histograms
(``approvals.reports.stats``; the definition of ``percentile_cont``). The bureau-wide
turnaround report is two aggregate queries. A limit is compared in its own unit: a working-day
limit with ``turnaround_working_days``, a calendar-day limit with ``turnaround_calendar_days``;
an item without a limit counts in the figures but not in that limit's share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from approvals.catalogue import Catalogue, DayUnit, Item, Limit
from approvals.reports.case import CaseReport, case_report
from approvals.reports.filters import ReportFilter, check_filter, decided_conditions, parse_filter
from approvals.reports.stats import Histogram, Stats, count_within, merge, share, stats_of
from approvals.reports.timing import MonthRow, StageRow, monthly_trend, stage_report
from models import Application, Role, User

__all__ = [
    "CaseLine",
    "CaseReport",
    "MonthRow",
    "ReportFilter",
    "StageRow",
    "TurnaroundReport",
    "TurnaroundRow",
    "case_report",
    "distribution",
    "monthly_trend",
    "officers",
    "parse_filter",
    "slowest_cases",
    "stage_report",
    "turnaround_and_distribution",
    "turnaround_report",
]

ALL_ITEMS = "全部事项"


@dataclass(frozen=True)
class TurnaroundRow:
    """One item (or, with ``item_code`` "", all items): actual turnaround against its limits."""

    item_code: str
    item_name: str
    count: int
    median_working_days: float | None
    p90_working_days: float | None
    max_working_days: int | None
    median_calendar_days: float | None
    p90_calendar_days: float | None
    max_calendar_days: int | None
    statutory_days: int | None
    statutory_unit: DayUnit | None
    promised_days: int | None
    promised_unit: DayUnit | None
    within_statutory: int  # cases finished within the statutory limit
    statutory_counted: int  # cases of items that have a statutory limit
    share_within_statutory: float | None
    within_promised: int
    promised_counted: int
    share_within_promised: float | None


@dataclass(frozen=True)
class TurnaroundReport:
    filter: ReportFilter
    overall: TurnaroundRow
    items: tuple[TurnaroundRow, ...]  # items with decided cases, in catalogue order


@dataclass(frozen=True)
class CaseLine:
    id: int
    number: str
    item_code: str
    project_name: str
    decided_on: date
    turnaround_working_days: int
    turnaround_calendar_days: int | None


@dataclass(frozen=True)
class _Histograms:
    working: dict[str, dict[int, int]]  # item code → working-day histogram
    calendar: dict[str, dict[int, int]]

    def in_unit(self, code: str, unit: DayUnit) -> Histogram:
        by_unit = self.calendar if unit is DayUnit.CALENDAR else self.working
        return by_unit.get(code, {})


def _item_histograms(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> _Histograms:
    where = decided_conditions(report_filter)
    result: list[dict[str, dict[int, int]]] = []
    for days in (
        col(Application.turnaround_working_days),
        col(Application.turnaround_calendar_days),
    ):
        query = (
            select(col(Application.item_code), days, func.count())
            .where(*where, days.is_not(None))
            .group_by(col(Application.item_code), days)
        )
        grouped: dict[str, dict[int, int]] = {}
        for code, value, count in session.exec(query):
            grouped.setdefault(code, {})[int(value)] = int(count)  # type: ignore[arg-type]  # the query keeps only non-null values
        result.append(grouped)
    return _Histograms(working=result[0], calendar=result[1])


def _within(histograms: _Histograms, code: str, limit: Limit) -> tuple[int, int]:
    """(cases within ``limit``, cases judged) for one item; (0, 0) when it has no limit."""
    if limit.days is None:
        return 0, 0
    counted = histograms.in_unit(code, limit.unit)
    return count_within(counted, limit.days), sum(counted.values())


def _row(
    code: str,
    name: str,
    working: Stats,
    calendar: Stats,
    statutory: tuple[int, int],
    promised: tuple[int, int],
    item: Item | None,
) -> TurnaroundRow:
    return TurnaroundRow(
        item_code=code,
        item_name=name,
        count=working.count,
        median_working_days=working.median,
        p90_working_days=working.p90,
        max_working_days=working.max,
        median_calendar_days=calendar.median,
        p90_calendar_days=calendar.p90,
        max_calendar_days=calendar.max,
        statutory_days=item.statutory.days if item else None,
        statutory_unit=item.statutory.unit if item else None,
        promised_days=item.promised.days if item else None,
        promised_unit=item.promised.unit if item else None,
        within_statutory=statutory[0],
        statutory_counted=statutory[1],
        share_within_statutory=share(*statutory),
        within_promised=promised[0],
        promised_counted=promised[1],
        share_within_promised=share(*promised),
    )


def turnaround_report(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> TurnaroundReport:
    """Count, median / p90 / max turnaround (working and calendar days) and the shares within
    the promised and statutory limits, for all filtered cases and per item: the statutory
    limit, the promised limit and the actual median side by side (the "60 versus 15")."""
    check_filter(catalogue, report_filter)
    return _report(catalogue, report_filter, _item_histograms(session, catalogue, report_filter))


def distribution(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> dict[str, tuple[tuple[int, int], ...]]:
    """Per item code: (days, number of cases) pairs, ascending, counted in the unit of the
    item's statutory limit (working days when it has none): the data of the strip chart."""
    check_filter(catalogue, report_filter)
    return _distribution(catalogue, _item_histograms(session, catalogue, report_filter))


def turnaround_and_distribution(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter
) -> tuple[TurnaroundReport, dict[str, tuple[tuple[int, int], ...]]]:
    """Both of the above from one pair of queries (the audit page shows both)."""
    check_filter(catalogue, report_filter)
    histograms = _item_histograms(session, catalogue, report_filter)
    return _report(catalogue, report_filter, histograms), _distribution(catalogue, histograms)


def _report(
    catalogue: Catalogue, report_filter: ReportFilter, histograms: _Histograms
) -> TurnaroundReport:
    rows: list[TurnaroundRow] = []
    totals = [0, 0, 0, 0]  # within statutory, statutory counted, within promised, promised counted
    for item in catalogue.items:
        if item.code not in histograms.working:
            continue
        statutory = _within(histograms, item.code, item.statutory)
        promised = _within(histograms, item.code, item.promised)
        totals = [a + b for a, b in zip(totals, (*statutory, *promised), strict=True)]
        rows.append(
            _row(
                item.code,
                item.name_zh,
                stats_of(histograms.working[item.code]),
                stats_of(histograms.calendar.get(item.code, {})),
                statutory,
                promised,
                item,
            )
        )
    # Cases of codes no longer in the catalogue still count in the overall figures.
    overall = _row(
        "",
        ALL_ITEMS,
        stats_of(merge(histograms.working.values())),
        stats_of(merge(histograms.calendar.values())),
        (totals[0], totals[1]),
        (totals[2], totals[3]),
        None,
    )
    return TurnaroundReport(filter=report_filter, overall=overall, items=tuple(rows))


def _distribution(
    catalogue: Catalogue, histograms: _Histograms
) -> dict[str, tuple[tuple[int, int], ...]]:
    result: dict[str, tuple[tuple[int, int], ...]] = {}
    for code in sorted(histograms.working):
        unit = catalogue.get(code).statutory.unit if code in catalogue else DayUnit.WORKING
        result[code] = tuple(sorted(histograms.in_unit(code, unit).items()))
    return result


def slowest_cases(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter, limit: int = 10
) -> list[CaseLine]:
    """The filtered decided cases that took the most working days (where to look first)."""
    check_filter(catalogue, report_filter)
    a = Application
    query = (
        select(  # type: ignore[call-overload]  # 7 columns: beyond sqlmodel's typed overloads
            col(a.id),
            col(a.number),
            col(a.item_code),
            col(a.project_name),
            col(a.decided_on),
            col(a.turnaround_working_days),
            col(a.turnaround_calendar_days),
        )
        .where(*decided_conditions(report_filter))
        .order_by(col(a.turnaround_working_days).desc(), col(a.id))
        .limit(limit)
    )
    return [CaseLine(*row) for row in session.exec(query)]


def officers(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the case officers an auditor can filter by, by name."""
    query = select(User.id, User.display_name).where(User.role == Role.CASE_OFFICER)
    return [(int(i), n) for i, n in session.exec(query.order_by(col(User.display_name))) if i]
