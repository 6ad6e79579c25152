"""The simulated year's consultations are planned the same way from the same seed, each on
working days in the order the service takes them, at least one requested every month."""

from __future__ import annotations

from datetime import date

from approvals.timekeeping.calendar import WorkingCalendar
from simulator.consultations import plan


def test_the_plan_is_seeded_ordered_on_working_days_and_monthly() -> None:
    calendar = WorkingCalendar()
    first = plan(2021, 60, 7, date(2021, 12, 31), calendar)
    assert first == plan(2021, 60, 7, date(2021, 12, 31), calendar)
    assert first != plan(2021, 60, 8, date(2021, 12, 31), calendar)
    assert len(first) >= 11  # 12 planned (60 / 5); one requested late in December may not end
    assert {p.requested.month for p in first} == set(range(1, 13)) - (
        set() if len(first) == 12 else {12}
    )
    for p in first:
        moments = [moment for moment, _ in p.steps()]
        assert moments == sorted(moments), p
        assert p.requested.date() <= p.assigned.date() < p.slot.date() <= p.guided.date()
        assert p.slot < p.guided
        for day in (p.requested.date(), p.assigned.date(), p.slot.date(), p.guided.date()):
            assert calendar.is_workday(day), (p, day)
