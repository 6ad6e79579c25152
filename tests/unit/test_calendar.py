"""Working days on the State Council schedule: 调休 make-up days, provisional years, overrides."""

from __future__ import annotations

from datetime import date

import pytest

from approvals.timekeeping.calendar import WorkingCalendar, calendar_days_between

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    "day",
    [date(2021, 9, 18), date(2021, 9, 26), date(2021, 10, 9)],
    ids=["sat-0918-mid-autumn-makeup", "sun-0926-national-day-makeup", "sat-1009-makeup"],
)
def test_2021_make_up_weekend_days_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.lookup(day) == (True, False)


@pytest.mark.parametrize("day", [date(2021, 10, d) for d in range(1, 8)])
def test_2021_national_day_week_is_not_worked(day: date) -> None:
    assert CAL.lookup(day) == (False, False)


def test_working_days_across_mid_autumn_and_national_day_2021() -> None:
    # Fri 9/17 (start, not counted) → Sun 10/10:
    # 9/18 Sat make-up (1); 9/19-21 Mid-Autumn off; 9/22-24 Wed-Fri (4); 9/25 Sat off;
    # 9/26 Sun make-up (5); 9/27-30 Mon-Thu (9); 10/1-7 off; 10/8 Fri (10);
    # 10/9 Sat make-up (11); 10/10 Sun off.
    assert CAL.working_days_between(date(2021, 9, 17), date(2021, 10, 10)) == (11, False)


def test_the_national_day_week_itself_counts_no_working_day() -> None:
    # Thu 9/30 (start) → Thu 10/7: every day counted is a holiday.
    assert CAL.working_days_between(date(2021, 9, 30), date(2021, 10, 7)) == (0, False)


def test_the_start_day_does_not_count_even_when_it_is_a_working_day() -> None:
    # Sun 9/26 is a make-up working day; as the start it is not counted, Mon 9/27 is.
    assert CAL.working_days_between(date(2021, 9, 26), date(2021, 9, 27)) == (1, False)
    # An ordinary week: Mon → next Mon counts Tue-Fri and the second Monday.
    assert CAL.working_days_between(date(2021, 11, 1), date(2021, 11, 8)) == (5, False)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2021, 9, 27), date(2021, 9, 27)), (date(2021, 9, 28), date(2021, 9, 27))],
    ids=["same-day", "end-before-start"],
)
def test_no_working_days_when_the_end_is_not_after_the_start(start: date, end: date) -> None:
    assert CAL.working_days_between(start, end) == (0, False)
    assert calendar_days_between(start, end) == 0


def test_a_2027_range_is_counted_on_weekdays_and_marked_provisional() -> None:
    # Mon 2027-03-01 → Mon 2027-03-08: Tue-Fri and the second Monday; the 2027 schedule is not
    # published in the library yet.
    assert CAL.working_days_between(date(2027, 3, 1), date(2027, 3, 8)) == (5, True)


def test_provisional_2027_keeps_the_fixed_date_holidays() -> None:
    # Thu 2027-09-30 → Wed 2027-10-06: 10/1 (Fri) is 国庆 (fixed date); Sat/Sun off;
    # 10/2 and 10/3 are weekend days anyway; Mon 10/4, Tue 10/5, Wed 10/6 count.
    assert CAL.lookup(date(2027, 10, 1)) == (False, True)
    assert CAL.working_days_between(date(2027, 9, 30), date(2027, 10, 6)) == (3, True)


def test_a_range_that_only_touches_2027_on_the_start_day_is_not_provisional() -> None:
    assert CAL.working_days_between(date(2026, 12, 28), date(2026, 12, 31)) == (3, False)
    assert CAL.working_days_between(date(2026, 12, 31), date(2027, 1, 4))[1] is True


def test_overrides_win_over_the_official_schedule() -> None:
    calendar = WorkingCalendar(
        overrides={date(2021, 10, 8): False, date(2021, 10, 4): True, date(2021, 9, 26): False}
    )
    assert calendar.is_workday(date(2021, 10, 8)) is False
    assert calendar.is_workday(date(2021, 10, 4)) is True
    # 11 official days, minus 10/8 and 9/26, plus 10/4.
    assert calendar.working_days_between(date(2021, 9, 17), date(2021, 10, 10)) == (10, False)


def test_an_override_in_a_provisional_year_is_authoritative() -> None:
    calendar = WorkingCalendar(overrides={date(2027, 3, 2): False})
    assert calendar.lookup(date(2027, 3, 2)) == (False, False)
    assert calendar.working_days_between(date(2027, 3, 1), date(2027, 3, 2)) == (0, False)
