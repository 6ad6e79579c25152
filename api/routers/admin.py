"""Administration: loading the State Council's holiday schedule for a year."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Year
from approvals.administration import schedules
from approvals.clock import to_utc
from approvals.timekeeping import holidays
from approvals.timekeeping.schedule import install_overrides
from models import Role, text_input

router = APIRouter(prefix="/api/admin", tags=["管理 admin"])
ADMIN = require_roles(Role.ADMIN)


class ScheduleLoad(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), text_input.Line
    ]
    holidays: list[date] = Field(min_length=1, max_length=60, description="放假日期")
    workdays: list[date] = Field(default_factory=list, max_length=20, description="调休上班日期")


class ScheduleLoaded(BaseModel):
    year: int
    days: int


@router.put(
    "/holidays/{year}",
    response_model=ScheduleLoaded,
    dependencies=[ADMIN],
    summary="导入年度节假日安排 / load a year's official holiday schedule",
)
def load_holidays(
    year: Year, body: ScheduleLoad, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ScheduleLoaded:
    """Replaces that year's loaded days (audited); every clock uses them at once (no restart)."""
    count = schedules.load_holiday_schedule(
        session,
        user,
        year,
        body.holidays,
        body.workdays,
        source=body.source,
        now=to_utc(services.clock.now()),
    )
    session.commit()
    install_overrides(holidays.overrides(session))
    return ScheduleLoaded(year=year, days=count)
