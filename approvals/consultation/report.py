"""The auditor's figures: consultations requested per month and the time from request to
written guidance (median, working and calendar days), against the rules' target."""

from __future__ import annotations

import statistics
from collections import defaultdict

from sqlmodel import Session, select

from approvals.clock import local_date
from approvals.consultation.rules import load_rules
from approvals.timekeeping.calendar import WorkingCalendar
from models import Consultation
from models.consultation import ConsultationReport, MonthRow


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def consultation_report(session: Session, calendar: WorkingCalendar) -> ConsultationReport:
    rules = load_rules()
    requests: dict[str, int] = defaultdict(int)
    working: dict[str, list[int]] = defaultdict(list)
    calendar_days: dict[str, list[int]] = defaultdict(list)
    within = 0
    for row in session.exec(select(Consultation)).all():
        asked = local_date(row.requested_at)
        month = f"{asked:%Y-%m}"
        requests[month] += 1
        if row.guided_at is None:
            continue
        guided = local_date(row.guided_at)
        days = calendar.working_days_between(asked, guided)[0]
        working[month].append(days)
        calendar_days[month].append((guided - asked).days)
        within += days <= rules.target.days
    all_working = [d for v in working.values() for d in v]
    all_calendar = [d for v in calendar_days.values() for d in v]
    total = sum(requests.values())
    return ConsultationReport(
        requests=total,
        guided=len(all_working),
        open=total - len(all_working),
        median_working_days=_median(all_working),
        median_calendar_days=_median(all_calendar),
        within_target=within,
        target_working_days=rules.target.days,
        by_month=[
            MonthRow(
                month=month,
                requests=requests[month],
                guided=len(working[month]),
                median_working_days=_median(working[month]),
                median_calendar_days=_median(calendar_days[month]),
            )
            for month in sorted(requests)
        ],
    )
