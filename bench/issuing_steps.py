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
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

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
from mail import MailSender
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
