"""Issue 4, "Speed": the statutory clock and the auditor's report at a million cases.

On a scratch PostgreSQL database (random name, dropped at the end unless --keep), migrated with
``migrations.runner.upgrade`` and loaded by ``bench/datagen.py`` with N decided and M open cases:

1. the bureau-wide ``turnaround_report`` over the N decided cases (target < 1 s); baselines in
   the same run: the same queries with index scans off, and the naive query (``percentile_cont``
   per item, GROUP BY on the full table, sequential scan), whose figures must equal the report's;
2. ``refresh_warnings`` (the deadline sweep's core) over the M open cases (target < 5 s): the
   first run, which writes most rows (committed, then repeated from the generated state when it
   takes under 10 s; stopped after --sweep-budget seconds with its time projected from the rows
   written so far when it is slower), the steady-state rerun, which writes none, and the next
   working day's sweep (rolled back); baselines: the same sweep on a calendar that counts day by
   day (``bench/due_dates.naive_due`` and its ``used`` twin), and the obvious per-case variant
   (two queries per case, ``timekeeping.case_clock.state_of``), each run once in steady state and
   required to reach the same results; ``deemed_acceptance_due`` rides along;
3. due-date computations per second (target ≥ 100,000/s), measured as ``bench/due_dates.py``
   does (its inputs, its day-by-day baseline, its cross-check).

Timings are medians of --runs runs after one warm-up (baselines slower than a few seconds run
once). Needs PostgreSQL on 127.0.0.1:5432 with trust auth, as the tests do.

    .venv/bin/python bench/turnaround_1m.py                             # 1,000,000 + 100,000
    .venv/bin/python bench/turnaround_1m.py --cases 20000 --open 5000   # about 40 s
    options: --runs 5  --keep  --database-url postgresql+psycopg://user@host:port
             --sweep-budget 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import datagen
from due_dates import make_cases, naive_due, rate
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.casework.deadlines import SweepCounts, deemed_acceptance_due, refresh_warnings
from approvals.catalogue import Catalogue, DayUnit, shared_catalogue
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL
from approvals.reports.turnaround import ReportFilter, TurnaroundReport, turnaround_report
from approvals.timekeeping.calendar import Count, Due, WorkingCalendar
from approvals.timekeeping.case_clock import state_of
from core.db import make_engine
from migrations.runner import upgrade
from models import Application, Status

TODAY = date(2026, 12, 1)  # the sweep's day; decided cases run from 2021-01-01 to the day before
REPORT_TARGET = 1.0  # seconds
SWEEP_TARGET = 5.0  # seconds
DUE_TARGET = 100_000  # per second
LONG = 2 * SWEEP_TARGET  # a first sweep slower than this is measured once, not --runs times
SLOW = 3.0  # a baseline slower than this (seconds) runs once, not --runs times
INDEX = "ix_application_turnaround_report"

verdicts: list[tuple[str, str, str, bool]] = []  # (figure, size, target, met)


def verdict(figure: str, size: str, target: str, met: bool) -> str:
    verdicts.append((figure, size, target, met))
    return f"{target}  {'PASS' if met else 'MISS'}"


def seconds(value: float) -> str:
    return f"{value * 1000:8.1f} ms" if value < 1 else f"{value:8.2f} s "


CPU = {"last": 0.0}  # this process's CPU seconds of the last figure (the machine may be shared)


def median_of(run: Callable[[], Any], runs: int, between: Callable[[], None] | None = None):  # type: ignore[no-untyped-def]
    """Median wall time of ``runs`` calls after one warm-up, and the last call's result."""
    samples, cpu, result = [], [], None
    for i in range(runs + 1):
        if between is not None:
            between()
        began, began_cpu = time.perf_counter(), time.process_time()
        result = run()
        if i:
            samples.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    CPU["last"] = statistics.median(cpu)
    return statistics.median(samples), result


def once(run: Callable[[], Any]):  # type: ignore[no-untyped-def]
    began, began_cpu = time.perf_counter(), time.process_time()
    result = run()
    CPU["last"] = time.process_time() - began_cpu
    return time.perf_counter() - began, result


def cpu_note() -> str:
    return f"(Python CPU {CPU['last']:.2f} s)"


# --- (1) the turnaround report -------------------------------------------------------------------


@contextmanager
def transaction(engine: Engine, *settings: str) -> Iterator[Session]:
    """A session in a transaction with ``SET LOCAL`` settings, rolled back at the end."""
    with Session(engine) as session:
        for setting in settings:
            session.execute(text(f"SET LOCAL {setting}"))
        try:
            yield session
        finally:
            session.rollback()


NO_INDEX = ("enable_indexscan = off", "enable_indexonlyscan = off", "enable_bitmapscan = off")


def timed_report(engine: Engine, catalogue: Catalogue, *settings: str) -> Callable[[], Any]:
    def run() -> TurnaroundReport:
        with transaction(engine, *settings) as session:
            return turnaround_report(session, catalogue, ReportFilter())

    return run


def _limits(catalogue: Catalogue) -> str:
    def sql(value: object) -> str:
        return "NULL" if value is None else str(value)

    rows = [
        f"('{i.code}', {sql(i.statutory.days)}, {i.statutory.unit is DayUnit.CALENDAR}, "
        f"{sql(i.promised.days)}, {i.promised.unit is DayUnit.CALENDAR})"
        for i in catalogue.items
    ]
    return "(VALUES " + ", ".join(rows) + ") AS lim(code, s_days, s_cal, p_days, p_cal)"


def naive_sql(catalogue: Catalogue) -> str:
    """The report as one would first write it: ordered-set aggregates per item (and overall)
    over the decided rows of the whole table."""

    def within(days: str, calendar: str) -> str:
        judged = f"CASE WHEN lim.{calendar} THEN a.turnaround_calendar_days ELSE w END"
        return f"count(*) FILTER (WHERE lim.{days} IS NOT NULL AND {judged} <= lim.{days})"

    return f"""
    SELECT coalesce(a.item_code, '') AS code, count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY w),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY w), max(w),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY c), max(c),
           {within("s_days", "s_cal")}, count(lim.s_days),
           {within("p_days", "p_cal")}, count(lim.p_days)
    FROM (SELECT *, turnaround_working_days AS w, turnaround_calendar_days AS c
          FROM application) AS a
    LEFT JOIN {_limits(catalogue)} ON lim.code = a.item_code
    WHERE a.decided_on IS NOT NULL AND a.turnaround_working_days IS NOT NULL
    GROUP BY GROUPING SETS ((a.item_code), ())
    """


def timed_naive(engine: Engine, catalogue: Catalogue) -> Callable[[], Any]:
    query = text(naive_sql(catalogue))

    def run() -> dict[str, tuple[Any, ...]]:
        with transaction(engine, *NO_INDEX) as session:
            return {row[0]: tuple(row[1:]) for row in session.execute(query)}

    return run


def same_figures(report: TurnaroundReport, naive: dict[str, tuple[Any, ...]]) -> list[str]:
    """Where the report and the naive query disagree (empty: every figure equal)."""

    def rounded(value: Any) -> Any:
        return None if value is None else round(float(value), 2)

    problems = []
    rows = [*report.items, report.overall]
    for row in rows:
        mine = (
            row.count,
            row.median_working_days,
            row.p90_working_days,
            row.max_working_days,
            row.median_calendar_days,
            row.p90_calendar_days,
            row.max_calendar_days,
        )
        other = naive.get(row.item_code)
        if other is None:
            problems.append(f"{row.item_code or 'overall'}: missing in the naive result")
            continue
        theirs = (other[0], *(rounded(v) for v in other[1:3]), other[3])
        theirs += (*(rounded(v) for v in other[4:6]), other[6])
        shares = (row.within_statutory, row.statutory_counted)
        shares += (row.within_promised, row.promised_counted)
        if (*(rounded(v) for v in mine), *shares) != (*(rounded(v) for v in theirs), *other[7:]):
            problems.append(f"{row.item_code or 'overall'}: {mine + shares} != {other}")
    if len(naive) != len(rows):
        problems.append(f"{len(naive)} naive rows, {len(rows)} report rows")
    return problems


def captured_sql(engine: Engine, run: Callable[[], Any]) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return statements


def plan_summary(engine: Engine, statement: str, parameters: Any) -> str:
    """The scans of one query's actual plan, e.g. "Index Only Scan using ix_… (heap fetches 0)"."""
    with engine.connect() as conn:
        raw = conn.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
        ).scalar_one()
        conn.rollback()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    scans, aggregates = [], []

    def walk(node: dict[str, Any]) -> None:
        kind = node["Node Type"]
        if "Scan" in kind:
            where = f" using {node['Index Name']}" if "Index Name" in node else ""
            fetches = f", heap fetches {node['Heap Fetches']}" if "Heap Fetches" in node else ""
            workers = node.get("Workers Launched")
            scans.append(f"{kind}{where} on {node.get('Relation Name')}{fetches}")
            if workers:
                scans[-1] += f", {workers} workers"
        elif "Aggregate" in kind:
            aggregates.append(node.get("Strategy", kind))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    total = plan["Execution Time"] / 1000
    return f"{'; '.join(scans)}; {'/'.join(dict.fromkeys(aggregates))} aggregate; {total:.3f} s"


def bench_report(engine: Engine, catalogue: Catalogue, decided: int, runs: int) -> None:
    size = f"{decided:,} decided cases"
    print(f"\n(1) bureau-wide turnaround report over {size} (median of {runs} runs, 1 warm-up)")
    fast, report = median_of(timed_report(engine, catalogue), runs)
    print(
        f"  turnaround_report (histograms, covering index)      {seconds(fast)}   "
        + verdict("turnaround report", size, "target < 1 s", fast < REPORT_TARGET)
    )
    for statement, parameters in captured_sql(engine, timed_report(engine, catalogue)):
        print(f"    plan: {plan_summary(engine, statement, parameters)}")
    no_index, _ = median_of(timed_report(engine, catalogue, *NO_INDEX), runs)
    print(f"  the same queries, index scans off                   {seconds(no_index)}", end="")
    print(f"   report ×{no_index / fast:.1f} faster")
    naive_run = timed_naive(engine, catalogue)
    first, naive = once(naive_run)
    naive_time = first if first > SLOW else median_of(naive_run, runs)[0]
    print(f"  baseline: percentile_cont per item, GROUP BY, seq scan {seconds(naive_time)}", end="")
    print(f"   report ×{naive_time / fast:.1f} faster")
    problems = same_figures(report, naive)
    items = len(report.items)
    print(
        f"  figures ({items} items + overall: count, median, p90, max, within limits) "
        + ("equal to the baseline's" if not problems else "DIFFER: " + "; ".join(problems[:3]))
    )


# --- (2) the deadline sweep ----------------------------------------------------------------------


class DayByDayCalendar(WorkingCalendar):
    """The clock rule read literally, one day at a time (no prefix sums): the "before"."""

    __slots__ = ()

    def due(self, start: date, limit: int, unit: Any, pauses: Any = ()) -> Due:
        return naive_due(self, start, limit, unit, list(pauses))

    def used(self, start: date, today: date, unit: Any, pauses: Any = ()) -> Count:
        days, guessed, day = 0, False, start
        while day < today:
            day += timedelta(days=1)
            if any(p.start < day <= p.end for p in pauses):
                continue
            working, provisional = self.lookup(day)
            if unit == DayUnit.CALENDAR:
                days += 1
            else:
                days += working
                guessed |= provisional
        return Count(days, guessed)

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        counted = self.used(start, end, DayUnit.WORKING)
        return counted.days, counted.provisional


def per_case_sweep(
    session: Session, calendar: WorkingCalendar, catalogue: Catalogue, today: date
) -> SweepCounts:
    """The sweep written the obvious way: every open case loaded, then per case its pauses and
    open step queried (``timekeeping.case_clock.state_of``) and any change written by the ORM."""
    open_statuses = [s for s in Status if s not in FINAL and s is not Status.DRAFT]
    query = select(Application).where(col(Application.status).in_(open_statuses))
    cases = session.exec(query).all()
    changed = 0
    for case in cases:
        state = state_of(session, calendar, item_of(session, case), case, today)
        if (state.due_on, state.warning, state.provisional) != (
            case.due_on,
            case.warning,
            case.due_provisional,
        ):
            case.due_on, case.warning = state.due_on, state.warning
            case.due_provisional = state.provisional
            changed += 1
    session.flush()
    return SweepCounts(len(cases), changed)


def sweep(
    engine: Engine,
    catalogue: Catalogue,
    calendar: WorkingCalendar | None = None,
    *,
    commit: bool = False,
    variant: Callable[..., SweepCounts] = refresh_warnings,
    today: date = TODAY,
) -> Callable[[], SweepCounts]:
    def run() -> SweepCounts:
        with Session(engine) as session:
            counts = variant(session, calendar or WorkingCalendar(), catalogue, today)
            if commit:
                session.commit()
            else:
                session.rollback()
        return counts

    return run


RESET = (
    "UPDATE application SET due_on = NULL, warning = 'none', due_provisional = false "
    "WHERE decided_on IS NULL"
)  # the open cases as generated: nothing cached yet


class OutOfTime(Exception):
    """The run went past its time budget (raised at its next SQL statement)."""


@dataclass
class Watch:
    """Counts a run's UPDATE statements and stops the run at its first statement after the
    budget (its transaction is then rolled back)."""

    budget: float
    began: float = 0.0
    updates: int = 0  # UPDATE statements sent (an executemany counts its rows)
    stopped: bool = False

    def listen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if time.perf_counter() - self.began > self.budget:
            self.stopped = True
            raise OutOfTime
        if statement.lstrip().upper().startswith("UPDATE"):
            self.updates += len(parameters) if executemany else 1


def budgeted(engine: Engine, run: Callable[[], SweepCounts], budget: float):  # type: ignore[no-untyped-def]
    """(elapsed, counts or None when stopped, watch)."""
    watch = Watch(budget, time.perf_counter())
    began_cpu = time.process_time()
    event.listen(engine, "before_cursor_execute", watch.listen)
    try:
        counts = run()
    except Exception:
        if not watch.stopped:
            raise
        counts = None
    finally:
        event.remove(engine, "before_cursor_execute", watch.listen)
    CPU["last"] = time.process_time() - began_cpu
    return time.perf_counter() - watch.began, counts, watch


def bench_sweep(
    engine: Engine, catalogue: Catalogue, opened: int, runs: int, budget: float
) -> None:
    size = f"{opened:,} open cases"
    print(f"\n(2) deadline sweep (refresh_warnings) over {size}, today {TODAY.isoformat()}")

    def reset() -> None:
        with Session(engine) as session:
            session.execute(text(RESET))
            session.commit()
        datagen.vacuum_analyze(engine, "application")

    reset()
    first, counts, watch = budgeted(engine, sweep(engine, catalogue, commit=True), budget)
    if counts is None:  # stopped: reach the steady state the obvious way, which also counts
        made, counts = once(sweep(engine, catalogue, commit=True, variant=per_case_sweep))
        rate_ = watch.updates / first if watch.updates else 0.0
        projected = f"{counts.changed / rate_:,.0f} s" if rate_ else "unknown"
        print(
            f"  first run: STOPPED after its {budget:.0f} s budget, having written "
            f"{watch.updates:,} of the {counts.changed:,} rows it must write "
            f"({1000 / rate_ if rate_ else float('nan'):.1f} ms per row): projected {projected}   "
            + verdict("sweep, first run", size, "target < 5 s", False)
        )
        print(
            f"    (steady state reached with the per-case variant instead: {counts.changed:,} "
            f"rows written in {made:.1f} s)"
        )
    else:
        repeated = first <= LONG
        if repeated:
            run = sweep(engine, catalogue, commit=True)
            first, counts = median_of(run, runs, between=reset)
        how = f"median of {runs}" if repeated else "once: too slow to repeat"
        print(
            f"  first run, committed (writes {counts.changed:,} of {counts.checked:,}; {how})  "
            f"{seconds(first)}   "
            + verdict("sweep, first run", size, "target < 5 s", first < SWEEP_TARGET)
            + f"  {cpu_note()}"
        )
    datagen.vacuum_analyze(engine, "application")
    steady, counts = median_of(sweep(engine, catalogue), runs)
    print(
        f"  steady-state rerun (writes {counts.changed:,}; median of {runs})        "
        f"{seconds(steady)}   "
        + verdict("sweep, steady state", size, "target < 5 s", steady < SWEEP_TARGET)
        + f"  {cpu_note()}"
    )
    with Session(engine) as session:
        levels = session.execute(
            text(
                "SELECT warning, count(*) FROM application WHERE decided_on IS NULL "
                "GROUP BY warning ORDER BY warning"
            )
        ).all()
    print("    warnings now: " + ", ".join(f"{level} {n:,}" for level, n in levels))
    next_day = TODAY + timedelta(days=1)  # a working day: the nightly sweep of a normal day
    elapsed, counts, watch = budgeted(engine, sweep(engine, catalogue, today=next_day), budget)
    if counts is None:
        per_row = f"{1000 * elapsed / watch.updates:.1f} ms per row" if watch.updates else "-"
        print(
            f"  next day's sweep ({next_day.isoformat()}, rolled back): STOPPED after its "
            f"{budget:.0f} s budget, having written {watch.updates:,} rows ({per_row})"
        )
    else:
        repeated = elapsed <= LONG
        if repeated:
            elapsed, counts = median_of(sweep(engine, catalogue, today=next_day), runs)
        how = f"median of {runs}" if repeated else "once"
        print(
            f"  next day's sweep ({next_day.isoformat()}, writes {counts.changed:,}; rolled back, "
            f"{how})  {seconds(elapsed)}   {cpu_note()}"
        )
    datagen.vacuum_analyze(engine, "application")
    for label, run in (
        ("day-by-day calendar", sweep(engine, catalogue, DayByDayCalendar())),
        ("per-case queries   ", sweep(engine, catalogue, variant=per_case_sweep)),
    ):
        slow, counts = once(run)
        same = "same results" if counts.changed == 0 else f"{counts.changed:,} rows DIFFER"
        print(
            f"  baseline: {label}, steady state (once)  {seconds(slow)}   "
            f"sweep ×{slow / steady:.1f} faster; {same} {cpu_note()}"
        )

    def deemed() -> list[int]:
        with Session(engine) as session:
            return deemed_acceptance_due(session, WorkingCalendar(), TODAY)

    elapsed, due = median_of(deemed, runs)
    print(f"  deemed_acceptance_due (finds {len(due):,} past 5 working days) {seconds(elapsed)}")


# --- (3) due dates -------------------------------------------------------------------------------


def bench_due_dates(runs: int, n: int, baseline: int) -> None:
    print(
        f"\n(3) due dates (bench/due_dates.py inputs: starts 2004-2098, limits 5-60 days), "
        f"{n:,} per row, median of {runs}; day-by-day baseline on {baseline:,}"
    )
    calendar = WorkingCalendar()
    calendar.index()
    rng = random.Random(4)
    worst = float("inf")
    for unit in ("working", "calendar"):
        for pauses in (0, 2):
            cases = make_cases(rng, n, pauses)
            per_second, results = [], []
            for i in range(runs + 1):
                fast, results = rate(lambda s, d, p, u=unit: calendar.due(s, d, u, p), cases)
                if i:
                    per_second.append(fast)
            fast = statistics.median(per_second)
            sample = cases[:baseline]
            slow, expected = rate(lambda s, d, p, u=unit: naive_due(calendar, s, d, u, p), sample)
            if results[: len(expected)] != expected:
                raise SystemExit(f"MISMATCH between the index and the day-by-day count ({unit})")
            worst = min(worst, fast)
            print(
                f"  {unit:<8} unit, {pauses} clock stops  {fast:>11,.0f}/s   "
                f"day by day {slow:>9,.0f}/s   ×{fast / slow:.0f}"
            )
    print(
        f"  slowest variant                  {worst:>11,.0f}/s   "
        + verdict("due dates", f"{n:,} per variant", "target ≥ 100,000/s", worst >= DUE_TARGET)
    )


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="decided cases")
    parser.add_argument("--open", type=int, default=100_000, help="open cases")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--sweep-budget",
        type=float,
        default=LONG,
        help="seconds after which a sweep that writes is stopped (first run: time projected)",
    )
    parser.add_argument(
        "--database-url",
        default=datagen.SERVER_URL,
        help="PostgreSQL server base URL (a scratch database is created there)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the scratch database
    server = args.database_url.rstrip("/")
    name = datagen.scratch_name()
    url = datagen.create_database(server, name)
    engine = make_engine(url)
    catalogue = shared_catalogue()
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        began = time.perf_counter()
        upgrade(engine)
        migrated = time.perf_counter() - began
        print(f"PostgreSQL {version}, scratch database {name}; migrated in {migrated:.1f} s")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
        made = datagen.generate(
            engine, catalogue, cases=args.cases, open_cases=args.open, today=TODAY
        )
        print(
            f"generated {made.decided:,} decided + {made.open:,} open cases, "
            f"{made.pauses:,} clock pauses, {made.steps:,} step records "
            f"in {made.total_seconds:.1f} s"
        )
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in made.seconds.items()))
        with engine.connect() as conn:
            sizes = conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_table_size('application')), "
                    "pg_size_pretty(pg_indexes_size('application')), "
                    f"pg_size_pretty(pg_relation_size('{INDEX}'))"
                )
            ).one()
        print(f"  application: heap {sizes[0]}, indexes {sizes[1]} (of which {INDEX} {sizes[2]})")

        bench_report(engine, catalogue, made.decided, args.runs)
        bench_sweep(engine, catalogue, made.open, args.runs, args.sweep_budget)
        bench_due_dates(args.runs, 50_000, 5_000)

        print(f"\nsummary (load average {os.getloadavg()[0]:.1f} at the end)")
        for figure, size, target, met in verdicts:
            print(f"  {figure:<22} {size:<28} {target:<20} {'PASS' if met else 'MISS'}")
    finally:
        engine.dispose()
        if args.keep:
            print(f"kept: {url}")
        else:
            datagen.drop_database(server, name)


if __name__ == "__main__":
    main()
