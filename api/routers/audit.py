"""Auditors (电子监察): turnaround against the statutory and promised limits, per item, step,
month and case, as JSON or as CSV / XLSX exports of the same tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from api.contract import EXPORT_RESPONSE, XLSX_TYPE
from api.deps import ServicesDep, SessionDep, require_roles
from api.params import Id
from approvals.clock import local_date
from approvals.reports import turnaround as reports
from approvals.reports.export import to_csv, to_xlsx
from approvals.reports.tables import Table, stage_table, trend_table, turnaround_table
from models import Role

router = APIRouter(
    prefix="/api/audit",
    tags=["电子监察 auditor"],
    dependencies=[require_roles(Role.AUDITOR, Role.ADMIN)],
)


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def report_filter(
    services: ServicesDep,
    item_code: Annotated[str | None, Query(description="事项编码，如 EIA-01")] = None,
    process_kind: Annotated[
        str | None, Query(description="办理类型：standard / commitment / filing / service")
    ] = None,
    track: Annotated[
        str | None, Query(description="办理通道：standard / commitment / green")
    ] = None,
    district: Annotated[str | None, Query(description="辖区，如 金水区")] = None,
    decided_from: Annotated[str | None, Query(description="办结日期起（含），YYYY-MM-DD")] = None,
    decided_to: Annotated[str | None, Query(description="办结日期止（含），YYYY-MM-DD")] = None,
    officer_id: Annotated[str | None, Query(description="承办人用户编号")] = None,
) -> reports.ReportFilter:
    """The query parameters as a checked filter; bad values are 422 with a zh + en message."""
    return reports.parse_filter(
        services.catalogue,
        item_code=item_code,
        process_kind=process_kind,
        track=track,
        district=district,
        decided_from=decided_from,
        decided_to=decided_to,
        officer_id=officer_id,
    )


FilterDep = Annotated[reports.ReportFilter, Depends(report_filter)]
FormatParam = Annotated[
    ExportFormat, Query(alias="format", description="json（默认）、csv（UTF-8 带 BOM）或 xlsx")
]


def content_disposition(filename: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback name, and the Chinese name UTF-8 percent-encoded."""
    extension = filename.rsplit(".", 1)[-1]
    return f"attachment; filename=\"report.{extension}\"; filename*=UTF-8''{quote(filename)}"


def exported(table: Table, report_filter: reports.ReportFilter, export: ExportFormat) -> Response:
    if export is ExportFormat.CSV:
        body, media_type = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, media_type = to_xlsx(table), XLSX_TYPE
    filename = table.filename(report_filter, export.value)
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)}
    )


@router.get(
    "/turnaround",
    response_model=reports.TurnaroundReport,
    responses=EXPORT_RESPONSE,
    summary="办理时效统计（法定 / 承诺 / 实际） / turnaround per item",
)
def turnaround(
    session: SessionDep,
    services: ServicesDep,
    report_filter: FilterDep,
    export: FormatParam = ExportFormat.JSON,
) -> Any:
    """Count, median / p90 / max turnaround in working and calendar days, and the shares
    finished within the promised and the statutory limit: overall and per item."""
    report = reports.turnaround_report(session, services.catalogue, report_filter)
    if export is ExportFormat.JSON:
        return report
    return exported(turnaround_table(report), report_filter, export)


@router.get(
    "/stages",
    response_model=list[reports.StageRow],
    responses=EXPORT_RESPONSE,
    summary="环节耗时（瓶颈） / time by step",
)
def stages(
    session: SessionDep,
    services: ServicesDep,
    report_filter: FilterDep,
    export: FormatParam = ExportFormat.JSON,
) -> Any:
    """Working days the filtered decided cases spent in each step, the largest total first."""
    rows = reports.stage_report(session, services.catalogue, report_filter)
    if export is ExportFormat.JSON:
        return rows
    return exported(stage_table(rows), report_filter, export)


@router.get(
    "/trend",
    response_model=list[reports.MonthRow],
    responses=EXPORT_RESPONSE,
    summary="月度办结趋势 / monthly trend",
)
def trend(
    session: SessionDep,
    services: ServicesDep,
    report_filter: FilterDep,
    export: FormatParam = ExportFormat.JSON,
) -> Any:
    """Per month of the decision: cases decided, median working days, share within promise."""
    rows = reports.monthly_trend(session, services.catalogue, report_filter)
    if export is ExportFormat.JSON:
        return rows
    return exported(trend_table(rows), report_filter, export)


@router.get(
    "/cases/{application_id}",
    response_model=reports.CaseReport,
    summary="单件办理轨迹 / one case's trace",
)
def case_trace(application_id: Id, session: SessionDep, services: ServicesDep) -> Any:
    """Every step (who moved it on, start, end, working and calendar days), every clock stop
    with its reason, and the elapsed total against the statutory and promised limits."""
    return reports.case_report(
        session,
        services.catalogue,
        application_id,
        calendar=services.calendar,
        today=local_date(services.clock.now()),
    )
