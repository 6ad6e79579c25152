"""Issuing a consultation's 指导意见 through the document machinery: the same numbering,
rendering, bureau signature, object store and mail outbox as a case's documents; each step
idempotent. Run by the ``sweep-outbox`` flow (pending ones), in process after the request in
inline mode, and by the simulator. The reminder of a booked consultation is a step of the
deadline sweep (``flows.deadlines.remind_consultations``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from approvals.clock import to_utc
from approvals.consultation import issuing as guidance_issuing
from core.db import session_scope
from flows import steps
from flows.runtime import Runtime

log = logging.getLogger(__name__)


def pending_guidance(rt: Runtime, stale_after_seconds: int | None = None) -> list[int]:
    """Pending 指导意见 (older than ``stale_after_seconds``, when given)."""
    cutoff = None
    if stale_after_seconds is not None:
        cutoff = to_utc(rt.clock.now() - timedelta(seconds=stale_after_seconds))
    with session_scope(rt.engine) as session:
        return guidance_issuing.pending_ids(session, cutoff)


def issue_guidance(rt: Runtime, stale_after_seconds: int | None = None) -> int:
    """Number → render, sign and store → record issued and queue its mail, for each pending
    指导意见; returns how many were issued. The mail goes with the next relay. One that fails
    stays pending (logged) and does not stop the others or the sweep's mail relay."""
    issued = 0
    for document_id in pending_guidance(rt, stale_after_seconds):
        try:
            steps.number_document(rt, document_id)
            stored = steps.render_and_store(rt, document_id, guidance_issuing.context)
            steps.mark_issued(rt, document_id, stored, guidance_issuing.record_issued)
        except Exception:  # S3 or the database away: it stays pending, the next sweep retries
            log.warning("指导意见 %s 未能制发，下次清扫重试", document_id, exc_info=True)
            continue
        issued += 1
    return issued
