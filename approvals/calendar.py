"""Working days on the State Council schedule, with a provisional fallback.

``chinese-calendar`` carries the official schedule (holidays and make-up working days, 调休)
for the years it covers. For a year it does not cover yet, a day is a working day when it is a
weekday and not one of the fixed-date statutory holidays; such a result is *provisional* and is
marked so wherever it shows. Staff-loaded schedules (``overrides``) win over both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

# Fixed-date statutory holidays (全国年节及纪念日放假办法, 2025 revision): 元旦, 劳动节, 国庆节.
# Lunar-calendar holidays cannot be placed without the official notice, hence "provisional".
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@lru_cache(maxsize=4096)
def _official(day: date) -> bool | None:
    """True/False from the official schedule, None when the year is not covered."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class WorkingCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)  # True: working day

    def is_workday(self, day: date) -> bool:
        return self.lookup(day)[0]

    def lookup(self, day: date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional)."""
        if day in self.overrides:
            return self.overrides[day], False
        official = _official(day)
        if official is not None:
            return official, False
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS, True

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days d with start < d <= end (the start day does not count), and whether
        any provisional day was used. Zero when end <= start."""
        count, provisional = 0, False
        day = start + timedelta(days=1)
        while day <= end:
            workday, guessed = self.lookup(day)
            count += workday
            provisional |= guessed
            day += timedelta(days=1)
        return count, provisional


def calendar_days_between(start: date, end: date) -> int:
    return max(0, (end - start).days)
