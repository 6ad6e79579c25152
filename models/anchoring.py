"""Signed checkpoints of the audit chain: the head (event id, hash, count) at a moment, signed
with the bureau's key and copied to the object store, kept apart from the events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import StrEnumType


class CheckpointReason(StrEnum):
    ISSUED = "issued"  # a document was issued: the head includes its "document issued" event
    DAILY = "daily"  # the daily checkpoint of the deadline sweep


class AuditCheckpoint(SQLModel, table=True):
    """The chain head at ``at``. Requested in the transaction that appends the event (an
    outbox row: ``signature`` empty); sealed afterwards: signed, written to the object store
    under ``object_key``, then ``sealed_at`` set."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(index=True)  # no foreign key: a rewritten log must not cascade here
    head_hash: str = Field(max_length=64)
    event_count: int
    at: datetime
    reason: CheckpointReason = Field(sa_type=StrEnumType(CheckpointReason))
    signature: str = Field(default="", max_length=400)  # base64 of the signature
    object_key: str = Field(default="", max_length=300)
    sealed_at: datetime | None = Field(default=None, index=True)
