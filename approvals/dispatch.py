"""Automated work requests (the outbox for flow runs): recorded with the state change that
implies them, claimed by a worker, finished or retaken once a lease runs out.

Nothing here talks to the orchestrator: the API only records a request, a long-lived worker
(``flows.worker``) claims it and runs the work in process under a Prefect flow run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from approvals.ports import FlowLauncher
from models import Application, DispatchState, FlowDispatch
from models.ids import id_of

ADVANCE_STANDARD = "advance-standard-review"
WAKE_CHANNEL = "eia_dispatch"  # PostgreSQL NOTIFY channel: a request was committed


@dataclass(frozen=True)
class Claim:
    """One request a worker took: what to run, and the tags its run carries."""

    dispatch_id: int
    application_id: int
    flow_name: str
    number: str
    item_code: str


def request_flow(session: Session, at: datetime, application: Application, flow_name: str) -> None:
    """Record, in the caller's transaction, that ``flow_name`` must run for this case.

    The idempotency key names the case and its version, so the same state asks once: one
    insert that does nothing where the key is already there (two racing requests included). On
    PostgreSQL the commit also wakes the waiting workers (``NOTIFY``, delivered on commit only).
    """
    key = f"{flow_name}:{application.number}:v{application.version}"
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    added = session.execute(
        insert(FlowDispatch)
        .values(
            application_id=id_of(application),
            flow_name=flow_name,
            idempotency_key=key,
            state=DispatchState.PENDING,
            created_at=at,
            attempts=0,
            claimed_by="",
            last_error="",
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    if added.rowcount == 1 and dialect == "postgresql":  # type: ignore[attr-defined]  # an INSERT returns a CursorResult
        session.execute(text(f"NOTIFY {WAKE_CHANNEL}"))


def claim(
    session: Session,
    at: datetime,
    worker: str,
    *,
    lease_seconds: float,
    limit: int,
    application_ids: list[int] | None = None,
) -> list[Claim]:
    """Take up to ``limit`` requests for ``worker`` (the caller commits at once, holding no
    lock afterwards): pending ones, and claimed ones whose lease ran out (a worker died or its
    run failed; the lease is also the retry delay). ``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
    and a conditional update everywhere, so two workers never take the same request. With
    ``application_ids``, only those cases' requests (the outbox sweep taking what it re-drives,
    so a worker does not run the same case at the same time)."""
    expired = at - timedelta(seconds=lease_seconds)
    takeable = or_(
        col(FlowDispatch.state) == DispatchState.PENDING,
        and_(
            col(FlowDispatch.state) == DispatchState.CLAIMED,
            col(FlowDispatch.dispatched_at) <= expired,
        ),
    )
    query = (
        select(FlowDispatch.id, FlowDispatch.application_id, FlowDispatch.flow_name)
        .where(takeable)
        .order_by(col(FlowDispatch.id))
        .limit(limit)
    )
    if application_ids is not None:
        query = query.where(col(FlowDispatch.application_id).in_(application_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query))
    taken: list[tuple[int, int, str]] = []
    for dispatch_id, application_id, flow_name in rows:
        result = session.execute(
            update(FlowDispatch)
            .where(col(FlowDispatch.id) == dispatch_id, takeable)
            .values(
                state=DispatchState.CLAIMED,
                dispatched_at=at,
                claimed_by=worker[:120],
                attempts=col(FlowDispatch.attempts) + 1,
            )
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
            taken.append((dispatch_id, application_id, flow_name))  # type: ignore[arg-type]  # ids of stored rows
    if not taken:
        return []
    ids = {application_id for _, application_id, _ in taken}
    cases = {
        row[0]: (row[1], row[2])
        for row in session.exec(
            select(Application.id, Application.number, Application.item_code).where(
                col(Application.id).in_(ids)
            )
        )
    }
    return [
        Claim(dispatch_id, application_id, flow_name, *cases[application_id])
        for dispatch_id, application_id, flow_name in taken
    ]


def finish(session: Session, dispatch_ids: list[int], worker: str, flow_run_id: str) -> None:
    """Mark the worker's claims done (a claim retaken by another worker meanwhile stays its)."""
    session.execute(
        update(FlowDispatch)
        .where(
            col(FlowDispatch.id).in_(dispatch_ids),
            col(FlowDispatch.state) == DispatchState.CLAIMED,
            col(FlowDispatch.claimed_by) == worker[:120],
        )
        .values(state=DispatchState.DONE, flow_run_id=flow_run_id[:200], last_error="")
    )
    session.flush()


def release(session: Session, dispatch_ids: list[int]) -> None:
    """Give claims back to the queue at once (their run failed before it started the work;
    a worker or the next sweep takes them again)."""
    if dispatch_ids:
        session.execute(
            update(FlowDispatch)
            .where(
                col(FlowDispatch.id).in_(dispatch_ids),
                col(FlowDispatch.state) == DispatchState.CLAIMED,
            )
            .values(state=DispatchState.PENDING, claimed_by="")
        )
        session.flush()


def open_requests(session: Session, application_ids: list[int]) -> set[int]:
    """Which of these cases have a request not done yet (queued or claimed)."""
    if not application_ids:
        return set()
    return set(
        session.exec(
            select(FlowDispatch.application_id).where(
                col(FlowDispatch.application_id).in_(application_ids),
                col(FlowDispatch.state).in_([DispatchState.PENDING, DispatchState.CLAIMED]),
            )
        )
    )


def record_failure(session: Session, dispatch_ids: list[int], error: str) -> None:
    """Keep the claims (their lease is the retry delay) with the error that stopped them."""
    session.execute(
        update(FlowDispatch)
        .where(col(FlowDispatch.id).in_(dispatch_ids))
        .values(last_error=error[:2000])
    )
    session.flush()


def pending_dispatches(
    session: Session, *, created_before: datetime | None = None, limit: int = 100
) -> list[FlowDispatch]:
    query = select(FlowDispatch).where(FlowDispatch.state == DispatchState.PENDING)
    if created_before is not None:
        query = query.where(FlowDispatch.created_at <= created_before)
    return list(session.exec(query.order_by(col(FlowDispatch.id)).limit(limit)))


def mark_dispatched(session: Session, dispatch_id: int, at: datetime, flow_run_id: str) -> None:
    row = session.get(FlowDispatch, dispatch_id)
    if row is None or row.state in (DispatchState.DISPATCHED, DispatchState.DONE):
        return
    row.state = DispatchState.DISPATCHED
    row.flow_run_id = flow_run_id
    row.dispatched_at = at
    row.attempts += 1
    session.add(row)
    session.flush()


def mark_dispatch_failed(session: Session, dispatch_id: int, error: str) -> None:
    row = session.get(FlowDispatch, dispatch_id)
    if row is None:
        return
    row.attempts += 1
    row.last_error = error[:2000]
    session.add(row)
    session.flush()


def launch(session: Session, launcher: FlowLauncher, at: datetime, dispatch_id: int) -> bool:
    """Run one pending request through ``launcher`` (in-process runs: tests and scripts) and
    record it (the caller commits). A failure is recorded and the row stays pending."""
    row = session.get(FlowDispatch, dispatch_id)
    if row is None or row.state is not DispatchState.PENDING:
        return True
    application = session.get(Application, row.application_id)
    assert application is not None
    try:
        run_id = launcher.launch(
            row.flow_name,
            application_id=row.application_id,
            idempotency_key=row.idempotency_key,
            tags=[application.number, application.item_code],
        )
    except Exception as exc:  # any launcher failure: keep the row pending for a worker
        mark_dispatch_failed(session, dispatch_id, f"{type(exc).__name__}: {exc}")
        return False
    mark_dispatched(session, dispatch_id, at, run_id)
    return True


def pending_for_application(session: Session, application_id: int) -> list[int]:
    rows = session.exec(
        select(FlowDispatch.id).where(
            FlowDispatch.application_id == application_id,
            FlowDispatch.state == DispatchState.PENDING,
        )
    )
    return [i for i in rows if i is not None]
