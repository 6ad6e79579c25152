"""The simulated year's ledger problems are planned the same way from the same seed, on working
days, at least two a month, each raised before it is resolved and confirmed last, some late."""

from __future__ import annotations

from datetime import date

from approvals.liaison.rules import load_rules
from approvals.timekeeping.calendar import WorkingCalendar
from simulator.liaison import plan


def test_the_ledger_plan_is_seeded_ordered_on_working_days_and_some_late() -> None:
    calendar = WorkingCalendar()
    first = plan(2021, 60, 7, date(2021, 12, 31), calendar)
    assert first == plan(2021, 60, 7, date(2021, 12, 31), calendar)
    assert first != plan(2021, 60, 8, date(2021, 12, 31), calendar)
    assert len(first) == 24  # 60 / 8 < 2 a month
    assert {p.steps[0][0].month for p in first} == set(range(1, 13))
    late = 0
    for p in first:
        moments = [moment for moment, _ in p.steps]
        assert moments == sorted(moments) and p.steps[0][1] == "raise", p
        assert all(calendar.is_workday(m.date()) for m in moments), p
        if len(p.steps) > 1:
            raised, resolved = p.steps[0][0].date(), p.steps[1][0].date()
            deadline = calendar.add_working_days(raised, load_rules().days_of(p.category)).day
            assert raised < resolved
            late += resolved > deadline
    assert 0 < late < len(first) / 2
