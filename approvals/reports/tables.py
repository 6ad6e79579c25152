"""The auditor's reports as plain tables with Chinese headers: what the exports contain.

A ``Table`` is the single source of every export (CSV and XLSX carry the same rows). Shares are
percentages with one decimal (50.0 means half), limits are split into days and unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from approvals.catalogue import DayUnit
from approvals.reports.filters import ReportFilter
from approvals.reports.turnaround import MonthRow, StageRow, TurnaroundReport, TurnaroundRow

Cell = str | int | float | None

UNIT_NAMES: dict[DayUnit, str] = {DayUnit.WORKING: "工作日", DayUnit.CALENDAR: "自然日"}


@dataclass(frozen=True)
class Table:
    title: str  # also the sheet name and the start of the file name
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    percent_columns: frozenset[int] = frozenset()  # 0-based columns holding percentages

    def filename(self, report_filter: ReportFilter, extension: str) -> str:
        period = report_filter.period_text()
        return f"{self.title}{'_' + period if period else ''}.{extension}"


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def unit_name(unit: DayUnit | None) -> str:
    return "" if unit is None else UNIT_NAMES[unit]


TURNAROUND_HEADERS = (
    "事项编码",
    "事项名称",
    "办结件数",
    "法定时限（天）",
    "法定时限单位",
    "承诺时限（天）",
    "承诺时限单位",
    "用时中位数（工作日）",
    "用时P90（工作日）",
    "最长用时（工作日）",
    "用时中位数（自然日）",
    "用时P90（自然日）",
    "最长用时（自然日）",
    "承诺时限内办结率（%）",
    "法定时限内办结率（%）",
)


def _turnaround_cells(row: TurnaroundRow) -> tuple[Cell, ...]:
    return (
        row.item_code or "合计",
        row.item_name,
        row.count,
        row.statutory_days,
        unit_name(row.statutory_unit) if row.statutory_days is not None else "",
        row.promised_days,
        unit_name(row.promised_unit) if row.promised_days is not None else "",
        row.median_working_days,
        row.p90_working_days,
        row.max_working_days,
        row.median_calendar_days,
        row.p90_calendar_days,
        row.max_calendar_days,
        percent(row.share_within_promised),
        percent(row.share_within_statutory),
    )


def turnaround_table(report: TurnaroundReport) -> Table:
    """One row per item, then the total row (合计)."""
    rows = [_turnaround_cells(r) for r in report.items]
    rows.append(_turnaround_cells(report.overall))
    return Table(
        title="办理时效统计",
        headers=TURNAROUND_HEADERS,
        rows=tuple(rows),
        percent_columns=frozenset({13, 14}),
    )


def stage_table(rows: Sequence[StageRow]) -> Table:
    return Table(
        title="环节耗时统计",
        headers=(
            "环节",
            "环节代码",
            "经过件次",
            "累计耗时（工作日）",
            "平均（工作日）",
            "中位数（工作日）",
            "P90（工作日）",
            "最长（工作日）",
        ),
        rows=tuple(
            (
                r.label,
                r.status.value,
                r.count,
                r.total_working_days,
                r.mean_working_days,
                r.median_working_days,
                r.p90_working_days,
                r.max_working_days,
            )
            for r in rows
        ),
    )


def trend_table(rows: Sequence[MonthRow]) -> Table:
    return Table(
        title="月度办结趋势",
        headers=("月份", "办结件数", "用时中位数（工作日）", "承诺时限内办结率（%）"),
        rows=tuple(
            (r.month, r.count, r.median_working_days, percent(r.share_within_promised))
            for r in rows
        ),
        percent_columns=frozenset({3}),
    )
