"""Sealing the audit chain's checkpoints (sign → object store → mark sealed) and checking the
chain against them. Sealing is idempotent: a checkpoint's object key is fixed by its id, so a
crash between the store and the record writes the same object again."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from approvals import audit_anchor
from approvals.audit_anchor_check import AnchorReport, verify_anchored
from core.db import session_scope
from core.settings import Settings
from documents.checkpoint_seal import checkpoint_sealer
from flows.runtime import Runtime
from models import AuditCheckpoint
from storage import ObjectStore


def seal_checkpoints(rt: Runtime) -> int:
    """Sign and store every requested checkpoint; returns how many were sealed."""
    with session_scope(rt.engine) as session:
        ids = audit_anchor.unsealed_ids(session)
    if not ids:
        return 0
    sealer, bureau = checkpoint_sealer(rt.settings), rt.settings.bureau_name
    for checkpoint_id in ids:
        with session_scope(rt.engine) as session:
            checkpoint = session.get(AuditCheckpoint, checkpoint_id)
            if checkpoint is None or checkpoint.sealed_at is not None:
                continue  # another run sealed it meanwhile
            seal = audit_anchor.seal(sealer, audit_anchor.payload(checkpoint, bureau))
            key = audit_anchor.object_key(checkpoint)
            document = audit_anchor.stored_document(checkpoint, bureau, seal)
            rt.store.put(key, document, "application/json")
            audit_anchor.mark_sealed(session, checkpoint_id, seal, key, rt.clock.now())
            session.commit()
    return len(ids)


def checkpoint_daily(rt: Runtime) -> int:
    """The day's checkpoint (once a day, Asia/Shanghai), then seal what is pending."""
    with session_scope(rt.engine) as session:
        audit_anchor.request_daily(session, rt.clock.now())
        session.commit()
    return seal_checkpoints(rt)


def verify_with_checkpoints(engine: Engine, store: ObjectStore, settings: Settings) -> AnchorReport:
    """The chain checked against every signed copy in the object store."""
    copies = [(key, store.get(key)) for key in store.keys(audit_anchor.PREFIX)]
    with session_scope(engine) as session:
        # the key files are read only when there is a signature to check
        return verify_anchored(session, copies, checkpoint_sealer(settings) if copies else None)
