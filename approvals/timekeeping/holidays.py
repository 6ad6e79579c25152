"""Staff-loaded holiday schedules (the ``HolidayDay`` table) and the calendar built from them.

A loaded year is that year's **complete** official schedule (国务院办公厅关于某年部分节假日安排的
通知): every day off that falls on a weekday or is a statutory holiday, and every make-up working
day (调休上班). Listed days override the packaged schedule and the provisional fallback. For a
year the packaged ``chinese-calendar`` data does not cover, the days the notice does not list
are ordinary days (Monday–Friday working), so results in that year are no longer provisional;
to guard against loading only part of a notice, such a year must list the fixed-date statutory
holidays (元旦, 劳动节 5/1–5/2, 国庆节 10/1–10/3) among its holidays.

Schedule file (YAML), dates as YYYY-MM-DD or inclusive ranges ``"FROM..TO"``::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知
    holidays: [2027-01-01, "2027-02-06..2027-02-12"]
    workdays: [2027-02-07]

``holidays`` and ``workdays`` may also map a name to a list, e.g. ``{春节: ["2027-02-06..
2027-02-12"]}``; the name is stored with each day (default 放假 / 调休上班).

Services here flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, delete, select

from approvals.errors import InvalidInput
from approvals.timekeeping.calendar import (
    FIXED_HOLIDAYS,
    OFFICIAL_YEARS,
    WorkingCalendar,
    parse_day,
)
from models import HolidayDay

HOLIDAY_NAME = "放假"
WORKDAY_NAME = "调休上班"
_NAME_MAX, _SOURCE_MAX = 40, 200
_MIN_YEAR, _MAX_YEAR = 2004, 2099


@dataclass(frozen=True)
class ScheduleFile:
    year: int
    source: str
    holidays: list[date]
    workdays: list[date]
    names: dict[date, str] = field(default_factory=dict)


def _invalid(zh: str, en: str, **details: Any) -> InvalidInput:
    return InvalidInput(zh, en, **details)


# --- the file --------------------------------------------------------------------------------


def _days(value: Any, key: str) -> list[date]:
    """One entry: a date, ``"YYYY-MM-DD"`` or ``"FROM..TO"`` (inclusive)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return [value]
    if not isinstance(value, str):
        raise _invalid(
            f"“{key}”中的“{value}”不是日期或日期范围",
            f"{value!r} in {key!r} is neither a date nor a date range",
        )
    if ".." in value:
        first_text, _, last_text = value.partition("..")
        first, last = parse_day(first_text), parse_day(last_text)
        if last < first:
            raise _invalid(
                f"日期范围“{value}”的结束日早于开始日",
                f"the date range {value!r} ends before it starts",
            )
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [parse_day(value)]


def _section(raw: Any, key: str, default_name: str) -> tuple[list[date], dict[date, str]]:
    if raw is None:
        return [], {}
    groups: Iterable[tuple[str, Any]]
    if isinstance(raw, Mapping):
        groups = ((str(name), entries) for name, entries in raw.items())
    elif isinstance(raw, list):
        groups = [(default_name, raw)]
    else:
        raise _invalid(
            f"“{key}”应为日期列表，或 名称→日期列表 的映射",
            f"{key!r} must be a list of dates or a mapping of name to a list of dates",
        )
    days: list[date] = []
    names: dict[date, str] = {}
    for name, entries in groups:
        for entry in entries if isinstance(entries, list) else [entries]:
            for day in _days(entry, key):
                days.append(day)
                names[day] = name
    return days, names


def parse_schedule(text: str, *, origin: str = "") -> ScheduleFile:
    """A schedule from YAML text (see the module docstring)."""
    where = f"（{origin}）" if origin else ""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _invalid(
            f"节假日安排文件{where}不是有效的 YAML：{exc}",
            f"the schedule file{f' {origin}' if origin else ''} is not valid YAML: {exc}",
        ) from None
    if not isinstance(raw, Mapping):
        raise _invalid(
            f"节假日安排文件{where}应包含 year、source、holidays、workdays",
            "the schedule file must be a mapping with year, source, holidays and workdays",
        )
    unknown = set(raw) - {"year", "source", "holidays", "workdays"}
    if unknown:
        listed = ", ".join(sorted(map(str, unknown)))
        raise _invalid(f"节假日安排文件含未知字段：{listed}", f"unknown keys in the file: {listed}")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise _invalid("节假日安排文件缺少年份（year）", "the schedule file needs a year")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _invalid(
            "节假日安排文件缺少来源（source，如通知文号）",
            "the schedule file needs a source (e.g. the notice's number)",
        )
    holidays, holiday_names = _section(raw.get("holidays"), "holidays", HOLIDAY_NAME)
    workdays, workday_names = _section(raw.get("workdays"), "workdays", WORKDAY_NAME)
    names = holiday_names | workday_names
    _check_schedule(year, set(holidays), set(workdays), source, names)
    return ScheduleFile(year, source.strip(), holidays, workdays, names)


def parse_schedule_file(path: str | Path) -> ScheduleFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _invalid(
            f"无法读取节假日安排文件 {path}：{exc}",
            f"cannot read the schedule file {path}: {exc}",
        ) from None
    return parse_schedule(text, origin=str(path))


# --- the table -------------------------------------------------------------------------------


def _check_schedule(
    year: int, holidays: set[date], workdays: set[date], source: str, names: Mapping[date, str]
) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _invalid(
            f"年份 {year} 超出可加载范围（{_MIN_YEAR}–{_MAX_YEAR}）",
            f"year {year} is outside the loadable range {_MIN_YEAR}-{_MAX_YEAR}",
        )
    stray = sorted(d for d in holidays | workdays if d.year != year)
    if stray:
        raise _invalid(
            f"以下日期不属于 {year} 年：{', '.join(map(str, stray))}",
            f"these days are not in {year}: {', '.join(map(str, stray))}",
        )
    both = sorted(holidays & workdays)
    if both:
        raise _invalid(
            f"以下日期同时列为放假和上班：{', '.join(map(str, both))}",
            f"these days are listed both as holidays and as working days: "
            f"{', '.join(map(str, both))}",
        )
    if not holidays:
        raise _invalid(f"{year} 年的安排没有任何放假日", f"the {year} schedule lists no holidays")
    if year not in OFFICIAL_YEARS:
        missing = [d for d in (date(year, m, dd) for m, dd in FIXED_HOLIDAYS) if d not in holidays]
        if missing:
            raise _invalid(
                f"{year} 年的安排不完整：法定节假日 {', '.join(map(str, missing))} 未列为放假"
                "（加载的应为国务院办公厅通知的全年安排）",
                f"the {year} schedule is incomplete: the statutory holidays "
                f"{', '.join(map(str, missing))} are not listed (load the whole official notice)",
            )
    if not source.strip() or len(source) > _SOURCE_MAX:
        raise _invalid(
            f"来源不能为空且不超过 {_SOURCE_MAX} 字",
            f"the source must be 1-{_SOURCE_MAX} characters",
        )
    long_names = sorted({n for n in names.values() if len(n) > _NAME_MAX})
    if long_names:
        raise _invalid(
            f"名称超过 {_NAME_MAX} 字：{long_names[0]}",
            f"a name is longer than {_NAME_MAX} characters: {long_names[0]}",
        )


def load_schedule(
    session: Session,
    year: int,
    holidays: list[date],
    workdays: list[date],
    *,
    source: str,
    loaded_by: int | None,
    names: Mapping[date, str] | None = None,
    at: datetime,
) -> int:
    """Replace ``year``'s rows with this schedule (holidays: not working; make-up working days:
    working). Returns the number of days stored. Flushes, does not commit."""
    names = dict(names or {})
    holiday_set, workday_set = set(holidays), set(workdays)
    _check_schedule(year, holiday_set, workday_set, source, names)
    session.exec(
        delete(HolidayDay).where(
            col(HolidayDay.day) >= date(year, 1, 1), col(HolidayDay.day) <= date(year, 12, 31)
        )
    )
    rows = [
        HolidayDay(
            day=day,
            is_workday=working,
            name=names.get(day) or (WORKDAY_NAME if working else HOLIDAY_NAME),
            source=source.strip(),
            loaded_by=loaded_by,
            loaded_at=at,
        )
        for working, days in ((False, holiday_set), (True, workday_set))
        for day in sorted(days)
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def loaded_days(session: Session) -> dict[date, bool]:
    """The stored rows as they are: day → is a working day."""
    rows = session.exec(select(col(HolidayDay.day), col(HolidayDay.is_workday))).all()
    return {day: bool(working) for day, working in rows}


def complete_overrides(listed: Mapping[date, bool]) -> dict[date, bool]:
    """The loaded days, plus, for a loaded year outside the packaged schedule, its unlisted days
    as ordinary days (Monday–Friday working): a loaded year is the whole official notice."""
    result = dict(listed)
    for year in {day.year for day in listed} - set(OFFICIAL_YEARS):
        day = date(year, 1, 1)
        while day.year == year:
            result.setdefault(day, day.weekday() < 5)
            day += timedelta(days=1)
    return result


def overrides(session: Session) -> dict[date, bool]:
    """What ``WorkingCalendar(overrides=...)`` needs: every loaded day, and every day of a loaded
    year the packaged schedule does not cover (see ``complete_overrides``)."""
    return complete_overrides(loaded_days(session))


def calendar_from_db(session: Session) -> WorkingCalendar:
    return WorkingCalendar(overrides(session))
