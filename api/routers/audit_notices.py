"""Auditors (电子监察) on the public notices: per case whether each ran its full length and how
long publication took after its event; per kind of notice over a period, the share that ran
their full length, the median publication lag and the working days spent in the notice."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from approvals.casework.queries import get_application_for
from approvals.clock import local_date
from approvals.participation import notice_audit
from models import Role

router = APIRouter(
    prefix="/api/audit",
    tags=["电子监察 auditor"],
    dependencies=[require_roles(Role.AUDITOR, Role.ADMIN)],
)


@router.get(
    "/notices",
    response_model=list[notice_audit.NoticeKindSummary],
    summary="公示公告情况汇总 / notices per kind: full length, publication lag, days spent",
)
def notices_summary(
    session: SessionDep,
    services: ServicesDep,
    since: Annotated[date | None, Query(description="公示开始日期起（含）")] = None,
    until: Annotated[date | None, Query(description="公示开始日期止（含）")] = None,
) -> list[notice_audit.NoticeKindSummary]:
    today = local_date(services.clock.now())
    return notice_audit.summary(session, services.calendar, today, since, until)


@router.get(
    "/cases/{application_id}/notices",
    response_model=list[notice_audit.NoticeLine],
    summary="单件公示公告情况 / one case's notices",
)
def case_notices(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[notice_audit.NoticeLine]:
    get_application_for(session, user, application_id)
    today = local_date(services.clock.now())
    return notice_audit.case_notices(session, services.calendar, application_id, today)
