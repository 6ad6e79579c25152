"""The one source of time. Services take a ``Clock``; tests and the simulator move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(SHANGHAI)


class FixedClock:
    """A clock that stands still until moved (tests, simulation)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = at


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai date of a moment (naive datetimes are taken as UTC, as stored)."""
    return as_local(moment).date()


def to_utc(moment: datetime) -> datetime:
    """How moments are stored: aware, in UTC (SQLModel's UTCDateTime insists on aware)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the clock gives aware ones")
    return moment.astimezone(UTC)


def as_local(stored: datetime) -> datetime:
    """A stored moment as an Asia/Shanghai aware datetime (naive values are UTC)."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored.astimezone(SHANGHAI)
