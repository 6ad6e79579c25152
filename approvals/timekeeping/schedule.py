"""The process-wide working calendar: the packaged schedule plus staff-loaded days.

Services that record durations (step records, turnarounds) read it here; the API and the
workers install the database's overrides at start and after a schedule is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from approvals.timekeeping.calendar import WorkingCalendar

_shared = WorkingCalendar()


def shared_calendar() -> WorkingCalendar:
    return _shared


def install_overrides(overrides: Mapping[date, bool]) -> WorkingCalendar:
    """Replace the shared calendar with one that applies ``overrides``; returns it."""
    global _shared
    _shared = WorkingCalendar(dict(overrides))
    return _shared
