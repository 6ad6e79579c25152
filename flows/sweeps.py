"""Finding work that should have happened and did not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from approvals import dispatch
from approvals.clock import to_utc
from approvals.issuing import service as issuing
from core.db import session_scope
from flows.runtime import Runtime


@dataclass(frozen=True)
class Claimed:
    """A stuck case the sweep re-drives, and the requests the sweep claimed for it."""

    application_id: int
    dispatch_ids: tuple[int, ...] = ()


def stuck_cases(rt: Runtime, stale_after_seconds: int, worker: str = "sweep") -> list[Claimed]:
    """Cases with a document pending, or in an automated state, for longer than the limit,
    that no worker holds a live claim on (leases run on the wall clock). A case whose request
    is still open (queued longer than the lease: a backlog; or its claim ran out) is claimed
    for ``worker`` first, like a worker would, and left out when a worker takes it meanwhile:
    the sweep and the workers never run one case at the same time (each run would render and
    sign it; signed PDFs differ). At most ``worker_batch_size`` such cases per sweep: the
    backlog is the workers' to drain."""
    now = datetime.now(UTC)
    cutoff = to_utc(rt.clock.now() - timedelta(seconds=stale_after_seconds))
    lease = timedelta(seconds=rt.settings.worker_lease_seconds)
    with session_scope(rt.engine) as session:
        ids = issuing.stuck_application_ids(session, cutoff, live_claims_since=now - lease)
        queued = dispatch.open_requests(session, ids)
        claims = dispatch.claim(
            session,
            now,
            worker,
            lease_seconds=rt.settings.worker_lease_seconds,
            limit=rt.settings.worker_batch_size,
            application_ids=sorted(queued),
        )
        session.commit()
    taken = {c.application_id for c in claims}
    return [
        Claimed(i, tuple(c.dispatch_id for c in claims if c.application_id == i))
        for i in ids
        if i not in queued or i in taken
    ]


def redrive(
    rt: Runtime,
    stale_after_seconds: int,
    advance: Callable[[int], object],
    worker: str = "sweep",
    run_id: str = "",
) -> int:
    """Advance every stuck case (``stuck_cases``); the requests claimed for it are marked done
    once it ran, and given back to the queue when it failed (the next sweep or a worker takes
    them again), the error raised. Returns how many cases were advanced."""
    stuck = stuck_cases(rt, stale_after_seconds, worker)
    done = 0
    try:
        for case in stuck:
            advance(case.application_id)
            done += 1
    finally:
        with session_scope(rt.engine) as session:
            finished = [i for case in stuck[:done] for i in case.dispatch_ids]
            if finished:
                dispatch.finish(session, finished, worker, run_id)
            dispatch.release(session, [i for case in stuck[done:] for i in case.dispatch_ids])
            session.commit()
    return done
