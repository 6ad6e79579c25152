"""Which decided cases an auditor's report covers, validated at the edge of the domain.

A case is *decided* when ``decided_on`` and ``turnaround_working_days`` are both set (the
clock service writes the turnaround when the decision is made). Every report filters that
population with the same ``ReportFilter``, so the tables, charts and exports of one page agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col

from approvals.catalogue import Catalogue, ProcessKind
from approvals.catalogue.districts import validate_district
from approvals.errors import InvalidInput
from approvals.timekeeping.calendar import parse_day
from approvals.timekeeping.date_bounds import check_day
from models import Application, Track
from models.types import ID_MAX

PERIOD_LABELS = {"decided_from": "办结日期起", "decided_to": "办结日期止"}


@dataclass(frozen=True)
class ReportFilter:
    """All fields optional; ``decided_from`` and ``decided_to`` are inclusive."""

    item_code: str | None = None
    process_kind: ProcessKind | None = None
    track: Track | None = None
    district: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    officer_id: int | None = None

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (the set ones only), e.g. for export links."""
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in asdict(self).items()
            if value is not None
        }

    def period_text(self) -> str:
        """The period in words, for titles and file names ("" when unbounded)."""
        start = self.decided_from.isoformat() if self.decided_from else ""
        end = self.decided_to.isoformat() if self.decided_to else ""
        if not start and not end:
            return ""
        return f"{start or '起'}至{end or '今'}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _choice(value: object, allowed: type[ProcessKind] | type[Track], name: str) -> Any:
    try:
        return allowed(str(value).strip())
    except ValueError:
        options = [member.value for member in allowed]
        raise InvalidInput(
            f"{name}“{value}”无效，应为：{'、'.join(options)}",
            f"invalid {allowed.__name__} {value!r}: expected one of {options}",
            allowed=options,
        ) from None


def _officer(value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= ID_MAX:
        raise InvalidInput(
            f"承办人编号“{value}”无效，应为正整数",
            f"officer_id {value!r} is not a positive integer",
        )
    return int(text)


def parse_filter(
    catalogue: Catalogue,
    *,
    item_code: str | None = None,
    process_kind: str | None = None,
    track: str | None = None,
    district: str | None = None,
    decided_from: str | date | None = None,
    decided_to: str | date | None = None,
    officer_id: str | int | None = None,
) -> ReportFilter:
    """A checked filter from raw values (query strings or form fields; blank means unset).

    Raises ``InvalidInput`` (zh + en) for an unknown item, process kind, track or district,
    a day that does not exist, or a period that ends before it starts.
    """

    def day(value: str | date | None, field: str) -> date | None:
        if _blank(value):
            return None
        parsed = value if isinstance(value, date) else parse_day(str(value))
        return check_day(parsed, field=field, label=PERIOD_LABELS[field])

    report_filter = ReportFilter(
        item_code=None if _blank(item_code) else str(item_code).strip(),
        process_kind=None
        if _blank(process_kind)
        else _choice(process_kind, ProcessKind, "办理类型"),
        track=None if _blank(track) else _choice(track, Track, "办理通道"),
        district=None if _blank(district) else validate_district(str(district).strip()),
        decided_from=day(decided_from, "decided_from"),
        decided_to=day(decided_to, "decided_to"),
        officer_id=None if _blank(officer_id) else _officer(officer_id),
    )
    check_filter(catalogue, report_filter)
    return report_filter


def check_filter(catalogue: Catalogue, report_filter: ReportFilter) -> None:
    """``InvalidInput`` unless the filter names known things and a forward period."""
    if report_filter.item_code is not None and report_filter.item_code not in catalogue:
        raise InvalidInput(
            f"事项编码“{report_filter.item_code}”不存在",
            f"no catalogue item {report_filter.item_code!r}",
            item_code=report_filter.item_code,
        )
    start, end = report_filter.decided_from, report_filter.decided_to
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            f"统计期间的结束日 {end.isoformat()} 早于开始日 {start.isoformat()}",
            f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            decided_from=start.isoformat(),
            decided_to=end.isoformat(),
        )


def decided_conditions(report_filter: ReportFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``Application`` selecting the filtered decided cases."""
    conditions: list[ColumnElement[bool]] = [
        col(Application.decided_on).is_not(None),
        col(Application.turnaround_working_days).is_not(None),
    ]
    f = report_filter
    if f.item_code is not None:
        conditions.append(col(Application.item_code) == f.item_code)
    if f.process_kind is not None:  # the kind the case ran as (a commitment case may convert)
        conditions.append(col(Application.process_kind) == f.process_kind)
    if f.track is not None:
        conditions.append(col(Application.track) == f.track)
    if f.district is not None:
        conditions.append(col(Application.district) == f.district)
    if f.decided_from is not None:
        conditions.append(col(Application.decided_on) >= f.decided_from)
    if f.decided_to is not None:
        conditions.append(col(Application.decided_on) <= f.decided_to)
    if f.officer_id is not None:
        conditions.append(col(Application.case_officer_id) == f.officer_id)
    return conditions
