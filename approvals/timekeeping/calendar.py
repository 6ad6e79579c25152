"""Working days on the State Council schedule, with a provisional fallback, and the statutory
clock (used days, due dates) on top of it.

``chinese-calendar`` carries the official schedule (holidays and make-up working days, 调休)
for the years it covers. For a year it does not cover yet, a day is a working day when it is a
weekday and not one of the fixed-date statutory holidays; such a result is *provisional* and is
marked so wherever it shows. Staff-loaded schedules (``overrides``) win over both and are never
provisional.

The clock (DESIGN.md, "The statutory clock"):

* Dates are Asia/Shanghai dates; a period starts the day after the event that starts it.
* Used days are the counted days d with ``start < d <= today`` outside every pause
  ``(p_start, p_end]``: the day a pause starts still counts, the day it ends does not. This is a
  set definition, so a pause reaching back before ``start`` or beyond ``today`` simply
  contributes only its days inside ``(start, today]``; that is allowed, not an error.
* Working-day limits count working days; calendar-day limits count every day.
* The due date is the day the used count reaches the limit; a calendar-day due date on a
  non-working day moves to the next working day (pauses are not consulted for that move).
  A limit of 0 is due at ``start`` itself.

Speed: each calendar builds, lazily and once, prefix sums of working days and of provisional
days over 2004-01-01..2099-12-31 and the position of every working day, so ``used`` is
O(#pauses) and ``due`` is O(#pauses) array look-ups. Calendars without overrides share one index.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate, compress, pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING

import chinese_calendar

from approvals.clock import SHANGHAI
from approvals.errors import InvalidInput

if TYPE_CHECKING:  # the enum lives with the catalogue schema; only its string values are needed
    from approvals.catalogue.schema import DayUnit

__all__ = [
    "FIRST_DAY",
    "FIXED_HOLIDAYS",
    "LAST_DAY",
    "OFFICIAL_YEARS",
    "Count",
    "Due",
    "Pause",
    "WorkingCalendar",
    "calendar_days_between",
    "fallback_is_workday",
    "parse_day",
    "parse_pause",
    "validate_pauses",
]

FIRST_DAY = date(2004, 1, 1)
LAST_DAY = date(2099, 12, 31)
_FIRST = FIRST_DAY.toordinal()
_SIZE = LAST_DAY.toordinal() - _FIRST + 1

# Fixed-date statutory holidays (全国年节及纪念日放假办法, 2025 revision): 元旦, 劳动节, 国庆节.
# Lunar-calendar holidays cannot be placed without the official notice, hence "provisional".
_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})
FIXED_HOLIDAYS = tuple(sorted(_FIXED_HOLIDAYS))

_OFFICIAL_HOLIDAYS: Mapping[date, object] = chinese_calendar.holidays
_OFFICIAL_WORKDAYS: Mapping[date, object] = chinese_calendar.workdays
OFFICIAL_YEARS = range(min(_OFFICIAL_HOLIDAYS).year, max(_OFFICIAL_HOLIDAYS).year + 1)

_WORKING = "working"
_CALENDAR = "calendar"


# --- errors (every message in Chinese and English) ---------------------------------------------


def _out_of_range(day: date) -> InvalidInput:
    return InvalidInput(
        f"日期 {day.isoformat()} 超出可计算范围"
        f"（{FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()}）",
        f"date {day.isoformat()} is outside the supported range "
        f"{FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}",
        day=day.isoformat(),
    )


def _beyond_range() -> InvalidInput:
    return InvalidInput(
        f"到期日将晚于 {LAST_DAY.isoformat()}，超出可计算范围",
        f"the due date would fall after {LAST_DAY.isoformat()}, outside the supported range",
    )


def _bad_unit(unit: object) -> InvalidInput:
    return InvalidInput(
        f"期限单位“{unit}”无效，应为 working（工作日）或 calendar（自然日）",
        f"invalid day unit {unit!r}: expected 'working' or 'calendar'",
    )


# --- values --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pause:
    """A clock stop: the days ``start < d <= end`` do not count."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                f"暂停区间的结束日 {self.end.isoformat()} 早于开始日 {self.start.isoformat()}",
                f"the pause ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )

    def __str__(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class Count:
    days: int
    provisional: bool


@dataclass(frozen=True, slots=True)
class Due:
    day: date
    provisional: bool


_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` → a date; anything else (or a day that does not exist) → InvalidInput."""
    text = text.strip()
    try:
        if not _DAY_TEXT.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"日期“{text}”无效：应为实际存在的日期，格式 YYYY-MM-DD",
            f"{text!r} is not a valid date: expected a day that exists, as YYYY-MM-DD",
            value=text,
        ) from None


def parse_pause(text: str) -> Pause:
    """``"2021-10-01:2021-10-08"`` → ``Pause(2021-10-01, 2021-10-08)`` (FROM:TO)."""
    parts = text.strip().split(":")
    if len(parts) != 2:
        raise InvalidInput(
            f"暂停区间“{text}”格式无效：应为 起始日:结束日（YYYY-MM-DD:YYYY-MM-DD）",
            f"invalid pause {text!r}: expected FROM:TO as YYYY-MM-DD:YYYY-MM-DD",
            value=text,
        )
    return Pause(parse_day(parts[0]), parse_day(parts[1]))


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _out_of_range(day)
    return day


def validate_pauses(pauses: Iterable[Pause | tuple[date, date]]) -> list[Pause]:
    """The pauses sorted by start; each inside the supported range, none overlapping another
    (pauses that only touch, ``(a, b]`` and ``(b, c]``, share no day and are fine)."""
    cleaned = sorted(
        (p if isinstance(p, Pause) else Pause(*p) for p in pauses),
        key=lambda p: (p.start, p.end),
    )
    for pause in cleaned:
        _in_range(pause.start)
        _in_range(pause.end)
    for before, after in pairwise(cleaned):
        if after.start < before.end:
            raise InvalidInput(
                f"暂停区间 {before} 与 {after} 重叠",
                f"the pauses {before} and {after} overlap",
                pauses=[str(before), str(after)],
            )
    return cleaned


def calendar_days_between(start: date, end: date) -> int:
    return max(0, (end - start).days)


# --- the schedule --------------------------------------------------------------------------------


def _official(day: date) -> bool | None:
    """True/False from the official schedule, None when the year is not covered."""
    if day.year not in OFFICIAL_YEARS:
        return None
    return day in _OFFICIAL_WORKDAYS or (day.weekday() < 5 and day not in _OFFICIAL_HOLIDAYS)


def fallback_is_workday(day: date) -> bool:
    """The provisional rule for a year without an official schedule."""
    return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS


def _base_lookup(day: date) -> tuple[bool, bool]:
    official = _official(day)
    if official is not None:
        return official, False
    return fallback_is_workday(day), True


class _Index:
    """Per-day data for 2004-01-01..2099-12-31 (day i = FIRST_DAY + i days).

    ``work[i]``: 1 for a working day; ``cum[i]``: working days among days 0..i; ``prov[i]``:
    provisional days among days 0..i; ``nth[k]``: the day of the (k+1)-th working day."""

    __slots__ = ("cum", "nth", "prov", "work")

    def __init__(self, work: bytearray, provisional: bytearray) -> None:
        self.work = work
        self.cum = array("i", accumulate(work))
        self.prov = array("i", accumulate(provisional))
        self.nth = array("i", compress(range(_SIZE), work))

    @property
    def nbytes(self) -> int:
        arrays = (self.cum, self.prov, self.nth)
        return len(self.work) + sum(a.itemsize * len(a) for a in arrays)


@cache
def _base_flags() -> tuple[bytes, bytes]:
    work, provisional = bytearray(_SIZE), bytearray(_SIZE)
    for i in range(_SIZE):
        working, guessed = _base_lookup(date.fromordinal(_FIRST + i))
        work[i], provisional[i] = working, guessed
    return bytes(work), bytes(provisional)


@cache
def _shared_index() -> _Index:
    work, provisional = _base_flags()
    return _Index(bytearray(work), bytearray(provisional))


def _as_day(value: date) -> date:
    """A date; an aware datetime is taken in Asia/Shanghai, a naive one as it stands."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    return value


class WorkingCalendar:
    """Working days and the statutory clock. ``overrides`` (day → is a working day) are
    staff-loaded days; they win over the official schedule and the fallback."""

    __slots__ = ("_index", "_overrides")

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {
            _as_day(day): bool(working) for day, working in (overrides or {}).items()
        }
        self._index: _Index | None = None

    def __repr__(self) -> str:
        return f"WorkingCalendar(overrides={len(self._overrides)} days)"

    @property
    def overrides(self) -> Mapping[date, bool]:
        return MappingProxyType(self._overrides)

    # -- single days --

    def lookup(self, day: date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional)."""
        day = _as_day(day)
        if day in self._overrides:
            return self._overrides[day], False
        return _base_lookup(day)

    def is_workday(self, day: date) -> bool:
        return self.lookup(day)[0]

    # -- the index --

    def index(self) -> _Index:
        """The per-day index, built on first use (shared when there are no overrides)."""
        if self._index is None:
            if not self._overrides:
                self._index = _shared_index()
            else:
                base_work, base_provisional = _base_flags()
                work, provisional = bytearray(base_work), bytearray(base_provisional)
                for day, working in self._overrides.items():
                    i = day.toordinal() - _FIRST
                    if 0 <= i < _SIZE:
                        work[i], provisional[i] = working, False
                self._index = _Index(work, provisional)
        return self._index

    @staticmethod
    def _position(day: date) -> int:
        if type(day) is not date:
            day = _as_day(day)
        i = day.toordinal() - _FIRST
        if not 0 <= i < _SIZE:
            raise _out_of_range(day)
        return i

    @staticmethod
    def _pause_positions(pauses: Sequence[Pause]) -> list[tuple[int, int]]:
        """Index spans of validated pauses, sorted (the hot path of ``validate_pauses``)."""
        spans = []
        for pause in pauses:
            if type(pause) is not Pause:
                pause = Pause(*pause)  # type: ignore[misc]  # a (start, end) tuple is accepted too
            a, b = pause.start.toordinal() - _FIRST, pause.end.toordinal() - _FIRST
            if a < 0 or b >= _SIZE:
                validate_pauses(pauses)  # raises with the message
            spans.append((a, b))
        if len(spans) > 1:
            spans.sort()
            previous_end = -1
            for a, b in spans:
                if a < previous_end:
                    validate_pauses(pauses)  # raises with the message
                previous_end = b
        return spans

    # -- ranges --

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days d with start < d <= end (the start day does not count), and whether
        any provisional day was used. Zero when end <= start."""
        start, end = _as_day(start), _as_day(end)
        if end <= start:
            return 0, False
        s, e = start.toordinal() - _FIRST, end.toordinal() - _FIRST
        if s >= 0 and e < _SIZE:
            ix = self.index()
            return ix.cum[e] - ix.cum[s], ix.prov[e] > ix.prov[s]
        count, provisional = 0, False  # outside the index: day by day, as ever
        day = start + timedelta(days=1)
        while day <= end:
            workday, guessed = self.lookup(day)
            count += workday
            provisional |= guessed
            day += timedelta(days=1)
        return count, provisional

    def used(
        self, start: date, today: date, unit: DayUnit | str, pauses: Sequence[Pause] = ()
    ) -> Count:
        """Counted days d with start < d <= today outside every pause (p_start, p_end]."""
        s, t = self._position(start), self._position(today)
        spans = self._pause_positions(pauses) if pauses else ()
        if unit == _WORKING:
            if t <= s:
                return Count(0, False)
            ix = self.index()
            cum, prov = ix.cum, ix.prov
            days, guessed = cum[t] - cum[s], prov[t] - prov[s]
            for a, b in spans:
                a, b = max(a, s), min(b, t)
                if b > a:
                    days -= cum[b] - cum[a]
                    guessed -= prov[b] - prov[a]
            return Count(days, guessed > 0)
        if unit == _CALENDAR:
            if t <= s:
                return Count(0, False)
            days = t - s
            for a, b in spans:
                a, b = max(a, s), min(b, t)
                if b > a:
                    days -= b - a
            return Count(days, False)
        raise _bad_unit(unit)

    def due(
        self, start: date, limit: int, unit: DayUnit | str, pauses: Sequence[Pause] = ()
    ) -> Due:
        """The day the used count reaches ``limit``; for calendar-day limits a non-working due
        day moves to the next working day. ``limit`` 0 is due at ``start``."""
        if limit < 0:
            raise InvalidInput(
                f"期限天数不能为负数（{limit}）",
                f"the number of days cannot be negative ({limit})",
                days=limit,
            )
        s = self._position(start)
        spans = self._pause_positions(pauses) if pauses else ()
        if unit != _WORKING and unit != _CALENDAR:
            raise _bad_unit(unit)
        if limit == 0:
            return Due(date.fromordinal(s + _FIRST), False)
        ix = self.index()
        cum, prov, nth = ix.cum, ix.prov, ix.nth
        if unit == _WORKING:
            target = cum[s] + limit  # the due day is the target-th working day (1-based) ...
            if target > len(nth):
                raise _beyond_range()
            d = nth[target - 1]
            skipped = 0
            for a, b in spans:  # ... plus the working days of every pause it runs into
                if b <= s:
                    continue
                a = max(a, s)
                if d <= a:
                    break  # sorted: every later pause starts after the due day too
                target += cum[b] - cum[a]
                skipped += prov[b] - prov[a]
                if target > len(nth):
                    raise _beyond_range()
                d = nth[target - 1]
            return Due(date.fromordinal(d + _FIRST), prov[d] - prov[s] - skipped > 0)
        d = s + limit
        for a, b in spans:
            if b <= s:
                continue
            a = max(a, s)
            if d <= a:
                break
            d += b - a
        if d >= _SIZE:
            raise _beyond_range()
        moved = d
        if not ix.work[d]:
            if cum[d] >= len(nth):
                raise _beyond_range()
            moved = nth[cum[d]]  # the next working day after d
        return Due(date.fromordinal(moved + _FIRST), prov[moved] > prov[d - 1])

    def add_working_days(self, start: date, n: int) -> Due:
        return self.due(start, n, _WORKING)
