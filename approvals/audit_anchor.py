"""Signed checkpoints of the audit chain (anchoring): what stops a rewritten history.

The chain (``approvals.audit``) shows that an event was changed only to someone who kept an
old hash: whoever can write to the database can recompute every hash after the change and
the chain is whole again. A checkpoint fixes the head (event id, hash, count, time) with the
bureau's signature, which the database does not hold, and its copy goes to the object store
(other credentials) and its hash onto the public 公告 list (other people's copies).

A checkpoint is requested in the transaction that appends the event it covers (the "document
issued" event: an outbox row, so none is lost) or by the daily sweep, and sealed afterwards:
signed (``Sealer``, an adapter), put to the object store, then marked sealed. The domain
builds the signed bytes and the stored document; signing and storage happen outside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from approvals.audit import lock_chain
from approvals.clock import local_date, to_utc
from models import AuditCheckpoint, AuditEvent, CheckpointReason

PREFIX = "checkpoints/"
FORMAT = "eia-audit-checkpoint/1"


@dataclass(frozen=True)
class Seal:
    """A signature over a checkpoint's payload and the certificate (PEM) that verifies it."""

    signature: str  # base64
    certificate: str


class Sealer(Protocol):
    """Signs with the bureau's key and checks against the bureau's CA (an adapter)."""

    def sign(self, payload: bytes) -> tuple[str, str]:
        """The bureau's signature over ``payload`` (base64) and its certificate (PEM)."""
        ...

    def problem(self, payload: bytes, signature: str, certificate: str) -> str:
        """Why ``signature`` by ``certificate`` is not the bureau's over ``payload``
        (Chinese), or ''."""
        ...


def seal(sealer: Sealer, data: bytes) -> Seal:
    return Seal(*sealer.sign(data))


def payload(checkpoint: AuditCheckpoint, bureau: str) -> bytes:
    """The signed bytes: canonical JSON of what the checkpoint fixes."""
    fields = {
        "format": FORMAT,
        "bureau": bureau,
        "checkpoint_id": checkpoint.id,
        "event_id": checkpoint.event_id,
        "head_hash": checkpoint.head_hash,
        "event_count": checkpoint.event_count,
        "at": to_utc(checkpoint.at).isoformat(),
        "reason": checkpoint.reason.value,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def object_key(checkpoint: AuditCheckpoint) -> str:
    """``checkpoints/{local date}/{id}.json``: deterministic, so a re-sealing overwrites."""
    return f"{PREFIX}{local_date(checkpoint.at).isoformat()}/{checkpoint.id:010d}.json"


def stored_document(checkpoint: AuditCheckpoint, bureau: str, seal: Seal) -> bytes:
    """The small signed JSON written to the object store."""
    document = {
        "payload": payload(checkpoint, bureau).decode(),
        "signature": seal.signature,
        "certificate": seal.certificate,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def request_checkpoint(
    session: Session, at: datetime, reason: CheckpointReason
) -> AuditCheckpoint | None:
    """Fix the current head in the caller's transaction (None when the log is empty). Takes
    the append lock, so the head read is the last event and no append slips in between."""
    lock_chain(session)
    head = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    if head is None or head.id is None:
        return None
    count = _count_through(session, head.id)
    checkpoint = AuditCheckpoint(
        event_id=head.id,
        head_hash=head.hash,
        event_count=int(count),
        at=to_utc(at),
        reason=reason,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def request_daily(session: Session, now: datetime) -> AuditCheckpoint | None:
    """The day's checkpoint, unless one was taken today (Asia/Shanghai) already."""
    today = local_date(now)
    last = latest(session, sealed_only=False)
    if last is not None and local_date(last.at) >= today:
        return None
    return request_checkpoint(session, now, CheckpointReason.DAILY)


def unsealed_ids(session: Session) -> list[int]:
    query = select(AuditCheckpoint.id).where(col(AuditCheckpoint.sealed_at).is_(None))
    return [i for i in session.exec(query.order_by(col(AuditCheckpoint.id))) if i is not None]


def mark_sealed(
    session: Session, checkpoint: AuditCheckpoint, seal: Seal, key: str, at: datetime
) -> None:
    """Record the seal of ``checkpoint``, loaded and locked (``FOR UPDATE``) by the caller."""
    checkpoint.signature, checkpoint.object_key = seal.signature, key
    checkpoint.sealed_at = to_utc(at)
    session.add(checkpoint)
    session.flush()


def latest(session: Session, *, sealed_only: bool = True) -> AuditCheckpoint | None:
    query = select(AuditCheckpoint)
    if sealed_only:
        query = query.where(col(AuditCheckpoint.sealed_at).is_not(None))
    return session.exec(query.order_by(col(AuditCheckpoint.id).desc()).limit(1)).first()


def latest_on_or_before(session: Session, day: date) -> AuditCheckpoint | None:
    """The last sealed checkpoint taken on ``day`` or before (what the 公告 list prints)."""
    for checkpoint in session.exec(
        select(AuditCheckpoint)
        .where(col(AuditCheckpoint.sealed_at).is_not(None))
        .order_by(col(AuditCheckpoint.id).desc())
        .limit(50)
    ):
        if local_date(checkpoint.at) <= day:
            return checkpoint
    return None


def _count_through(session: Session, event_id: int) -> int:
    """How many events up to ``event_id``: the last checkpoint's count plus those since (one
    index range, not the whole log, per issued document)."""
    last = latest(session, sealed_only=False)
    since, base = (last.event_id, last.event_count) if last else (0, 0)
    newer = select(func.count()).select_from(AuditEvent).where(col(AuditEvent.id) > since)
    return base + int(session.exec(newer.where(col(AuditEvent.id) <= event_id)).one())
