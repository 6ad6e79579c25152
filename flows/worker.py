"""The worker's drain loop: claim the automated work the API recorded, run it in this warm
process, mark it done. No flow run is launched over the network per case and no process is
started per run: a batch of claims runs as one flow run (``flows.prefect_flows.advance_cases``,
visible in the Prefect UI and tagged with every case's number and item code).

Claims are leases (``approvals.dispatch.claim``): a worker that dies, or a batch that
fails, leaves its claims to run out, and any worker takes them again; every step is idempotent.
Several workers (processes, machines) drain the same table; ``FOR UPDATE SKIP LOCKED`` keeps
them from taking the same request. On PostgreSQL a committed request wakes them (``LISTEN``);
on SQLite (the embedded mode, API and worker in two processes) a commit changes the database's
write-ahead log, which the worker looks at every 50 ms; otherwise they look every
``EIA_WORKER_POLL_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from approvals import dispatch
from core.db import session_scope
from flows.runtime import Runtime

log = logging.getLogger(__name__)

SQLITE_LOOK_SECONDS = 0.05  # a stat of two files: nothing next to a claim's query
BatchOutcome = dict[int, str]  # application id -> "" (done) or the error that stopped it
RunBatch = Callable[[list[int], list[str]], tuple[str, BatchOutcome]]  # ids, tags -> run id


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def drain_once(rt: Runtime, run_batch: RunBatch, worker: str | None = None) -> int:
    """Claim one batch, run it, record the outcome; returns how many requests it claimed."""
    worker = worker or worker_name()
    with session_scope(rt.engine) as session:
        claims = dispatch.claim(
            session,
            datetime.now(UTC),
            worker,
            lease_seconds=rt.settings.worker_lease_seconds,
            limit=rt.settings.worker_batch_size,
        )
        session.commit()
    if not claims:
        return 0
    application_ids = list(dict.fromkeys(c.application_id for c in claims))
    tags = sorted({c.number for c in claims} | {c.item_code for c in claims})
    try:
        run_id, outcome = run_batch(application_ids, tags)
    except Exception as exc:  # the run could not start (orchestrator down): the lease retries
        log.warning("batch of %s not run; retried when its claims run out", application_ids)
        outcome, run_id = {i: f"{type(exc).__name__}: {exc}" for i in application_ids}, ""
    done = [c.dispatch_id for c in claims if not outcome.get(c.application_id)]
    failed = [c for c in claims if outcome.get(c.application_id)]
    with session_scope(rt.engine) as session:
        if done:
            dispatch.finish(session, done, worker, run_id)
        for claim in failed:
            dispatch.record_failure(session, [claim.dispatch_id], outcome[claim.application_id])
        session.commit()
    return len(claims)


class Wakeup:
    """Waits until a request may be there: a PostgreSQL notification, a change of a SQLite
    database's files, or the poll interval."""

    def __init__(self, database_url: str, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._url = make_url(database_url)
        self._conn = None  # type: ignore[var-annotated]
        database = self._url.database
        self._files = (
            [Path(database), Path(f"{database}-wal")]
            if self._url.drivername.startswith("sqlite") and database not in (None, "", ":memory:")
            else []
        )
        self._seen: tuple[tuple[int, int] | None, ...] | None = None

    def _stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps: list[tuple[int, int] | None] = []
        for path in self._files:
            try:
                stat = path.stat()
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _wait_for_change(self, stop: threading.Event) -> None:
        """Until the files differ from when the last wait ended (so a commit made while the
        worker claimed is not missed), or the poll interval."""
        deadline = time.monotonic() + self.poll_seconds
        while not stop.is_set():
            stamp = self._stamp()
            if stamp != self._seen or time.monotonic() >= deadline:
                self._seen = stamp
                return
            stop.wait(SQLITE_LOOK_SECONDS)

    def _listen(self):  # type: ignore[no-untyped-def]
        if not self._url.drivername.startswith("postgresql"):
            return None
        if self._conn is None or self._conn.closed:
            plain = self._url.set(drivername="postgresql")
            conn = psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True)
            conn.execute(f"LISTEN {dispatch.WAKE_CHANNEL}")
            self._conn = conn
        return self._conn

    def wait(self, stop: threading.Event) -> None:
        if self._files:
            self._wait_for_change(stop)
            return
        try:
            conn = self._listen()
        except Exception:  # the database is away: poll, the claim will say more
            log.warning("LISTEN failed; polling", exc_info=True)
            conn = None
        if conn is None:
            stop.wait(self.poll_seconds)
            return
        try:
            for _ in conn.notifies(timeout=self.poll_seconds, stop_after=1):
                break
        except Exception:  # a broken connection: reconnect on the next wait
            log.warning("LISTEN connection lost", exc_info=True)
            self.close()
            stop.wait(self.poll_seconds)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def sweep_forever(sweep: Callable[[], object], interval: float, stop: threading.Event) -> None:
    """Run ``sweep`` (a flow: one flow run in Prefect each time) every ``interval`` seconds in
    this warm process until ``stop`` is set, the first after a random part of the interval
    (workers started together do not sweep at once). A scheduled deployment would start a fresh
    interpreter per run instead: ~6 CPU-seconds of imports a minute per pool, more than the
    sweep's own work (bench/RESULTS.md). Each worker sweeps; sweeps are idempotent and claim
    what they re-drive. A failing sweep is logged and the next one tries again."""
    stop.wait(random.uniform(0, interval))
    while not stop.is_set():
        try:
            sweep()
        except Exception:  # the database or Prefect is away: the next sweep tries again
            log.exception("sweep failed; next in %s s", interval)
        stop.wait(interval)


def drain_forever(
    rt: Runtime,
    run_batch: RunBatch,
    stop: threading.Event,
    idle: threading.Event | None = None,
) -> None:
    """Drain until ``stop`` is set: batches back to back while there is work, else wait
    (``idle`` is set the first time there is nothing to claim)."""
    wakeup = Wakeup(rt.settings.resolved_database_url, rt.settings.worker_poll_seconds)
    worker = worker_name()
    try:
        while not stop.is_set():
            try:
                claimed = drain_once(rt, run_batch, worker)
            except Exception:  # the database is away: keep the loop, try again after a wait
                log.exception("drain failed; retrying")
                claimed = 0
            if not claimed:
                if idle is not None:
                    idle.set()
                wakeup.wait(stop)
    finally:
        wakeup.close()
