"""系统管理 · 园区与告知承诺制范围: the eligible parks with their plan-EIA review and the
fast track's 10 categories and 27 types, as the eligibility check reads them (the reference
data files, versioned; read-only here: a change is made in the file and takes effect on the
next start)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages import router
from api.pages.security import AdminUser
from api.templating import render_page
from approvals.commitment_scope import PlanEiaStatus, shared_parks, shared_scope

PLAN_EIA_LABELS = {
    PlanEiaStatus.PASSED: "已通过审查",
    PlanEiaStatus.UNDER_REVIEW: "审查中",
    PlanEiaStatus.NOT_PASSED: "未通过或尚未开展",
    PlanEiaStatus.UNKNOWN: "审查情况未能核实",
}
EVIDENCE_LABELS = {"found": "见于公开来源", "legal": "法条原文", "inferred": "推定，待核实"}


@router.get("/admin/parks")
def parks_and_scope(request: Request, user: AdminUser) -> HTMLResponse:
    parks, scope = shared_parks(), shared_scope()
    return render_page(
        request,
        "admin_parks.html",
        {
            "parks": parks,
            "scope": scope,
            "plan_labels": PLAN_EIA_LABELS,
            "evidence_labels": EVIDENCE_LABELS,
        },
    )
