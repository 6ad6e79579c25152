"""The auditors' pages (电子监察): the bureau's turnaround against its limits, and one case's
trace. Figures come from ``approvals.reports.turnaround``; charts from
``approvals.reports.charts``; this module only arranges them for the templates. Routes hang off
the pages' shared ``router``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.display import limit_text
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import get_application_by_number
from approvals.catalogue import DayUnit, ProcessKind
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.clock import local_date
from approvals.errors import InvalidInput
from approvals.participation import notice_audit
from approvals.reports import charts, timeline_chart
from approvals.reports import turnaround as reports
from approvals.reports.tables import percent
from models import Role, User
from models.enums import TRACK_LABELS

AuditUser = Annotated[User, signed_in(Role.AUDITOR, Role.ADMIN)]

KIND_LABELS: dict[ProcessKind, str] = {
    ProcessKind.STANDARD: "一般审批程序",
    ProcessKind.COMMITMENT: "告知承诺制",
    ProcessKind.FILING: "备案（登记）",
    ProcessKind.SERVICE: "公共服务",
}
FILTER_FIELDS = (
    "item_code",
    "process_kind",
    "track",
    "district",
    "decided_from",
    "decided_to",
    "officer_id",
)
UNIT_TEXT: dict[DayUnit, str] = {DayUnit.WORKING: "个工作日", DayUnit.CALENDAR: "日"}
EXPORTS = (("turnaround", "办理时效统计"), ("stages", "环节耗时统计"), ("trend", "月度办结趋势"))


def pct(value: float | None) -> str:
    shown = percent(value)
    return "—" if shown is None else f"{charts.number(shown)}%"


def _median_in_unit(row: reports.TurnaroundRow) -> float | None:
    calendar = row.statutory_unit is DayUnit.CALENDAR
    return row.median_calendar_days if calendar else row.median_working_days


def _strip_rows(
    report: reports.TurnaroundReport, counts: dict[str, tuple[tuple[int, int], ...]]
) -> list[charts.StripRow]:
    rows = []
    for row in report.items:
        same_unit = row.promised_unit is row.statutory_unit
        rows.append(
            charts.StripRow(
                label=f"{row.item_code} {row.item_name}",
                counts=counts.get(row.item_code, ()),
                median=_median_in_unit(row),
                promised=row.promised_days if same_unit else None,
                statutory=row.statutory_days,
            )
        )
    return rows


def _charts(
    report: reports.TurnaroundReport,
    counts: dict[str, tuple[tuple[int, int], ...]],
    stages: list[reports.StageRow],
    trend: list[reports.MonthRow],
) -> dict[str, Markup]:
    """The three charts, inlined as SVG (``approvals.reports.charts`` escapes every text)."""
    mixed = any(r.statutory_unit is DayUnit.CALENDAR for r in report.items)
    unit = "天，按各事项法定时限的单位" if mixed else "工作日"
    bars = [
        charts.Bar(
            s.label,
            s.total_working_days,
            f"平均 {charts.number(s.mean_working_days)} · {s.count} 件次",
        )
        for s in stages
    ]
    points = [
        charts.TrendPoint(m.month, m.count, m.median_working_days, m.share_within_promised)
        for m in trend
    ]
    return {
        "distribution": Markup(charts.turnaround_strip(_strip_rows(report, counts), unit)),
        "stages": Markup(charts.stage_bars(bars)),
        "trend": Markup(charts.monthly_trend(points)),
    }


def _options(session: Session, services: AppServices) -> dict[str, Any]:
    """The choices of the filter form."""
    return {
        "items": [(i.code, i.name_zh) for i in services.catalogue.items],
        "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
        "tracks": [(t.value, label) for t, label in TRACK_LABELS.items()],
        "districts": ZHENGZHOU_DISTRICTS,
        "officers": reports.officers(session),
    }


def _export_links(path: str, params: dict[str, str]) -> dict[str, str]:
    """The CSV and XLSX export URLs of one table, with the page's filter."""
    return {f: f"/api/audit/{path}?{urlencode(params | {'format': f})}" for f in ("csv", "xlsx")}


@router.get("/audit")
def audit_report(
    request: Request, user: AuditUser, session: SessionDep, services: ServicesDep
) -> Response:
    """Filters, KPI tiles, the statutory / promised / actual table per item, three charts."""
    raw = {name: request.query_params.get(name, "").strip() for name in FILTER_FIELDS}
    context: dict[str, Any] = {"values": raw, "error": "", "report": None} | _options(
        session, services
    )
    try:
        report_filter = reports.parse_filter(services.catalogue, **raw)
    except InvalidInput as exc:  # shown on the form; the figures are not computed
        context["error"] = exc.message_zh
        return render_page(request, "audit_report.html", context, status_code=422)
    catalogue = services.catalogue
    report, counts = reports.turnaround_and_distribution(session, catalogue, report_filter)
    stages = reports.stage_report(session, catalogue, report_filter)
    trend = reports.monthly_trend(session, catalogue, report_filter)
    params, items = report_filter.as_params(), catalogue.items
    context |= {
        "report": report,
        "stages": stages,
        "trend": trend,
        "slowest": reports.slowest_cases(session, catalogue, report_filter),
        "charts": _charts(report, counts, stages, trend),
        "exports": [(title, _export_links(path, params)) for path, title in EXPORTS],
        "limit_of": {i.code: (limit_text(i.statutory), limit_text(i.promised)) for i in items},
        "pct": pct,
        "num": charts.number,
        "notice_rows": notice_audit.summary(
            session, services.calendar, local_date(services.clock.now())
        ),
    }
    return render_page(request, "audit_report.html", context)


@router.get("/audit/lookup")
def audit_lookup(user: AuditUser, session: SessionDep, number: str = "") -> Response:
    """Find a case by its number and open its trace (404 page when there is none)."""
    application = get_application_by_number(session, user, number.strip())
    return RedirectResponse(f"/audit/cases/{application.id}", status_code=303)


def _timeline(report: reports.CaseReport) -> Markup:
    """Steps end to end, clock stops shaded, due dates as lines; open spans run to the day the
    figures are counted to."""
    end = report.counted_to

    def until(start: date, stop: date | None) -> date:
        return stop or max(end or start, start)

    steps = []
    for step in report.steps:
        entered = local_date(step.entered_at)
        left = local_date(step.left_at) if step.left_at else None
        steps.append(timeline_chart.Span(step.label, entered, until(entered, left)))
    pauses = [
        timeline_chart.Span(p.reason, p.start_on, until(p.start_on, p.end_on))
        for p in report.pauses
    ]
    markers = []
    for name, days, unit, due, kind in (
        (
            "承诺期限",
            report.promised_days,
            report.promised_unit,
            report.promised_due_on,
            "promised",
        ),
        (
            "法定期限",
            report.statutory_days,
            report.statutory_unit,
            report.statutory_due_on,
            "statutory",
        ),
    ):
        if due is not None:
            markers.append(timeline_chart.Marker(f"{name}（{days} {UNIT_TEXT[unit]}）", due, kind))
    return Markup(timeline_chart.case_timeline(steps, pauses, markers))


@router.get("/audit/cases/{application_id}")
def audit_case(
    request: Request,
    application_id: Id,
    user: AuditUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """One case's trace: the step table, the clock stops and the timeline bar."""
    today = local_date(services.clock.now())
    report = reports.case_report(
        session, services.catalogue, application_id, calendar=services.calendar, today=today
    )
    notices = notice_audit.case_notices(session, services.calendar, application_id, today)
    return render_page(
        request,
        "audit_case.html",
        {
            "case": report,
            "timeline": _timeline(report),
            "unit": UNIT_TEXT,
            "num": charts.number,
            "notices": notices,
        },
    )
