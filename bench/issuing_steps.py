"""Where one issue's time and CPU go, in process, per document: the statements of each step,
the WeasyPrint render, the PAdES signing (pyHanko), the S3 put, the mail (S3 get + SMTP send).

The cases are signed through the services and their requests claimed in the same transaction,
so the running workers never see them; then the issuing steps of ``flows.steps`` run here, one
case after the other, ``render_and_store`` split into its parts (context, render, sign, put).
The first case warms the process up and is not counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event
from sqlmodel import Session, select

from approvals import dispatch
from approvals.casework import review
from approvals.catalogue import Catalogue
from approvals.clock import Clock
from approvals.issuing import service as issuing
from core.db import session_scope
from documents.render import render_pdf
from documents.signing import bureau_signer
from flows import steps
from flows.runtime import Runtime
from mail import MailSender, kept_connection
from models import Document, User

RENDER, SIGN = "render (WeasyPrint)", "sign (PAdES, pyHanko)"
OF_WHICH = "  of which "  # a part inside another: shown, not added to the total
SMTP = f"{OF_WHICH}SMTP send"


class TimedSender:
    """The runtime's mail sender, its sends timed as a part of their own."""

    def __init__(self, inner: MailSender, part: Callable[[str], Any]) -> None:
        self.inner, self.part = inner, part

    def send(self, message: EmailMessage) -> None:
        with self.part(SMTP):
            self.inner.send(message)

    def kept(self) -> AbstractContextManager[None]:
        return kept_connection(self.inner)


class Parts:
    """Wall seconds, CPU seconds and SQL statements of each named part, per document."""

    def __init__(self, rt: Runtime) -> None:
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.order: list[str] = []
        self._count = 0
        event.listen(rt.engine, "before_cursor_execute", self._counted)

    def _counted(self, *_: Any) -> None:
        self._count += 1

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        if name not in self.order:
            self.order.append(name)
        wall, cpu, count = time.perf_counter(), time.process_time(), self._count
        yield
        self.wall[name].append(time.perf_counter() - wall)
        self.cpu[name].append(time.process_time() - cpu)
        self.statements[name].append(self._count - count)

    def clear(self) -> None:
        self.order.clear()
        for table in (self.wall, self.cpu, self.statements):
            table.clear()

    def median_wall(self, name: str) -> float:
        return statistics.median(self.wall[name])

    def mean_cpu(self, name: str) -> float:
        return statistics.fmean(self.cpu[name])

    def total_cpu(self) -> float:
        return sum(self.mean_cpu(n) for n in self.order if not n.startswith(OF_WHICH))

    def lines(self) -> list[str]:
        total = self.total_cpu()
        head = f"  {'part, per document':44} {'wall p50':>9} {'CPU-s':>7} {'share':>6} {'stmts':>6}"
        lines = [head]
        for name in self.order:
            cpu, statements = self.mean_cpu(name), statistics.fmean(self.statements[name])
            lines.append(
                f"  {name:44} {self.median_wall(name):9.3f} {cpu:7.4f}"
                f" {cpu / total:6.1%} {statements:6.1f}"
            )
        statements = sum(
            statistics.fmean(self.statements[n]) for n in self.order if not n.startswith(OF_WHICH)
        )
        lines.append(f"  {'all':44} {'':9} {total:7.4f} {'100%':>6} {statements:6.1f}")
        return lines


def measure(rt: Runtime, catalogue: Catalogue, clock: Clock, case_ids: list[int]) -> Parts:
    """Sign ``case_ids`` here and issue them step by step, timing each part (first: warm-up)."""
    parts = Parts(rt)
    rt = dataclasses.replace(rt, sender=TimedSender(rt.sender, parts.part))
    with Session(rt.engine) as session:
        leader = session.exec(select(User).where(User.username == "lingdao")).one()
    for n, case_id in enumerate(case_ids):
        with Session(rt.engine) as session:
            review.sign(session, clock, catalogue, leader, case_id, "同意。")
            claims = dispatch.claim(  # before the commit: no worker ever sees the request
                session, datetime.now(UTC), "bench", lease_seconds=3600, limit=10,
                application_ids=[case_id],
            )  # fmt: skip
            session.commit()
        issue(rt, case_id, parts.part)
        with Session(rt.engine) as session:
            dispatch.finish(session, [c.dispatch_id for c in claims], "bench", "")
            session.commit()
        if n == 0:
            parts.clear()
    return parts


def issue(rt: Runtime, case_id: int, part: Callable[[str], Any]) -> None:
    """``flows.standard.advance_case`` with ``steps.render_and_store`` opened up."""
    with part("statements: pending documents, number"):
        document_ids = steps.pending_document_ids(rt, case_id)
        for document_id in document_ids:
            steps.number_document(rt, document_id)
    for document_id in document_ids:
        with part("statements: the template's context"), session_scope(rt.engine) as session:
            context = issuing.document_context(
                session, rt.catalogue, document_id,
                issuer=rt.settings.bureau_name, base_url=rt.settings.public_base_url,
            )  # fmt: skip
            document = session.get(Document, document_id)
            assert document is not None
            session.expunge(document)
        with part(RENDER):
            pdf = render_pdf(str(context["template"]), context)
        with part(SIGN):
            signed = bureau_signer(rt.settings).sign(pdf)
        with part("S3 put"):
            sha256 = hashlib.sha256(signed).hexdigest()
            key = issuing.object_key(document, sha256)
            rt.store.put(key, signed, "application/pdf")
        with part("record issued (statements, S3 list, checkpoint)"):
            steps.mark_issued(rt, document_id, {"key": key, "sha256": sha256, "size": len(signed)})
    with part("statements: finish the stage"):
        steps.finish_stage(rt, case_id)
    with part("mail (statements, S3 get, SMTP send)"):
        steps.relay_mail(rt, case_id)


def main() -> None:
    """Standalone: a fresh PostgreSQL database, S3 (SeaweedFS) and SMTP (aiosmtpd, in this
    process, as in ``bench/issuing.py``), ``--cases`` cases issued step by step (the first a
    warm-up), then ``--batch`` cases issued as one worker batch (``flows.standard``)."""
    import argparse
    import tempfile
    import uuid

    from sqlalchemy import create_engine, text

    from approvals.catalogue import load_catalogue
    from approvals.clock import SHANGHAI, FixedClock
    from core.db import make_engine
    from mail import build_sender
    from migrations.runner import upgrade
    from storage import S3Store
    from tests.fault_support import fault_settings, stoppable_servers
    from tests.topology import cases_to_sign

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=11, help="issued step by step, timed")
    parser.add_argument("--batch", type=int, default=0, help="then issued as one worker batch")
    parser.add_argument("--rounds", type=int, default=1, help="batches of --batch cases")
    parser.add_argument("--mails", type=int, default=0, help="the mail alone: per mail vs kept")
    args = parser.parse_args()
    pg = "postgresql+psycopg://postgres@127.0.0.1:5432"
    name = f"eia_steps_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{pg}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"{pg}/{name}")
    try:
        upgrade(engine)
        catalogue = load_catalogue()
        clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
        ids = cases_to_sign(engine, catalogue, clock, args.cases + args.batch * args.rounds)
        base = Path(tempfile.mkdtemp(prefix="eia-steps-"))
        with stoppable_servers(base) as (smtp, s3):
            settings = fault_settings(
                base / "var", str(engine.url.render_as_string(False)), smtp, s3
            )
            rt = Runtime(
                settings, engine, S3Store.from_settings(settings), build_sender(settings),
                catalogue, clock,
            )  # fmt: skip
            if args.cases:
                parts = measure(rt, catalogue, clock, ids[: args.cases])
                print(f"in process, {args.cases - 1} cases (after one warm-up):")
                print("\n".join(parts.lines()))
            for r in range(args.rounds if args.batch else 0):
                start = args.cases + r * args.batch
                print(batch_line(rt, catalogue, clock, ids[start : start + args.batch]))
            for _ in range(3 if args.mails else 0):
                print(mail_line(rt, args.mails))
            print(f"mails received: {len(smtp.received.messages)}")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def mail_line(rt: Runtime, count: int) -> str:
    """``count`` mails of a 250 kB PDF: as before (read back from S3, a connection each) and
    as a batch now (the bytes kept from the put, one connection), CPU and wall per mail."""
    import os

    from mail import Attachment, build_message

    pdf = b"%PDF-1.7\n" + os.urandom(250_000)
    rt.store.put("bench/mail.pdf", pdf, "application/pdf")

    def send(n: int, data: bytes) -> None:
        rt.sender.send(
            build_message(
                message_id=f"<bench-mail-{time.time_ns()}-{n}@eia.local>",
                sender=rt.settings.mail_from,
                to="zhang@example.com",
                subject="关于某某项目环境影响报告书的批复",
                body="您好：\n\n批复文件见附件。\n",
                attachments=[Attachment("批复.pdf", "application/pdf", data)],
            )
        )

    def timed(each: Callable[[int], None], kept: bool) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        with kept_connection(rt.sender) if kept else nullcontext():
            for n in range(count):
                each(n)
        return (time.process_time() - cpu) / count, (time.perf_counter() - wall) / count

    before = timed(lambda n: send(n, rt.store.get("bench/mail.pdf")), kept=False)
    after = timed(lambda n: send(n, pdf), kept=True)
    return (
        f"mail ({count}): per mail, S3 get + a connection each: CPU {before[0]:.4f} s,"
        f" wall {before[1]:.4f} s; kept bytes + one connection: CPU {after[0]:.4f} s,"
        f" wall {after[1]:.4f} s ({after[0] / before[0] - 1:+.0%} CPU)"
    )


def batch_line(rt: Runtime, catalogue: Catalogue, clock: Clock, case_ids: list[int]) -> str:
    """Sign ``case_ids`` (their requests claimed), then issue them as one worker batch, as
    ``flows.prefect_flows.advance_cases`` does less Prefect; CPU, wall, statements per case."""
    from flows.standard import advance_batch

    count = [0]

    import os

    log = os.environ.get("BENCH_SQL_LOG")

    def counted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        count[0] += 1
        if log:  # each statement and the project's frames that sent it
            import traceback

            frames = [
                f"{f.name}:{f.lineno}"
                for f in traceback.extract_stack()[:-1]
                if "site-packages" not in f.filename and "issuing_steps" not in f.filename
            ][-4:]
            with open(log, "a") as out:
                out.write(
                    " ".join(statement.split())[:120] + "  <- " + " < ".join(frames[::-1]) + "\n"
                )

    with Session(rt.engine) as session:
        leader = session.exec(select(User).where(User.username == "lingdao")).one()
        for case_id in case_ids:
            review.sign(session, clock, catalogue, leader, case_id, "同意。")
        dispatch.claim(
            session, datetime.now(UTC), "bench", lease_seconds=3600, limit=len(case_ids),
            application_ids=case_ids,
        )  # fmt: skip
        session.commit()
    event.listen(rt.engine, "before_cursor_execute", counted)
    per_step: dict[str, float] = defaultdict(float)

    def run(step: Callable[..., Any], *args: Any) -> Any:
        started = time.process_time()
        try:
            return step(rt, *args)
        finally:
            per_step[step.__name__] += time.process_time() - started

    wall, cpu = time.perf_counter(), time.process_time()
    outcome = advance_batch(rt, case_ids, run)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    event.remove(rt.engine, "before_cursor_execute", counted)
    assert not any(outcome.values()), outcome
    n = len(case_ids)
    steps_cpu = ", ".join(f"{name} {spent / n:.4f}" for name, spent in per_step.items())
    return (
        f"batch of {n}: CPU {cpu / n:.4f} s/case, wall {wall / n:.4f} s/case,"
        f" {count[0] / n:.1f} statements/case; CPU-s/case by step: {steps_cpu}"
    )


if __name__ == "__main__":
    main()
