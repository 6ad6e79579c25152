"""Faults of the servers around issuing: SMTP down, S3 down, a worker killed mid-way.

Real: PostgreSQL, an aiosmtpd SMTP server and a SeaweedFS S3 server started (and stopped, and
started again) by each test, the issuing steps of ``advance-standard-review`` and the outbox
relay of ``sweep-outbox`` (``flows.steps``, the same functions the Prefect tasks call), a worker
process killed with SIGKILL. Not through Prefect here: what Prefect adds (task retries, runs) is
covered by ``test_real_services``; what is under test is that every step can fail or die at any
point and be run again without a second number, object or mail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue
from approvals.clock import FixedClock
from core.settings import PROJECT_ROOT
from flows import steps, sweeps
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from flows.standard import advance_batch, advance_case
from mail import MailSender, kept_connection
from models import Application, Document, DocumentState, OutboxMail, Status
from storage import StorageError
from tests.fault_support import (
    BUCKET,
    StoppableS3,
    StoppableSmtp,
    fault_runtime,
    fault_settings,
    issued_invariants,
    settings_env,
    signed_cases,
    stoppable_servers,
)
from tests.fixtures_db import wipe

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def module_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StoppableSmtp, StoppableS3]]:
    with stoppable_servers(tmp_path_factory.mktemp("servers")) as both:
        yield both


@pytest.fixture
def servers(
    module_servers: tuple[StoppableSmtp, StoppableS3],
) -> tuple[StoppableSmtp, StoppableS3]:
    """Both servers up and empty at the start of each test (one may be stopped by it)."""
    smtp, s3 = module_servers
    smtp.ensure_started()
    s3.ensure_started()
    smtp.received.clear()
    return smtp, s3


@pytest.fixture
def rt(
    servers: tuple[StoppableSmtp, StoppableS3],
    postgres_url: str,
    postgres_engine: Engine,
    catalogue: Catalogue,
    clock: FixedClock,
    tmp_path: Path,
) -> Runtime:
    wipe(postgres_engine)
    smtp, s3 = servers
    settings = fault_settings(tmp_path / "var", postgres_url, smtp, s3)
    runtime = fault_runtime(settings, postgres_engine, catalogue, clock)
    client = runtime.store.client  # type: ignore[attr-defined]
    for obj in client.list_objects(BUCKET, recursive=True):
        client.remove_object(BUCKET, obj.object_name)
    return runtime


def _issue(rt: Runtime, application_id: int) -> str:
    return advance_case(application_id, InlineLauncher(rt)._run)


def _sweep(rt: Runtime) -> int:
    """What ``sweep-outbox`` does besides dispatching: re-drive stuck cases, relay the mail."""
    sweeps.redrive(
        rt, 0, lambda application_id: advance_case(application_id, InlineLauncher(rt)._run)
    )
    return steps.relay_mail(rt)


def test_smtp_down_while_decisions_are_signed_each_mail_goes_once_when_it_is_back(
    rt: Runtime, servers: tuple[StoppableSmtp, StoppableS3], catalogue: Catalogue, clock: FixedClock
) -> None:
    smtp, _ = servers
    smtp.stop()
    ids = signed_cases(rt.engine, catalogue, clock, 3)
    for application_id in ids:
        assert _issue(rt, application_id) == "approved"  # issued although the mail failed
    with Session(rt.engine) as session:
        failed = session.exec(select(OutboxMail)).all()
        assert len(failed) == 6 and all(m.sent_at is None and m.attempts for m in failed)
        assert all("MailError" in m.last_error for m in failed), failed[0].last_error
    assert _sweep(rt) == 0  # still down: kept for later, nothing lost

    smtp.start()
    # Two relays at once (the flow of one case and the periodic sweep): SKIP LOCKED shares.
    sent: list[int] = []
    relays = [threading.Thread(target=lambda: sent.append(steps.relay_mail(rt))) for _ in "ab"]
    for relay in relays:
        relay.start()
    for relay in relays:
        relay.join(timeout=60)
    assert sum(sent) == 6
    assert _sweep(rt) == 0  # nothing left, nothing sent again
    counts = issued_invariants(rt, smtp)
    assert counts == {"documents": 6, "mails": 6}


def test_s3_down_while_issuing_is_retried_and_the_stored_pdf_matches_its_digest(
    rt: Runtime, servers: tuple[StoppableSmtp, StoppableS3], catalogue: Catalogue, clock: FixedClock
) -> None:
    smtp, s3 = servers
    (case_id,) = signed_cases(rt.engine, catalogue, clock, 1)
    s3.stop()
    with pytest.raises(StorageError):
        _issue(rt, case_id)
    with Session(rt.engine) as session:
        case = session.get(Application, case_id)
        assert case is not None and case.status is Status.ISSUING  # kept, not lost
        documents = session.exec(select(Document).order_by(col(Document.id))).all()
        assert documents[0].number and documents[0].state is DocumentState.PENDING
        number = documents[0].number
        assert session.exec(select(OutboxMail)).all() == []  # no mail without its document

    with pytest.raises(StorageError):  # the sweep tries again while S3 is still down
        _sweep(rt)
    s3.start()
    _sweep(rt)
    assert len(smtp.received.messages) == 2
    with Session(rt.engine) as session:
        case = session.get(Application, case_id)
        assert case is not None and case.status is Status.APPROVED
        documents = session.exec(select(Document).order_by(col(Document.id))).all()
        assert documents[0].number == number  # the number allocated before the outage
    assert issued_invariants(rt, smtp) == {"documents": 2, "mails": 2}


KILLED_WORKER = """
import os, signal, sys
from core.settings import get_settings
from flows import steps
from flows.runtime import Runtime

application_id, stop_after = int(sys.argv[1]), sys.argv[2]
rt = Runtime.from_settings(get_settings())
for document_id in steps.pending_document_ids(rt, application_id):
    steps.number_document(rt, document_id)
    if stop_after == "number":
        break
    stored = steps.render_and_store(rt, document_id)
    if stop_after == "store":
        break
    steps.mark_issued(rt, document_id, stored)
else:
    steps.finish_stage(rt, application_id)
os.kill(os.getpid(), signal.SIGKILL)  # before the mail, as a crash or an OOM kill would
"""


@pytest.mark.parametrize("stop_after", ["number", "store", "issued"])
def test_a_worker_killed_before_the_mail_is_rerun_with_the_same_number(
    rt: Runtime,
    servers: tuple[StoppableSmtp, StoppableS3],
    catalogue: Catalogue,
    clock: FixedClock,
    stop_after: str,
) -> None:
    smtp, _ = servers
    (case_id,) = signed_cases(rt.engine, catalogue, clock, 1)
    worker = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER, str(case_id), stop_after],
        cwd=PROJECT_ROOT,
        env=os.environ | settings_env(rt.settings),
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == -9, worker.stderr.decode()[-2000:]
    with Session(rt.engine) as session:
        numbered = {d.id: d.number for d in session.exec(select(Document)) if d.number is not None}
    assert numbered
    assert smtp.received.messages == []

    _sweep(rt)  # the rerun: the sweep finds the case stuck and finishes it
    assert len(smtp.received.messages) == 2
    assert _sweep(rt) == 0
    with Session(rt.engine) as session:
        for document_id, number in numbered.items():
            document = session.get(Document, document_id)
            assert document is not None and document.number == number
        case = session.get(Application, case_id)
        assert case is not None and case.status is Status.APPROVED
    assert issued_invariants(rt, smtp) == {"documents": 2, "mails": 2}
    keys = [o.object_name for o in rt.store.client.list_objects(rt.store.bucket, recursive=True)]  # type: ignore[attr-defined]
    documents = [k for k in keys if k.startswith("documents/")]
    assert len(documents) == 2  # one object per document, the rerun overwrote the same key
    assert len(keys) == 4  # and the audit chain's signed checkpoint of each issue


STOPPED_RELAY = """
import dataclasses, os, signal, sys
from core.settings import get_settings
from flows import steps
from flows.runtime import Runtime


class Terminated(BaseException):  # what Prefect's engine raises on SIGTERM in a flow run
    pass


def terminate(signum, frame):
    raise Terminated()


signal.signal(signal.SIGTERM, terminate)
rt = Runtime.from_settings(get_settings())
smtp = rt.sender


class StoppedRightAfterTheServerAccepts:
    def send(self, message):
        smtp.send(message)
        os.kill(os.getpid(), signal.SIGTERM)  # the stop arrives before the row is recorded


steps.relay_mail(dataclasses.replace(rt, sender=StoppedRightAfterTheServerAccepts()))
sys.exit(0)  # not reached: the stop takes effect once the first mail is recorded
"""


def test_a_relay_stopped_right_after_the_server_accepted_a_mail_does_not_send_it_again(
    rt: Runtime, servers: tuple[StoppableSmtp, StoppableS3], catalogue: Catalogue, clock: FixedClock
) -> None:
    smtp, _ = servers
    smtp.stop()
    (case_id,) = signed_cases(rt.engine, catalogue, clock, 1)
    assert _issue(rt, case_id) == "approved"  # both mails queued, not sent
    smtp.start()
    relay = subprocess.run(
        [sys.executable, "-c", STOPPED_RELAY],
        cwd=PROJECT_ROOT,
        env=os.environ | settings_env(rt.settings),
        capture_output=True,
        timeout=120,
    )
    assert relay.returncode != 0 and b"Terminated" in relay.stderr, relay.stderr[-2000:]
    assert len(smtp.received.messages) == 1
    with Session(rt.engine) as session:
        sent = [m for m in session.exec(select(OutboxMail)) if m.sent_at is not None]
    assert len(sent) == 1  # recorded before the stop took effect
    _sweep(rt)
    assert issued_invariants(rt, smtp) == {"documents": 2, "mails": 2}


class Terminated(BaseException):  # what Prefect's engine raises on SIGTERM in a flow run
    pass


class StoppedAfter:
    """The runtime's sender; a stop (SIGTERM) arrives right after the server accepted the
    ``stop_after``-th message, before the relay records it."""

    def __init__(self, inner: MailSender, stop_after: int) -> None:
        self.inner, self.stop_after, self.sent = inner, stop_after, 0

    def send(self, message: EmailMessage) -> None:
        self.inner.send(message)
        self.sent += 1
        if self.sent == self.stop_after:
            os.kill(os.getpid(), signal.SIGTERM)

    def kept(self) -> AbstractContextManager[None]:
        return kept_connection(self.inner)


def test_a_batch_mails_over_one_connection_and_a_rerun_after_a_stop_sends_nothing_twice(
    rt: Runtime, servers: tuple[StoppableSmtp, StoppableS3], catalogue: Catalogue, clock: FixedClock
) -> None:
    smtp, _ = servers
    ids = signed_cases(rt.engine, catalogue, clock, 3)  # two documents, two mails each
    stopped = dataclasses.replace(rt, sender=StoppedAfter(rt.sender, stop_after=3))

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        with pytest.raises(Terminated):
            advance_batch(stopped, ids, lambda step, *args: step(stopped, *args))
    finally:
        signal.signal(signal.SIGTERM, previous)
    first = smtp.received.envelopes
    assert len(first) == 3 and len({e.peer for e in first}) == 1  # one SMTP session
    with Session(rt.engine) as session:
        sent = session.exec(select(OutboxMail).where(col(OutboxMail.sent_at).is_not(None))).all()
    assert len(sent) == 3  # the third recorded before the stop took effect

    # the claims run out and a worker reruns the batch: the rest, once
    outcome = advance_batch(rt, ids, lambda step, *args: step(rt, *args))
    assert outcome == dict.fromkeys(ids, "")
    rerun = smtp.received.envelopes[3:]
    assert len(rerun) == 3 and len({e.peer for e in rerun}) == 1
    assert issued_invariants(rt, smtp) == {"documents": 6, "mails": 6}
    with Session(rt.engine) as session:
        digests = {d.sha256 for d in session.exec(select(Document)) if d.object_key}
    attached = [
        hashlib.sha256(part.get_content()).hexdigest()
        for message in smtp.received.messages
        for part in message.iter_attachments()
    ]
    assert sorted(attached) == sorted(digests)  # each mail carries its document as stored


def test_a_kept_connection_the_server_dropped_is_opened_again(
    rt: Runtime, servers: tuple[StoppableSmtp, StoppableS3], catalogue: Catalogue, clock: FixedClock
) -> None:
    smtp, _ = servers
    first, second = signed_cases(rt.engine, catalogue, clock, 2)
    run = InlineLauncher(rt)._run
    with kept_connection(rt.sender):
        advance_case(first, run)
        smtp.stop()  # the server goes away between two cases of a batch, and comes back
        smtp.start()
        advance_case(second, run)
    peers = [e.peer for e in smtp.received.envelopes]
    assert len(peers) == 4 and peers[0] == peers[1] and peers[2] == peers[3] != peers[0]
    assert issued_invariants(rt, smtp) == {"documents": 4, "mails": 4}
