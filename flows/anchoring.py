"""Sealing the audit chain's checkpoints (sign → object store → mark sealed) and checking the
chain against them. Sealing is idempotent: a checkpoint's object key is fixed by its id, so a
crash between the store and the record writes the same object again."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from approvals import audit_anchor
from approvals.audit_anchor_check import AnchorReport, parse_stored, verify_anchored
from core.db import session_scope
from core.settings import Settings
from documents.checkpoint_seal import checkpoint_sealer
from flows.runtime import Runtime
from models import AuditCheckpoint
from storage import ObjectStore

LOG = logging.getLogger(__name__)


def seal_checkpoints(rt: Runtime) -> int:
    """Sign and store every requested checkpoint; returns how many were sealed."""
    with session_scope(rt.engine) as session:
        ids = audit_anchor.unsealed_ids(session)
    if not ids:
        return 0
    sealer, bureau = checkpoint_sealer(rt.settings), rt.settings.bureau_name
    sealed = len(ids)
    for checkpoint_id in ids:
        with session_scope(rt.engine) as session:
            # locked while signed and stored: a sweep and a worker never both write its copy
            checkpoint = session.get(AuditCheckpoint, checkpoint_id, with_for_update=True)
            if checkpoint is None or checkpoint.sealed_at is not None:
                sealed -= 1  # another run sealed it meanwhile
                continue
            payload, key = (
                audit_anchor.payload(checkpoint, bureau),
                audit_anchor.object_key(checkpoint),
            )
            if rt.store.exists(key):  # sealed before a crash kept the record, or a forgery
                try:
                    seal = _existing_seal(rt.store.get(key), payload, key)
                except CheckpointConflict as exc:  # left unsealed: eia audit verify names it
                    LOG.error("%s", exc)
                    sealed -= 1
                    continue
            else:
                seal = audit_anchor.seal(sealer, payload)
                document = audit_anchor.stored_document(checkpoint, bureau, seal)
                rt.store.put(key, document, "application/json")
            audit_anchor.mark_sealed(session, checkpoint, seal, key, rt.clock.now())
            session.commit()
    return sealed


def _existing_seal(data: bytes, payload: bytes, key: str) -> audit_anchor.Seal:
    """The copy already stored, when it fixes the same head. A signed copy is never
    overwritten: a database row changed after its sealing (its ``sealed_at`` cleared and its
    head rewritten) must not get the bureau's signature over the new head."""
    stored = parse_stored(key, data)
    if stored is None or stored.payload != payload:
        raise CheckpointConflict(
            f"检查点 {key} 已有签名副本，与数据库记录不符：拒绝重新签名（请运行 eia audit verify）"
        )
    return stored.seal


class CheckpointConflict(RuntimeError):
    """A checkpoint row disagrees with the signed copy already stored under its key."""


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
