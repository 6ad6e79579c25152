"""Auditors (电子监察): the fast track (告知承诺制) against the standard review for report tables,
its post-approval checks and revocations, as JSON or CSV / XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.contract import EXPORT_RESPONSE
from api.deps import ServicesDep, SessionDep, require_roles
from api.routers.audit import ExportFormat, FormatParam, exported
from approvals.clock import local_date
from approvals.reports import turnaround as reports
from approvals.reports.commitment import (
    CommitmentReport,
    Revocation,
    commitment_report,
    comparison_table,
    revocation_table,
)
from models import Role

router = APIRouter(
    prefix="/api/audit",
    tags=["电子监察 auditor"],
    dependencies=[require_roles(Role.AUDITOR, Role.ADMIN)],
)

District = Annotated[str | None, Query(description="辖区，如 金水区")]
From = Annotated[str | None, Query(description="办结日期起（含），YYYY-MM-DD")]
To = Annotated[str | None, Query(description="办结日期止（含），YYYY-MM-DD")]


def _report(
    session: SessionDep,
    services: ServicesDep,
    district: str | None,
    decided_from: str | None,
    decided_to: str | None,
) -> CommitmentReport:
    report_filter = reports.parse_filter(
        services.catalogue, district=district, decided_from=decided_from, decided_to=decided_to
    )
    today = local_date(services.clock.now())
    return commitment_report(session, services.catalogue, report_filter, today)


@router.get(
    "/commitment",
    response_model=CommitmentReport,
    responses=EXPORT_RESPONSE,
    summary="告知承诺制与一般程序对比、事后核查按期率、撤销率 / fast track vs standard",
)
def commitment(
    session: SessionDep,
    services: ServicesDep,
    district: District = None,
    decided_from: From = None,
    decided_to: To = None,
    export: FormatParam = ExportFormat.JSON,
) -> Any:
    """Report tables decided on the fast track (EIA-07) and in the standard review (EIA-02,
    converted cases included): count, median / P90 / max working days, share within the
    promised limit; post-approval checks done by their due day; revocations and their rate."""
    report = _report(session, services, district, decided_from, decided_to)
    if export is ExportFormat.JSON:
        return report
    return exported(comparison_table(report), report.filter, export)


@router.get(
    "/commitment/revocations",
    response_model=list[Revocation],
    responses=EXPORT_RESPONSE,
    summary="告知承诺制撤销清单 / revocations of fast-track decisions",
)
def revocations(
    session: SessionDep,
    services: ServicesDep,
    district: District = None,
    decided_from: From = None,
    decided_to: To = None,
    export: FormatParam = ExportFormat.JSON,
) -> Any:
    """Each revoked fast-track decision: case number, project, decision and revocation days,
    the 撤销决定书 number and the check's findings."""
    report = _report(session, services, district, decided_from, decided_to)
    if export is ExportFormat.JSON:
        return report.revocations
    return exported(revocation_table(report), report.filter, export)
