"""The statutory clock (DESIGN.md, "The statutory clock"): used days and due dates over the
official schedule, pauses, calendar-day limits, the provisional fallback and overrides.

Every expected date below is counted by hand; the 2021 schedule (chinese-calendar 1.11.0):
holidays 1/1-1/3, 2/11-2/17, 4/3-4/5, 5/1-5/5, 6/12-6/14, 9/19-9/21, 10/1-10/7; make-up
working days Sun 2/7, Sat 2/20, Sun 4/25, Sat 5/8, Sat 9/18, Sun 9/26, Sat 10/9.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from approvals.catalogue.schema import DayUnit
from approvals.errors import InvalidInput
from approvals.timekeeping.calendar import (
    Count,
    Due,
    Pause,
    WorkingCalendar,
    parse_day,
    parse_pause,
    validate_pauses,
)

W, C = DayUnit.WORKING, DayUnit.CALENDAR
CAL = WorkingCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


def p(text: str) -> Pause:
    return parse_pause(text)


# --- the official schedule ------------------------------------------------------------------


def test_the_issue_example_mid_autumn_and_national_day_2021() -> None:
    # Fri 9/17 → 9/18 Sat make-up (1); 9/19-21 off; 9/22-24 (4); 9/26 Sun make-up (5);
    # 9/27-30 (9); 10/1-7 off; 10/8 (10); 10/9 Sat make-up (11); 10/11-14 (15).
    assert CAL.due(d("2021-09-17"), 15, W) == Due(d("2021-10-14"), False)
    assert CAL.add_working_days(d("2021-09-17"), 15) == Due(d("2021-10-14"), False)
    assert CAL.used(d("2021-09-17"), d("2021-10-14"), W) == Count(15, False)
    assert CAL.used(d("2021-09-17"), d("2021-10-13"), W) == Count(14, False)
    assert CAL.used(d("2021-09-17"), d("2021-10-07"), W) == Count(9, False)


def test_spring_festival_2021() -> None:
    # Wed 2/3 → 2/4 Thu (1), 2/5 Fri (2), 2/6 Sat off, 2/7 Sun make-up (3), 2/8-10 (6),
    # 2/11-17 off, 2/18 Thu (7), 2/19 Fri (8), 2/20 Sat make-up (9), 2/21 Sun off, 2/22 Mon (10).
    assert CAL.due(d("2021-02-03"), 10, W) == Due(d("2021-02-22"), False)
    assert CAL.used(d("2021-02-03"), d("2021-02-17"), W) == Count(6, False)
    assert CAL.used(d("2021-02-03"), d("2021-02-21"), W) == Count(9, False)
    # A period starting inside the festival: its first working day is Thu 2/18.
    assert CAL.due(d("2021-02-12"), 1, W) == Due(d("2021-02-18"), False)


def test_the_start_day_does_not_count_and_today_does() -> None:
    assert CAL.used(d("2021-11-01"), d("2021-11-01"), W) == Count(0, False)
    assert CAL.used(d("2021-11-01"), d("2021-11-02"), W) == Count(1, False)
    assert CAL.used(d("2021-11-05"), d("2021-11-01"), W) == Count(0, False)  # today before start
    assert CAL.used(d("2021-11-01"), d("2021-11-08"), C) == Count(7, False)


# --- pauses ----------------------------------------------------------------------------------


def test_the_day_a_pause_starts_counts_the_day_it_ends_does_not() -> None:
    # Mon 11/1, 5 working days: 11/2 (1), 11/3 (2, the pause's first day counts),
    # 11/4-11/5 paused (the pause ends on 11/5, which does not count), 11/8-10 (3-5).
    pause = [p("2021-11-03:2021-11-05")]
    assert CAL.used(d("2021-11-01"), d("2021-11-05"), W, pause) == Count(2, False)
    assert CAL.used(d("2021-11-01"), d("2021-11-08"), W, pause) == Count(3, False)
    assert CAL.due(d("2021-11-01"), 5, W, pause) == Due(d("2021-11-10"), False)
    # Calendar days: 7 days to 11/8, two of them (11/4, 11/5) paused.
    assert CAL.used(d("2021-11-01"), d("2021-11-08"), C, pause) == Count(5, False)


def test_a_pause_over_the_would_be_due_date_pushes_it() -> None:
    # Without a pause: Mon 11/8. Paused (11/7, 11/9]: 11/8 and 11/9 do not count → Wed 11/10.
    assert CAL.due(d("2021-11-01"), 5, W) == Due(d("2021-11-08"), False)
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-11-07:2021-11-09")]) == Due(
        d("2021-11-10"), False
    )
    # A pause starting on the due date itself leaves it: that day still counts.
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-11-08:2021-11-12")]) == Due(
        d("2021-11-08"), False
    )
    # A pause ending on the due date: 11/6-11/8 do not count → Tue 11/9.
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-11-05:2021-11-08")]) == Due(
        d("2021-11-09"), False
    )


def test_several_pauses_in_any_order_and_touching_pauses() -> None:
    pauses = [p("2021-11-09:2021-11-11"), p("2021-11-03:2021-11-05")]
    # 11/2 (1), 11/3 (2), [11/4, 11/5 paused], 11/8 (3), 11/9 (4), [11/10, 11/11 paused],
    # 11/12 (5).
    assert CAL.due(d("2021-11-01"), 5, W, pauses) == Due(d("2021-11-12"), False)
    touching = [p("2021-11-03:2021-11-05"), p("2021-11-05:2021-11-09")]
    # 11/2 (1), 11/3 (2), paused 11/4-11/9, 11/10 (3), 11/11 (4), 11/12 (5).
    assert CAL.due(d("2021-11-01"), 5, W, touching) == Due(d("2021-11-12"), False)


def test_a_pause_reaching_back_before_the_start_counts_only_its_days_after_the_start() -> None:
    # (10/25, 11/3] ∩ (11/1, …) = 11/2, 11/3 → 11/4, 11/5, 11/8, 11/9, 11/10.
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-10-25:2021-11-03")]) == Due(
        d("2021-11-10"), False
    )
    # Entirely before the start, or after today: no effect.
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-10-01:2021-10-20")]) == Due(
        d("2021-11-08"), False
    )
    assert CAL.used(d("2021-11-01"), d("2021-11-05"), W, [p("2021-11-05:2021-11-20")]) == Count(
        4, False
    )


def test_a_pause_over_a_calendar_day_limit() -> None:
    # Mon 11/1 + 10 calendar days = Thu 11/11; paused (11/3, 11/5] adds 2 → Sat 11/13 → Mon 11/15.
    assert CAL.due(d("2021-11-01"), 10, C) == Due(d("2021-11-11"), False)
    assert CAL.due(d("2021-11-01"), 10, C, [p("2021-11-03:2021-11-05")]) == Due(
        d("2021-11-15"), False
    )


# --- calendar-day limits ------------------------------------------------------------------------


def test_a_calendar_day_limit_ending_on_a_sunday_moves_to_monday() -> None:
    assert CAL.due(d("2021-11-01"), 6, C) == Due(d("2021-11-08"), False)  # Sun 11/7 → Mon


def test_a_calendar_day_limit_ending_in_the_national_day_week_moves_past_it() -> None:
    # 9/17 + 15 = Sat 10/2 (holiday) → Fri 10/8; + 14 = 10/1 → 10/8 as well.
    assert CAL.due(d("2021-09-17"), 15, C) == Due(d("2021-10-08"), False)
    assert CAL.due(d("2021-09-17"), 14, C) == Due(d("2021-10-08"), False)


def test_a_calendar_day_limit_ending_on_a_make_up_saturday_stays() -> None:
    assert CAL.due(d("2021-09-17"), 1, C) == Due(d("2021-09-18"), False)
    assert CAL.due(d("2021-09-30"), 9, C) == Due(d("2021-10-09"), False)


def test_a_limit_of_zero_is_due_at_the_start() -> None:
    assert CAL.due(d("2021-10-02"), 0, W) == Due(d("2021-10-02"), False)
    assert CAL.due(d("2021-10-02"), 0, C) == Due(d("2021-10-02"), False)
    assert CAL.due(d("2027-10-02"), 0, W) == Due(d("2027-10-02"), False)


# --- the provisional fallback ---------------------------------------------------------------


def test_2027_results_are_provisional() -> None:
    # Mon 2027-03-01 + 5 working days: Tue-Fri and Mon 3/8.
    assert CAL.due(d("2027-03-01"), 5, W) == Due(d("2027-03-08"), True)
    assert CAL.used(d("2027-03-01"), d("2027-03-08"), W) == Count(5, True)


def test_the_fallback_treats_2027_10_01_to_03_as_holidays() -> None:
    # Thu 9/30 + 3: Fri 10/1 off (国庆), Sat/Sun off, Mon 10/4 (1), Tue 10/5 (2), Wed 10/6 (3).
    assert CAL.due(d("2027-09-30"), 3, W) == Due(d("2027-10-06"), True)
    for day in ("2027-10-01", "2027-10-02", "2027-10-03"):
        assert CAL.lookup(d(day)) == (False, True)
    assert CAL.lookup(d("2027-01-01")) == (False, True)
    assert CAL.lookup(d("2027-05-03")) == (True, True)  # Monday; the notice may well differ
    # Calendar days: 9/20 + 11 = Fri 10/1 (fallback holiday) → Mon 10/4.
    assert CAL.due(d("2027-09-20"), 11, C) == Due(d("2027-10-04"), True)


def test_provisional_only_when_a_2027_day_was_used() -> None:
    assert CAL.due(d("2026-12-30"), 1, W) == Due(d("2026-12-31"), False)
    assert CAL.due(d("2026-12-31"), 1, W) == Due(d("2027-01-04"), True)  # 1/1 is 元旦
    # Calendar days only look the due day up: a 2026 working day is not provisional.
    assert CAL.due(d("2026-12-20"), 10, C).provisional is False
    # Used calendar days never look a day up.
    assert CAL.used(d("2027-03-01"), d("2027-03-08"), C) == Count(7, False)
    # A 2027 stretch entirely inside a pause was never looked up.
    pause = [p("2026-12-31:2027-01-08")]
    assert CAL.used(d("2026-12-28"), d("2027-01-08"), W, pause) == Count(3, False)


# --- overrides --------------------------------------------------------------------------------


def test_overrides_beat_the_official_schedule() -> None:
    # A local closure on Tue 10/12 and the make-up Saturday 9/18 cancelled.
    calendar = WorkingCalendar({d("2021-10-12"): False, d("2021-09-18"): False})
    assert calendar.due(d("2021-09-17"), 15, W) == Due(d("2021-10-18"), False)
    assert calendar.due(d("2021-09-17"), 1, W) == Due(d("2021-09-22"), False)
    # Calendar-day limits move past an overridden day too: 10/11 + 1 = 10/12 → 10/13.
    assert calendar.due(d("2021-10-11"), 1, C) == Due(d("2021-10-13"), False)
    # The shared calendar is untouched.
    assert CAL.due(d("2021-09-17"), 15, W) == Due(d("2021-10-14"), False)


def test_overrides_beat_the_fallback_and_are_not_provisional() -> None:
    calendar = WorkingCalendar({d("2027-10-01"): True})
    assert calendar.due(d("2027-09-30"), 1, W) == Due(d("2027-10-01"), False)
    # A whole loaded week: nothing provisional left in it.
    week = {d("2027-03-01") + timedelta(days=i): i % 7 < 5 for i in range(1, 8)}
    week[d("2027-03-03")] = False  # a loaded holiday on Wed 3/3
    calendar = WorkingCalendar(week)
    assert calendar.due(d("2027-03-01"), 4, W) == Due(d("2027-03-08"), False)
    assert calendar.used(d("2027-03-01"), d("2027-03-08"), W) == Count(4, False)
    assert calendar.working_days_between(d("2027-03-01"), d("2027-03-08")) == (4, False)
    # One day further is the fallback again.
    assert calendar.due(d("2027-03-01"), 5, W) == Due(d("2027-03-09"), True)


# --- aware datetimes are Shanghai dates --------------------------------------------------------


def test_an_aware_datetime_is_taken_as_its_shanghai_date() -> None:
    # 2021-09-16 17:00 UTC is 2021-09-17 01:00 in Zhengzhou.
    start = datetime(2021, 9, 16, 17, 0, tzinfo=UTC)
    assert CAL.due(start, 15, W) == Due(d("2021-10-14"), False)  # type: ignore[arg-type]


# --- consistency with a day-by-day count --------------------------------------------------------


def _naive_used(calendar: WorkingCalendar, start: date, today: date, unit: str, pauses) -> Count:
    """The rule read literally, one day at a time (``lookup`` does not use the index)."""
    count, guessed, day = 0, False, start + timedelta(days=1)
    while day <= today:
        if not any(pause.start < day <= pause.end for pause in pauses):
            if unit == C:
                count += 1
            else:
                working, provisional = calendar.lookup(day)
                count += working
                guessed |= provisional
        day += timedelta(days=1)
    return Count(count, guessed)


def _random_pauses(rng: random.Random, start: date) -> list[Pause]:
    pauses, cursor = [], start - timedelta(days=rng.randint(0, 10))
    for _ in range(rng.randint(0, 3)):
        begin = cursor + timedelta(days=rng.randint(0, 20))
        end = begin + timedelta(days=rng.randint(0, 15))
        pauses.append(Pause(begin, end))
        cursor = end
    rng.shuffle(pauses)
    return pauses


@pytest.mark.parametrize("with_overrides", [False, True], ids=["packaged", "overrides"])
def test_used_and_due_agree_with_each_other_and_with_a_day_by_day_count(
    with_overrides: bool,
) -> None:
    rng = random.Random(20211014)
    overrides = {}
    if with_overrides:  # scattered over 2021-2029, official and fallback years alike
        for _ in range(300):
            overrides[d("2021-10-08") + timedelta(days=rng.randint(0, 3000))] = rng.random() < 0.5
    calendar = WorkingCalendar(overrides)
    for _ in range(400):
        start = date(2004, 1, 1) + timedelta(days=rng.randint(0, 34000))
        limit = rng.choice([0, 1, 2, 5, 10, 15, 20, 30, 60, rng.randint(0, 120)])
        unit = rng.choice([W, C])
        pauses = _random_pauses(rng, start)
        due = calendar.due(start, limit, unit, pauses)
        case = (start, limit, unit, pauses, due)
        if limit == 0:
            assert due.day == start, case
            continue
        used = calendar.used(start, due.day, unit, pauses)
        assert used == _naive_used(calendar, start, due.day, unit, pauses), case
        assert calendar.is_workday(due.day), case
        if unit == W:
            before = calendar.used(start, due.day - timedelta(days=1), unit, pauses)
            assert before.days < limit, case
            assert used == Count(limit, due.provisional), case
            continue
        # Calendar days: the first day reaching the limit, then only non-working days up to
        # the due date.
        raw = due.day
        while calendar.used(start, raw - timedelta(days=1), unit, pauses).days >= limit:
            raw -= timedelta(days=1)
        assert calendar.used(start, raw, unit, pauses).days == limit, case
        skipped = [raw + timedelta(days=i) for i in range((due.day - raw).days)]
        assert not any(calendar.is_workday(day) for day in skipped), case


def test_used_working_days_equal_working_days_between() -> None:
    rng = random.Random(7)
    for _ in range(300):
        start = date(2004, 1, 1) + timedelta(days=rng.randint(0, 34000))
        today = start + timedelta(days=rng.randint(-5, 400))
        count = CAL.used(start, today, W)
        assert (count.days, count.provisional) == CAL.working_days_between(start, today)


# --- bad input ---------------------------------------------------------------------------------


def _refused(call, *fragments: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call()
    error = caught.value
    assert error.message_zh and error.message_en
    for fragment in fragments:
        assert fragment in error.message_zh + error.message_en
    return error


def test_a_pause_ending_before_it_starts_is_refused() -> None:
    error = _refused(lambda: Pause(d("2021-10-08"), d("2021-10-01")), "早于", "before")
    assert "2021-10-01" in error.message_en
    _refused(lambda: parse_pause("2021-10-08:2021-10-01"), "早于")
    # The same day twice is an empty pause, not an error.
    assert CAL.due(d("2021-11-01"), 5, W, [p("2021-11-03:2021-11-03")]).day == d("2021-11-08")


def test_overlapping_pauses_are_refused() -> None:
    pauses = [p("2021-11-03:2021-11-06"), p("2021-11-05:2021-11-09")]
    _refused(lambda: validate_pauses(pauses), "重叠", "overlap")
    _refused(lambda: CAL.due(d("2021-11-01"), 5, W, pauses), "重叠")
    _refused(lambda: CAL.used(d("2021-11-01"), d("2021-11-09"), W, pauses), "overlap")
    inner = [p("2021-11-03:2021-11-09"), p("2021-11-04:2021-11-05")]
    _refused(lambda: validate_pauses(inner), "重叠")


def test_negative_days_are_refused() -> None:
    _refused(lambda: CAL.due(d("2021-11-01"), -1, W), "负数", "negative")
    _refused(lambda: CAL.due(d("2021-11-01"), -1, C), "负数")


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.due(d("2003-12-31"), 5, W),
        lambda: CAL.used(d("2003-06-01"), d("2004-06-01"), W),
        lambda: CAL.used(d("2099-12-01"), d("2100-01-02"), C),
        lambda: CAL.due(d("2021-11-01"), 5, W, [p("2003-12-01:2021-11-03")]),
        lambda: CAL.due(d("2099-12-01"), 100, W),
        lambda: CAL.due(d("2099-12-30"), 5, C),
    ],
    ids=["start-2003", "used-2003", "today-2100", "pause-2003", "due-after-2099", "cal-2099"],
)
def test_days_outside_2004_to_2099_are_refused(call) -> None:
    _refused(call, "2099")


@pytest.mark.parametrize("text", ["2021-02-30", "2021-13-01", "2021/02/03", "20210203", "", "x"])
def test_days_that_do_not_exist_are_refused(text: str) -> None:
    _refused(lambda: parse_day(text), "YYYY-MM-DD")


@pytest.mark.parametrize("text", ["2021-10-01", "2021-10-01:2021-10-08:2021-10-09", "a:b"])
def test_malformed_pauses_are_refused(text: str) -> None:
    _refused(lambda: parse_pause(text), "YYYY-MM-DD")


def test_an_unknown_unit_is_refused() -> None:
    _refused(lambda: CAL.due(d("2021-11-01"), 5, "weeks"), "working", "calendar")
    _refused(lambda: CAL.used(d("2021-11-01"), d("2021-11-05"), "weeks"), "working")
