"""Due-date computations per second (issue 4: at least 100,000 per second).

Random starts over 2004-2098, limits of 5-60 days, working and calendar units, without and with
two clock stops, all through ``WorkingCalendar.due`` (pause validation included). The baseline
is the rule read literally, one day at a time, measured in the same run on the first
``--baseline`` inputs (its results are also checked against the fast ones).

    .venv/bin/python bench/due_dates.py [--n 200000] [--baseline 20000] [--seed 4]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from approvals.timekeeping.calendar import Due, Pause, WorkingCalendar

LIMITS = (5, 10, 15, 20, 30, 60)
Case = tuple[date, int, list[Pause]]


def make_cases(rng: random.Random, n: int, pauses: int) -> list[Case]:
    first = date(2004, 1, 1)
    cases = []
    for _ in range(n):
        start = first + timedelta(days=rng.randint(0, 34_500))
        stops, cursor = [], start
        for _ in range(pauses):
            begin = cursor + timedelta(days=rng.randint(1, 20))
            end = begin + timedelta(days=rng.randint(1, 30))
            stops.append(Pause(begin, end))
            cursor = end
        cases.append((start, rng.choice(LIMITS), stops))
    return cases


def naive_due(calendar: WorkingCalendar, start: date, limit: int, unit: str, pauses) -> Due:
    """Day by day: count each day after the start that is not paused (and is a working day
    for working-day limits) until the limit is reached; calendar-day limits then move to the
    next working day."""
    if limit == 0:
        return Due(start, False)
    day, used, guessed = start, 0, False
    while used < limit:
        day += timedelta(days=1)
        if any(p.start < day <= p.end for p in pauses):
            continue
        if unit == "calendar":
            used += 1
            continue
        working, provisional = calendar.lookup(day)
        if working:
            used += 1
            guessed |= provisional
    if unit == "calendar":
        while True:
            working, provisional = calendar.lookup(day)
            guessed |= provisional
            if working:
                break
            day += timedelta(days=1)
    return Due(day, guessed)


def rate(run, cases: list[Case]) -> tuple[float, list[Due]]:
    began = time.perf_counter()
    results = [run(start, limit, stops) for start, limit, stops in cases]
    return len(cases) / (time.perf_counter() - began), results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    calendar = WorkingCalendar()
    began = time.perf_counter()
    index = calendar.index()
    built = time.perf_counter() - began
    days = len(index.work)
    print(
        f"index: {days:,} days (2004-01-01..2099-12-31), {index.nbytes / 1024:,.0f} KiB, "
        f"built in {built * 1000:.1f} ms"
    )
    print(f"inputs: {args.n:,} per row; baseline on the first {args.baseline:,}")
    print(f"{'unit':<9}{'pauses':>7}{'due/s':>14}{'naive/s':>12}{'ratio':>9}")
    for unit in ("working", "calendar"):
        for pauses in (0, 2):
            cases = make_cases(rng, args.n, pauses)
            fast, results = rate(lambda s, n, p, u=unit: calendar.due(s, n, u, p), cases)
            sample = cases[: args.baseline]
            slow, expected = rate(lambda s, n, p, u=unit: naive_due(calendar, s, n, u, p), sample)
            if results[: len(expected)] != expected:
                raise SystemExit(f"MISMATCH between the index and the day-by-day count ({unit})")
            print(f"{unit:<9}{pauses:>7}{fast:>14,.0f}{slow:>12,.0f}{fast / slow:>8.0f}x")


if __name__ == "__main__":
    main()
