"""Administration of the fast track's reference data: a park's plan-EIA review, adding or
retiring a park, suspending or resuming one of the 27 types. Each change is a new version of
the whole list (``approvals.commitment.reference_data``), audited, in force at once in
every process."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from approvals.clock import to_utc
from approvals.commitment import reference_data
from approvals.commitment.scope import ParkLevel, PlanEiaStatus
from models import ReferenceKind, Role, text_input

router = APIRouter(prefix="/api/admin", tags=["管理 admin"])
ADMIN = require_roles(Role.ADMIN)

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), text_input.Line]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    text_input.Line,
]


class PlanEiaRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: PlanEiaStatus = Field(description="passed 已通过审查 / under_review 审查中 / "
                                  "not_passed 未通过或尚未开展 / unknown 未能核实")  # fmt: skip
    review_date: date | None = Field(None, description="审查意见日期（已通过审查的必填）")
    reviewer: Line = Field("", description="审查机关")
    source: Line = Field("", description="审查意见文号或公开来源")
    reason: Reason = Field(description="变更依据")


class ParkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    aliases: list[Line] = Field(default_factory=list, max_length=5)
    level: ParkLevel
    districts: list[Line] = Field(min_length=1, max_length=5)
    reason: Reason


class ParkRetire(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


class TypeSuspension(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suspended: bool = Field(description="true 暂停适用；false 恢复适用")
    reason: Reason


class ReferenceSaved(BaseModel):
    kind: ReferenceKind
    version: int


class ReferenceChange(BaseModel):
    version: int
    change: str
    reason: str
    changed_by: str
    changed_at: datetime


def _now(services: ServicesDep) -> datetime:
    return to_utc(services.clock.now())


@router.post(
    "/parks/{name}/plan-eia",
    response_model=ReferenceSaved,
    dependencies=[ADMIN],
    summary="记录园区规划环评审查情况",
)
def record_plan_eia(
    name: str, body: PlanEiaRecord, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ReferenceSaved:
    parks = reference_data.record_plan_eia(
        session, user, name, status=body.status, review_date=body.review_date,
        reviewer=body.reviewer, source=body.source, reason=body.reason, now=_now(services),
    )  # fmt: skip
    session.commit()
    return ReferenceSaved(kind=ReferenceKind.PARKS, version=parks.version)


@router.post(
    "/parks", response_model=ReferenceSaved, status_code=201, dependencies=[ADMIN],
    summary="新增告知承诺制适用园区",
)  # fmt: skip
def add_park(
    body: ParkCreate, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ReferenceSaved:
    parks = reference_data.add_park(
        session, user, name=body.name, aliases=body.aliases, level=body.level,
        districts=body.districts, reason=body.reason, now=_now(services),
    )  # fmt: skip
    session.commit()
    return ReferenceSaved(kind=ReferenceKind.PARKS, version=parks.version)


@router.post(
    "/parks/{name}/retire",
    response_model=ReferenceSaved,
    dependencies=[ADMIN],
    summary="将园区移出告知承诺制适用名录",
)
def retire_park(
    name: str, body: ParkRetire, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ReferenceSaved:
    parks = reference_data.retire_park(session, user, name, reason=body.reason, now=_now(services))
    session.commit()
    return ReferenceSaved(kind=ReferenceKind.PARKS, version=parks.version)


@router.post(
    "/commitment-scope/types/{code}/suspension",
    response_model=ReferenceSaved,
    dependencies=[ADMIN],
    summary="暂停或恢复某一小类适用告知承诺制",
)
def suspend_type(
    code: str, body: TypeSuspension, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ReferenceSaved:
    scope = reference_data.set_type_suspended(
        session, user, code, suspended=body.suspended, reason=body.reason, now=_now(services)
    )
    session.commit()
    return ReferenceSaved(kind=ReferenceKind.SCOPE, version=scope.version)


@router.get(
    "/reference/{kind}/history",
    response_model=list[ReferenceChange],
    dependencies=[ADMIN],
    summary="园区名录或适用范围的变更记录",
)
def history(kind: ReferenceKind, session: SessionDep) -> list[ReferenceChange]:
    return [
        ReferenceChange(
            version=c.version, change=c.change, reason=c.reason,
            changed_by=c.changed_by, changed_at=c.changed_at,
        )
        for c in reference_data.history(session, kind)
    ]  # fmt: skip
