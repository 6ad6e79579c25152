"""Issuing on the production topology (tests/topology.py): two API processes behind one
address, two ``eia worker`` processes, a Prefect server, SeaweedFS S3, aiosmtpd, PostgreSQL.

1. serial: sign-offs one at a time, sign-off → mail received (p50/p95), against the in-process
   floor measured in the same run (render + sign + S3 put + SMTP send);
1b. in process, per document (``bench/issuing_steps.py``): wall, CPU and SQL statements of each
   part of an issue: the statements of each step, the WeasyPrint render, the PAdES signing, the
   S3 put, the mail; "render-only" below is the WeasyPrint render alone (no context
   statements, no signing);
1c. idle: CPU-seconds per second each role spends with no work (polling, the sweeps), the
   part of the burst's CPU that grows with its duration, not its size;
2. burst: every remaining sign-off at once (50 client threads): sign-off latency p50/p99, 5xx
   count, documents/s from the first sign-off to the last mail, against the render-only rate of
   one process (× 2 cores) measured in the same run; invariants checked (issued once, gapless,
   one object and one mail each).

    .venv/bin/python bench/issuing.py [--serial 20] [--burst 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from approvals.catalogue import load_catalogue
from approvals.clock import SHANGHAI, FixedClock
from bench import issuing_steps, memory, procstat
from core.db import make_engine
from flows.runtime import Runtime
from mail import build_sender
from migrations.runner import upgrade
from storage import S3Store
from tests.fault_support import issued_invariants
from tests.topology import cases_to_sign, production_topology, wait_issued

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def soak(args, sampler, http, leader, ids, approved, engine, topo) -> None:  # type: ignore[no-untyped-def]
    """Steady sign-offs for ``--soak-minutes`` after the burst (``approved`` cases in all at
    the end), RSS sampled throughout."""
    since = sampler.now()
    load = procstat.load()

    def sign(case_id: int) -> int:
        r = http.post(f"/api/applications/{case_id}/sign", headers=leader, json={})
        return r.status_code

    statuses, took = memory.steady_signoffs(sign, ids, args.soak_rate)
    until = since + took
    assert wait_issued(engine, approved, 1800)
    print(
        f"soak: {len(ids)} sign-offs at {args.soak_rate}/s over {took / 60:.1f} min,"
        f" 5xx {sum(s >= 500 for s in statuses)}, non-200 {sum(s != 200 for s in statuses)};"
        f" load average {load} at the start, {procstat.load()} at the end"
    )
    print("\n".join(memory.report(sampler, since, until)))
    for role in ("worker", "api"):
        pid = (
            topo.pids[role][0] if role == "worker" else memory.api_processes(topo.pids["api"][0])[0]
        )
        print(f"{role} {pid}: where its RSS lies (smaps)")
        print("\n".join(memory.mappings(pid)))
    assert set(statuses) == {200}, "a sign-off of the soak failed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serial", type=int, default=20)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--probe", type=int, default=20, help="sign-offs during the drain")
    parser.add_argument("--profile", type=Path, help="py-spy recordings of the burst, here")
    parser.add_argument("--steps", type=int, default=6, help="cases issued in process, timed")
    parser.add_argument("--idle", type=float, default=65, help="seconds of idle CPU measured")
    parser.add_argument("--soak-minutes", type=float, default=0, help="then steady sign-offs")
    parser.add_argument("--soak-rate", type=float, default=0.5, help="sign-offs per second")
    parser.add_argument(
        "--prefect-on-postgres", action="store_true", help="the Prefect server's database too"
    )
    args = parser.parse_args()
    name = f"eia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        if args.prefect_on_postgres:
            conn.execute(text(f'CREATE DATABASE "{name}_prefect"'))
    url = f"{PG}/{name}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        catalogue = load_catalogue()
        clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
        total = args.serial + args.burst + args.probe + args.steps
        soaked = round(args.soak_minutes * 60 * args.soak_rate)
        ids = cases_to_sign(engine, catalogue, clock, total + soaked)
        steps_ids, ids = ids[: args.steps], ids[args.steps :]
        print(f"{total + soaked} cases ready to sign")
        up = time.perf_counter()
        prefect_db = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}_prefect"
        with production_topology(
            Path(tempfile.mkdtemp(prefix="eia-bench-")),
            url,
            prefect_database_url=prefect_db if args.prefect_on_postgres else None,
        ) as topo:
            print(f"topology up in {time.perf_counter() - up:.1f} s")
            sampler = memory.Sampler(
                memory.processes(topo.pids),
                lambda: sum(len(procstat.tree(w)) - 1 for w in topo.pids["worker"]),
                lambda: len(topo.smtp.received.messages),
            )
            leader = topo.token("lingdao")
            http = httpx.Client(base_url=topo.base_url, timeout=120)
            smtp = topo.smtp.received
            # serial
            answers, to_mail = [], []
            for case_id in ids[: args.serial]:
                before = len(smtp.messages)
                started = time.perf_counter()
                r = http.post(f"/api/applications/{case_id}/sign", headers=leader, json={})
                answers.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text
                while len(smtp.messages) <= before:
                    time.sleep(0.01)
                to_mail.append(time.perf_counter() - started)
            assert wait_issued(engine, args.serial, 120)
            rt = Runtime(
                topo.settings, engine, S3Store.from_settings(topo.settings),
                build_sender(topo.settings), catalogue, clock,
            )  # fmt: skip
            parts = issuing_steps.measure(rt, catalogue, clock, steps_ids)
            render_only = parts.median_wall(issuing_steps.RENDER)
            render_cpu = parts.mean_cpu(issuing_steps.RENDER)
            floor_parts = (issuing_steps.RENDER, issuing_steps.SIGN, "S3 put", issuing_steps.SMTP)
            in_process = sum(parts.median_wall(p) for p in floor_parts)
            sign_cpu = parts.mean_cpu(issuing_steps.SIGN)
            print(f"in process, {len(steps_ids) - 1} cases (after one warm-up):")
            print("\n".join(parts.lines()))
            print(
                f"  render share of the in-process CPU: {render_cpu / parts.total_cpu():.0%};"
                f" render + sign: {(render_cpu + sign_cpu) / parts.total_cpu():.0%}"
            )
            print(
                f"serial ({args.serial}): sign-off answered p50 {pct(answers, 0.5) * 1000:.0f} ms;"
                f" sign-off → mail received p50 {pct(to_mail, 0.5):.2f} s,"
                f" p95 {pct(to_mail, 0.95):.2f} s; in-process floor (render+sign+S3+SMTP)"
                f" {in_process:.2f} s → ×{pct(to_mail, 0.5) / in_process:.1f}"
            )
            roles = {role: pids for role, pids in topo.pids.items()}
            idle_rate = dict.fromkeys(roles, 0.0)
            if args.idle:
                cpu = {role: procstat.cpu_seconds(pids) for role, pids in roles.items()}
                time.sleep(args.idle)
                idle_rate = {
                    r: (procstat.cpu_seconds(p) - cpu[r]) / args.idle for r, p in roles.items()
                }
                print(
                    f"idle ({args.idle:.0f} s) CPU-s per second: "
                    + ", ".join(f"{r} {v:.3f}" for r, v in idle_rate.items())
                    + f"; load average {procstat.load()}"
                )
            # burst
            burst = ids[args.serial : args.serial + args.burst]
            probes = ids[args.serial + args.burst : total - args.steps]
            before = len(smtp.messages)
            latencies: list[float] = []
            statuses: list[int] = []

            def sign(case_id: int) -> None:
                started = time.perf_counter()
                r = http.post(f"/api/applications/{case_id}/sign", headers=leader, json={})
                latencies.append(time.perf_counter() - started)
                statuses.append(r.status_code)

            cpu = {role: procstat.cpu_seconds(pids) for role, pids in roles.items()}
            machine = procstat.machine_cpu_seconds()
            profiler = procstat.Profiler(
                args.profile,
                {
                    f"{role}{n}": pid
                    for role, pids in roles.items()
                    for n, pid in enumerate(procstat.tree(pids[0])[1:] if role == "api" else pids)
                },
            )
            print(f"burst starts, load average {procstat.load()}")
            started = time.perf_counter()
            with ThreadPoolExecutor(50) as pool:
                list(pool.map(sign, burst))
            signed_in = time.perf_counter() - started
            # one sign-off at a time while the workers drain the backlog: what an officer
            # waits whatever the backlog (the burst's own latencies are 50 clients queueing)
            probed: list[float] = []
            for case_id in probes:
                at = time.perf_counter()
                r = http.post(f"/api/applications/{case_id}/sign", headers=leader, json={})
                probed.append(time.perf_counter() - at)
                assert r.status_code == 200, r.text
                time.sleep(0.2)
            assert wait_issued(engine, total, 1800)  # the in-process cases included
            while len(smtp.messages) < before + len(burst) + len(probes):
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            profiler.stop()
            rate = (len(burst) + len(probes)) / elapsed
            if probed:
                print(
                    f"sign-off answered while the backlog drains ({len(probed)}, one at a time):"
                    f" p50 {pct(probed, 0.5) * 1000:.0f} ms, p99 {pct(probed, 0.99) * 1000:.0f} ms"
                    f" (burst answered at {len(burst) / signed_in:.1f} sign-offs/s)"
                )
            used = {r: procstat.cpu_seconds(p) - cpu[r] for r, p in roles.items()}
            n = len(burst) + len(probes)
            busy = procstat.machine_cpu_seconds() - machine
            busy_ours, idle_ours = sum(used.values()), sum(idle_rate.values())
            print(
                "burst CPU-s per document: "
                + ", ".join(f"{r} {s / n:.3f}" for r, s in used.items())
                + f"; machine {busy / n:.3f} ({busy / elapsed:.2f} of 2 cores busy,"
                f" ours {sum(used.values()) / elapsed:.2f}); render-only {render_only:.3f} s wall,"
                f" {render_cpu:.3f} s CPU: {render_cpu / (busy_ours / n):.0%} of ours;"
                f" less the idle rate × {elapsed:.0f} s: "
                + ", ".join(f"{r} {(s - idle_rate[r] * elapsed) / n:.3f}" for r, s in used.items())
                + f" → render {render_cpu / (busy_ours - idle_ours * elapsed) * n:.0%};"
                f" peak RSS now: "
                + ", ".join(f"{r} {procstat.rss_mb(p):.0f} MB" for r, p in roles.items())
                + f"; load average {procstat.load()}"
            )
            print(
                f"burst ({len(burst)}): all answered in {signed_in:.1f} s, sign-off p50"
                f" {pct(latencies, 0.5) * 1000:.0f} ms p99 {pct(latencies, 0.99) * 1000:.0f} ms,"
                f" 5xx {sum(s >= 500 for s in statuses)},"
                f" non-200 {sum(s != 200 for s in statuses)};"
                f" {rate:.2f} documents/s vs render-only {1 / render_only:.2f}/s per process"
                f" ({2 / render_only:.2f}/s on 2 cores) → {rate / (2 / render_only):.0%}"
            )
            assert set(statuses) == {200}, "a sign-off of the burst failed"
            if soaked:
                soak(
                    args, sampler, http, leader, ids[total - args.steps :], total + soaked, engine,
                    topo,
                )  # fmt: skip
            sampler.stop()
            invariants = issued_invariants(rt, topo.smtp)
            print("invariants:", invariants, f"(expected {total + soaked} of each)")
            assert invariants == {"documents": total + soaked, "mails": total + soaked}
            http.close()
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_prefect" WITH (FORCE)'))


if __name__ == "__main__":
    main()
