"""Issuing a consultation's 指导意见 through the document machinery: the same numbering,
rendering, bureau signature, object store and mail outbox as a case's documents; each step
idempotent. Run by the ``sweep-outbox`` flow (pending ones), in process after the request in
inline mode, and by the simulator. The reminder of a booked consultation is a step of the
deadline sweep (``flows.deadlines.remind_consultations``)."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from approvals.clock import to_utc
from approvals.consultation import issuing as guidance_issuing
from approvals.services import issuing
from core.db import session_scope
from documents.render import render_pdf
from documents.signing import bureau_signer
from flows import anchoring, steps
from flows.runtime import Runtime
from models import Document, DocumentState

log = logging.getLogger(__name__)


def pending_guidance(rt: Runtime, stale_after_seconds: int | None = None) -> list[int]:
    """Pending 指导意见 (older than ``stale_after_seconds``, when given)."""
    cutoff = None
    if stale_after_seconds is not None:
        cutoff = to_utc(rt.clock.now() - timedelta(seconds=stale_after_seconds))
    with session_scope(rt.engine) as session:
        return guidance_issuing.pending_ids(session, cutoff)


def render_and_store(rt: Runtime, document_id: int) -> dict[str, object]:
    """Render, sign and store the PDF under its number and digest (as a case's document)."""
    with session_scope(rt.engine) as session:
        issued = session.get(Document, document_id)
        if issued is not None and issued.state is DocumentState.ISSUED and issued.object_key:
            return {"key": issued.object_key, "sha256": issued.sha256, "size": issued.size}
        context = guidance_issuing.context(
            session,
            rt.catalogue,
            document_id,
            issuer=rt.settings.bureau_name,
            base_url=rt.settings.public_base_url,
        )
        document = session.get(Document, document_id)
        assert document is not None
        session.expunge(document)
    pdf = bureau_signer(rt.settings).sign(render_pdf(str(context["template"]), context))
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = issuing.object_key(document, sha256)
    rt.store.put(key, pdf, "application/pdf")
    return {"key": key, "sha256": sha256, "size": len(pdf)}


def mark_issued(rt: Runtime, document_id: int, stored: dict[str, object]) -> None:
    with session_scope(rt.engine) as session:
        document = guidance_issuing.record_issued(
            session,
            rt.clock,
            document_id,
            key=str(stored["key"]),
            sha256=str(stored["sha256"]),
            size=int(stored["size"]),  # type: ignore[call-overload]
            issuer=rt.settings.bureau_name,
            issuer_code=rt.settings.bureau_uscc,
        )
        session.commit()
        recorded, prefix = document.object_key, issuing.object_prefix(document)
    for key in rt.store.keys(prefix):  # another run's rendering, or ours when it lost the race
        if key != recorded:
            rt.store.delete(key)
    anchoring.seal_checkpoints(rt)  # the checkpoint the issue requested (else: the sweep)


def issue_guidance(rt: Runtime, stale_after_seconds: int | None = None) -> int:
    """Number → render, sign and store → record issued and queue its mail, for each pending
    指导意见; returns how many were issued. The mail goes with the next relay. One that fails
    stays pending (logged) and does not stop the others or the sweep's mail relay."""
    issued = 0
    for document_id in pending_guidance(rt, stale_after_seconds):
        try:
            steps.number_document(rt, document_id)
            stored = render_and_store(rt, document_id)
            mark_issued(rt, document_id, stored)
        except Exception:  # S3 or the database away: it stays pending, the next sweep retries
            log.warning("指导意见 %s 未能制发，下次清扫重试", document_id, exc_info=True)
            continue
        issued += 1
    return issued
