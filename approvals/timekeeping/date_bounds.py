"""Dates and moments a person enters, kept within the range that makes sense for the field.

A parsed date is only a valid calendar day: 1900-01-01 as a dispatch date or 2999-12-31 as a
meeting passes the parser. Each field states its range here or in its service (a postal
dispatch between the decision and today, a meeting between acceptance and a year ahead); a day
outside is ``InvalidInput`` (422) naming the field in Chinese and by its key.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from approvals.clock import SHANGHAI, local_date
from approvals.errors import InvalidInput

EARLIEST = date(2000, 1, 1)  # no record of this service is older
LATEST = date(2099, 12, 31)
PLANNING_HORIZON = timedelta(days=366)  # meetings are fixed weeks ahead, never years


def check_day(
    day: date,
    *,
    field: str,
    label: str,
    earliest: date = EARLIEST,
    latest: date = LATEST,
    earliest_is: str = "",
    latest_is: str = "",
) -> date:
    """``day`` if ``earliest <= day <= latest``; else ``InvalidInput`` saying which bound it
    passed (``earliest_is`` / ``latest_is`` name the bound, e.g. "办结日期", "今天")."""
    if day < earliest:
        what = f"{earliest_is}（{earliest.isoformat()}）" if earliest_is else earliest.isoformat()
        raise InvalidInput(
            f"{label}（{field}）不能早于{what}",
            f"{field} {day.isoformat()} is before {earliest.isoformat()}",
            field=field,
            earliest=earliest.isoformat(),
        )
    if day > latest:
        what = f"{latest_is}（{latest.isoformat()}）" if latest_is else latest.isoformat()
        raise InvalidInput(
            f"{label}（{field}）不能晚于{what}",
            f"{field} {day.isoformat()} is after {latest.isoformat()}",
            field=field,
            latest=latest.isoformat(),
        )
    return day


def local_moment(moment: datetime) -> datetime:
    """A moment a person entered: without a zone it is Zhengzhou time."""
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def check_moment(
    moment: datetime,
    *,
    field: str,
    label: str,
    earliest: date = EARLIEST,
    latest: date = LATEST,
    earliest_is: str = "",
    latest_is: str = "",
) -> datetime:
    """``check_day`` on the moment's Zhengzhou date; returns the moment made aware."""
    aware = local_moment(moment)
    check_day(
        local_date(aware),
        field=field,
        label=label,
        earliest=earliest,
        latest=latest,
        earliest_is=earliest_is,
        latest_is=latest_is,
    )
    return aware
