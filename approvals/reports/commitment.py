"""The fast track (告知承诺制) for the auditors: does it keep its promise, and does it hold?

For the same kind of project, a report table (报告表): the cases decided on the fast track
(``Application.track`` commitment, item EIA-07) against those decided in the standard review
(track standard, item EIA-02, which includes the fast-track applications converted to it):
count, median / P90 / maximum turnaround in working days and the share within each item's
promised limit, the "60 versus 15" comparison. Then whether the post-approval checks were done
by their due day and how many fast-track decisions were revoked, with the list of revocations.

Same population rules as ``approvals.reports.turnaround``: decided cases (``decided_on`` and the
turnaround set), filtered by the auditor's district, period and officer; a filter's item, kind
or track is ignored here, the report fixes those itself. Turnarounds are grouped and counted in
the database (``GROUP BY track, days``) and the statistics read off the histograms. The checks
and revocations are a few rows per fast-track case, compared in Python (a check is on time when
the Asia/Shanghai date of ``checked_at`` is on or before ``check_due_on``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from approvals.catalogue import Catalogue, DayUnit, Item
from approvals.clock import local_date
from approvals.commitment.service import STANDARD_ITEM
from approvals.reports.filters import ReportFilter, check_filter, decided_conditions
from approvals.reports.stats import count_within, share, stats_of
from approvals.reports.tables import Table, percent
from models import Application, CommitmentCase, Document, DocumentKind, Status, Track
from models.ids import id_of

FAST_ITEM = "EIA-07"
FAST_LABEL = "快速通道（告知承诺制）"
STANDARD_LABEL = "一般程序"
CHECK_OUTCOMES = {"conforms": "相符", "not_conforming": "不符"}
Conditions = list[ColumnElement[bool]]


@dataclass(frozen=True)
class TrackRow:
    """The decided report-table cases of one track, in working days."""

    track: Track
    label: str
    item_code: str
    item_name: str
    count: int
    median_working_days: float | None
    p90_working_days: float | None
    max_working_days: int | None
    mean_working_days: float | None
    promised_days: int | None  # working days; None when the item's limit is not in them
    statutory_days: int | None
    within_promised: int
    share_within_promised: float | None
    within_statutory: int
    share_within_statutory: float | None


@dataclass(frozen=True)
class PostCheckFigures:
    """Post-approval checks of the decided fast-track cases that have a due day."""

    scheduled: int  # checks with a due day
    done: int
    on_time: int  # done on or before the due day
    late: int  # done after it
    overdue: int  # not done and the due day has passed
    pending: int  # not done, not due yet
    share_on_time: float | None  # on time / (done + overdue): of the checks that fell due


@dataclass(frozen=True)
class Revocation:
    application_id: int
    number: str
    project_name: str
    decided_on: date | None
    revoked_on: date | None  # the day the check found the commitment false
    document_number: str | None  # the 撤销决定书, once issued
    findings: tuple[str, ...]


@dataclass(frozen=True)
class CommitmentReport:
    filter: ReportFilter
    counted_to: date
    fast: TrackRow
    standard: TrackRow
    speedup: float | None  # standard median / fast median
    converted_total: int  # fast-track applications converted to the standard review
    converted_decided: int  # of them, decided in the filter (counted in ``standard``)
    post_check: PostCheckFigures
    revoked: int
    revocation_rate: float | None  # revoked / decided fast-track cases
    revocations: tuple[Revocation, ...]


def _working(item: Item | None, limit: str) -> int | None:
    if item is None:
        return None
    chosen = item.promised if limit == "promised" else item.statutory
    return chosen.days if chosen.unit is DayUnit.WORKING else None


def _track_row(
    session: Session,
    catalogue: Catalogue,
    conditions: Conditions,
    track: Track,
    item_code: str,
    label: str,
) -> TrackRow:
    days = col(Application.turnaround_working_days)
    query = (
        select(days, func.count())
        .where(
            *conditions, col(Application.track) == track, col(Application.item_code) == item_code
        )
        .group_by(days)
    )
    histogram = {
        int(value): int(count)  # type: ignore[arg-type]  # the query keeps only non-null values
        for value, count in session.exec(query)
    }
    stats = stats_of(histogram)
    item = catalogue.get(item_code) if item_code in catalogue else None
    promised, statutory = _working(item, "promised"), _working(item, "statutory")
    within_promised = count_within(histogram, promised) if promised is not None else 0
    within_statutory = count_within(histogram, statutory) if statutory is not None else 0
    return TrackRow(
        track=track,
        label=label,
        item_code=item_code,
        item_name=item.name_zh if item else item_code,
        count=stats.count,
        median_working_days=stats.median,
        p90_working_days=stats.p90,
        max_working_days=stats.max,
        mean_working_days=stats.mean,
        promised_days=promised,
        statutory_days=statutory,
        within_promised=within_promised,
        share_within_promised=share(within_promised, stats.count) if promised is not None else None,
        within_statutory=within_statutory,
        share_within_statutory=(
            share(within_statutory, stats.count) if statutory is not None else None
        ),
    )


def _post_checks(session: Session, conditions: Conditions, today: date) -> PostCheckFigures:
    query = (
        select(col(CommitmentCase.check_due_on), col(CommitmentCase.checked_at))
        .join(Application, col(Application.id) == col(CommitmentCase.application_id))
        .where(
            *conditions,
            col(Application.track) == Track.COMMITMENT,
            col(CommitmentCase.check_due_on).is_not(None),
        )
    )
    done = on_time = overdue = pending = 0
    scheduled = 0
    for due_or_none, checked_at in session.exec(query):
        due: date = due_or_none  # type: ignore[assignment]  # the query keeps only non-null days
        scheduled += 1
        if checked_at is not None:
            done += 1
            on_time += local_date(checked_at) <= due
        elif due < today:
            overdue += 1
        else:
            pending += 1
    return PostCheckFigures(
        scheduled=scheduled,
        done=done,
        on_time=on_time,
        late=done - on_time,
        overdue=overdue,
        pending=pending,
        share_on_time=share(on_time, done + overdue),
    )


def _revocations(session: Session, conditions: Conditions) -> tuple[Revocation, ...]:
    query = (
        select(Application, CommitmentCase)
        .join(CommitmentCase, col(CommitmentCase.application_id) == col(Application.id))
        .where(
            *conditions,
            col(Application.track) == Track.COMMITMENT,
            col(Application.status) == Status.REVOKED,
        )
        .order_by(col(CommitmentCase.checked_at).desc(), col(Application.id))
    )
    rows = list(session.exec(query))
    ids = [a.id for a, _ in rows]
    numbers: dict[int, str | None] = {}
    if ids:
        documents = session.exec(
            select(Document.application_id, Document.number)
            .where(
                col(Document.application_id).in_(ids),
                Document.kind == DocumentKind.REVOCATION_DECISION,
            )
            .order_by(col(Document.id))
        )
        numbers = {app_id: number for app_id, number in documents if app_id is not None}
    return tuple(
        Revocation(
            application_id=id_of(application),
            number=application.number,
            project_name=application.project_name,
            decided_on=application.decided_on,
            revoked_on=local_date(case.checked_at) if case.checked_at else None,
            document_number=numbers.get(id_of(application)),
            findings=tuple(case.check_findings),
        )
        for application, case in rows
    )


def _converted(
    session: Session, report_filter: ReportFilter, conditions: Conditions
) -> tuple[int, int]:
    converted = col(CommitmentCase.converted_at).is_not(None)
    base = (
        select(func.count())
        .select_from(CommitmentCase)
        .join(Application, col(Application.id) == col(CommitmentCase.application_id))
    )
    where_total: list[ColumnElement[bool]] = [converted]
    if report_filter.district is not None:
        where_total.append(col(Application.district) == report_filter.district)
    total = session.exec(base.where(*where_total)).one()
    decided = session.exec(
        base.where(converted, *conditions, col(Application.track) == Track.STANDARD)
    ).one()
    return int(total), int(decided)


def commitment_report(
    session: Session, catalogue: Catalogue, report_filter: ReportFilter, today: date
) -> CommitmentReport:
    """The fast track against the standard review for report tables, the post-approval checks
    and the revocations, for the filter's district, period and officer (``today`` decides
    which open checks are overdue)."""
    check_filter(catalogue, report_filter)
    scoped = replace(report_filter, item_code=None, process_kind=None, track=None)
    conditions = decided_conditions(scoped)
    fast = _track_row(session, catalogue, conditions, Track.COMMITMENT, FAST_ITEM, FAST_LABEL)
    standard = _track_row(
        session, catalogue, conditions, Track.STANDARD, STANDARD_ITEM, STANDARD_LABEL
    )
    revocations = _revocations(session, conditions)
    converted_total, converted_decided = _converted(session, scoped, conditions)
    speedup = (
        round(standard.median_working_days / fast.median_working_days, 1)
        if standard.median_working_days and fast.median_working_days
        else None
    )
    return CommitmentReport(
        filter=scoped,
        counted_to=today,
        fast=fast,
        standard=standard,
        speedup=speedup,
        converted_total=converted_total,
        converted_decided=converted_decided,
        post_check=_post_checks(session, conditions, today),
        revoked=len(revocations),
        revocation_rate=share(len(revocations), fast.count),
        revocations=revocations,
    )


def comparison_table(report: CommitmentReport) -> Table:
    """The export: one row per track, then the checks and revocations of the fast track."""
    headers = (
        "办理通道",
        "事项编码",
        "事项名称",
        "办结件数",
        "用时中位数（工作日）",
        "用时P90（工作日）",
        "最长用时（工作日）",
        "承诺时限（工作日）",
        "承诺时限内办结率（%）",
        "法定时限（工作日）",
        "其中转为一般程序",
        "事后核查按期完成率（%）",
        "撤销件数",
        "撤销率（%）",
    )
    pc = report.post_check

    def cells(row: TrackRow, fast: bool) -> tuple[str | int | float | None, ...]:
        return (
            row.label,
            row.item_code,
            row.item_name,
            row.count,
            row.median_working_days,
            row.p90_working_days,
            row.max_working_days,
            row.promised_days,
            percent(row.share_within_promised),
            row.statutory_days,
            None if fast else report.converted_decided,
            percent(pc.share_on_time) if fast else None,
            report.revoked if fast else None,
            percent(report.revocation_rate) if fast else None,
        )

    return Table(
        title="告知承诺制与一般程序对比",
        headers=headers,
        rows=(cells(report.fast, True), cells(report.standard, False)),
        percent_columns=frozenset({8, 11, 13}),
    )


def revocation_table(report: CommitmentReport) -> Table:
    return Table(
        title="告知承诺制撤销清单",
        headers=("办件编号", "项目名称", "审批日期", "撤销日期", "撤销决定书文号", "核查发现"),
        rows=tuple(
            (
                r.number,
                r.project_name,
                r.decided_on.isoformat() if r.decided_on else None,
                r.revoked_on.isoformat() if r.revoked_on else None,
                r.document_number,
                "；".join(r.findings),
            )
            for r in report.revocations
        ),
    )
