"""Flow dispatch requests (outbox for Prefect runs) and their bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals.ports import FlowLauncher
from models import Application, DispatchState, FlowDispatch
from models.ids import id_of

ADVANCE_STANDARD = "advance-standard-review"


def request_flow(session: Session, at: datetime, application: Application, flow_name: str) -> None:
    """Record, in the caller's transaction, that ``flow_name`` must run for this case.

    The idempotency key names the case and its version, so the same state asks once and a
    re-dispatch of the same row can never start a second run for it.
    """
    key = f"{flow_name}:{application.number}:v{application.version}"
    exists = session.exec(select(FlowDispatch.id).where(FlowDispatch.idempotency_key == key))
    if exists.first() is not None:
        return
    session.add(
        FlowDispatch(
            application_id=id_of(application),
            flow_name=flow_name,
            idempotency_key=key,
            state=DispatchState.PENDING,
            created_at=at,
        )
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
    if row is None or row.state is DispatchState.DISPATCHED:
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
    """Launch one pending dispatch and record it (the caller commits). A failure is recorded
    and the row stays pending for the sweep; returns whether the launch succeeded."""
    row = session.get(FlowDispatch, dispatch_id)
    if row is None or row.state is DispatchState.DISPATCHED:
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
    except Exception as exc:  # any launcher failure: keep the row pending, the sweep retries
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
