"""Issuing on the production topology (tests/topology.py): two API processes behind one
address, two ``eia worker`` processes, a Prefect server, SeaweedFS S3, aiosmtpd, PostgreSQL.

1. serial: sign-offs one at a time, sign-off → mail received (p50/p95), against the in-process
   floor measured in the same run (render + S3 put + SMTP send of the same approval);
2. burst: every remaining sign-off at once (50 client threads): sign-off latency p50/p99, 5xx
   count, documents/s from the first sign-off to the last mail, against the render-only rate of
   one process (× 2 cores) measured in the same run; invariants checked (issued once, gapless,
   one object and one mail each).

    .venv/bin/python bench/issuing.py [--serial 20] [--burst 200]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from approvals.catalogue import load_catalogue
from approvals.clock import SHANGHAI, FixedClock
from approvals.services import issuing
from core.db import make_engine
from documents.render import render_pdf
from flows.runtime import Runtime
from mail import Attachment, SmtpSender, build_message, build_sender
from migrations.runner import upgrade
from models import Document, DocumentKind, DocumentState
from storage import S3Store
from tests.fault_support import StoppableSmtp, issued_invariants
from tests.topology import cases_to_sign, production_topology, wait_issued

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def floor(rt: Runtime, document_id: int, runs: int = 5) -> tuple[float, float]:
    """In process: (render only, render + S3 put + SMTP send) medians for one approval."""
    render, full = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with Session(rt.engine) as session:
            context = issuing.document_context(
                session, rt.catalogue, document_id, issuer="郑州市生态环境局", base_url="http://x"
            )
        pdf = render_pdf(str(context["template"]), context)
        render.append(time.perf_counter() - started)
        rt.store.put(f"bench/{uuid.uuid4().hex}.pdf", pdf, "application/pdf")
        rt.sender.send(
            build_message(
                message_id=f"<bench-{uuid.uuid4().hex}@eia.local>",
                sender="bench@eia.local",
                to="bench@example.com",
                subject="bench",
                body="bench",
                attachments=[Attachment("a.pdf", "application/pdf", pdf)],
            )
        )
        full.append(time.perf_counter() - started)
    return statistics.median(render), statistics.median(full)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serial", type=int, default=20)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    name = f"eia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG}/{name}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        catalogue = load_catalogue()
        clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
        total = args.serial + args.burst
        ids = cases_to_sign(engine, catalogue, clock, total)
        print(f"{total} cases ready to sign")
        up = time.perf_counter()
        with production_topology(Path(tempfile.mkdtemp(prefix="eia-bench-")), url) as topo:
            print(f"topology up in {time.perf_counter() - up:.1f} s")
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
            floor_smtp = StoppableSmtp()  # its own SMTP server: the floor's mails stay apart
            floor_smtp.start()
            floor_rt = dataclasses.replace(
                rt, sender=SmtpSender(floor_smtp.received.host, floor_smtp.received.port)
            )
            with Session(engine) as session:
                approval = session.exec(
                    select(Document.id).where(
                        Document.kind == DocumentKind.APPROVAL,
                        Document.state == DocumentState.ISSUED,
                    )
                ).first()
            render_only, in_process = floor(floor_rt, approval)  # type: ignore[arg-type]
            print(
                f"serial ({args.serial}): sign-off answered p50 {pct(answers, 0.5) * 1000:.0f} ms;"
                f" sign-off → mail received p50 {pct(to_mail, 0.5):.2f} s,"
                f" p95 {pct(to_mail, 0.95):.2f} s; in-process floor (render+S3+SMTP)"
                f" {in_process:.2f} s → ×{pct(to_mail, 0.5) / in_process:.1f}"
            )
            # burst
            burst = ids[args.serial :]
            before = len(smtp.messages)
            latencies: list[float] = []
            statuses: list[int] = []

            def sign(case_id: int) -> None:
                started = time.perf_counter()
                r = http.post(f"/api/applications/{case_id}/sign", headers=leader, json={})
                latencies.append(time.perf_counter() - started)
                statuses.append(r.status_code)

            started = time.perf_counter()
            with ThreadPoolExecutor(50) as pool:
                list(pool.map(sign, burst))
            signed_in = time.perf_counter() - started
            assert wait_issued(engine, total, 1800)
            while len(smtp.messages) < before + len(burst):
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            rate = len(burst) / elapsed
            print(
                f"burst ({len(burst)}): all answered in {signed_in:.1f} s, sign-off p50"
                f" {pct(latencies, 0.5) * 1000:.0f} ms p99 {pct(latencies, 0.99) * 1000:.0f} ms,"
                f" 5xx {sum(s >= 500 for s in statuses)},"
                f" non-200 {sum(s != 200 for s in statuses)};"
                f" {rate:.2f} documents/s vs render-only {1 / render_only:.2f}/s per process"
                f" ({2 / render_only:.2f}/s on 2 cores) → {rate / (2 / render_only):.0%}"
            )
            print("invariants:", issued_invariants(rt, topo.smtp))
            floor_smtp.stop()
            http.close()
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
