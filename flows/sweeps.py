"""Finding work that should have happened and did not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from approvals.clock import to_utc
from approvals.services import issuing
from core.db import session_scope
from flows.runtime import Runtime


def stuck_cases(rt: Runtime, stale_after_seconds: int) -> list[int]:
    """Cases with a document pending, or in an automated state, for longer than the limit,
    that no worker holds a live claim on (leases run on the wall clock)."""
    cutoff = to_utc(rt.clock.now() - timedelta(seconds=stale_after_seconds))
    lease = timedelta(seconds=rt.settings.worker_lease_seconds)
    with session_scope(rt.engine) as session:
        return issuing.stuck_application_ids(
            session, cutoff, live_claims_since=datetime.now(UTC) - lease
        )
