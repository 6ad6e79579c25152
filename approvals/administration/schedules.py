"""Loading a year's official holiday schedule (国务院办公厅节假日安排), audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals.admin_guard import record, require_admin
from approvals.timekeeping import holidays
from models import HolidayDay, User


def load_holiday_schedule(
    session: Session,
    actor: User,
    year: int,
    holiday_days: list[date],
    workdays: list[date],
    *,
    source: str,
    now: datetime,
) -> int:
    """Replace ``year``'s loaded days (see ``approvals.timekeeping.holidays.load_schedule``);
    the caller commits and then installs ``holidays.overrides`` so every clock uses them at once."""
    require_admin(actor)
    count = holidays.load_schedule(
        session, year, holiday_days, workdays, source=source, loaded_by=actor.id, at=now
    )
    record(session, actor, now, "holidays_loaded",
           f"导入{year}年节假日安排：放假{len(holiday_days)}天，调休上班{len(workdays)}天"
           f"（来源：{source.strip()}）")  # fmt: skip
    return count


@dataclass(frozen=True)
class LoadedYear:
    year: int
    holidays: int
    workdays: int
    source: str
    loaded_at: datetime


def loaded_years(session: Session) -> list[LoadedYear]:
    """The years with a loaded schedule, newest first, with what each holds."""
    by_year: dict[int, list[HolidayDay]] = {}
    for row in session.exec(select(HolidayDay).order_by(col(HolidayDay.day))):
        by_year.setdefault(row.day.year, []).append(row)
    return [
        LoadedYear(
            year=year,
            holidays=sum(not r.is_workday for r in rows),
            workdays=sum(r.is_workday for r in rows),
            source=rows[-1].source,
            loaded_at=max(r.loaded_at for r in rows),
        )
        for year, rows in sorted(by_year.items(), reverse=True)
    ]
