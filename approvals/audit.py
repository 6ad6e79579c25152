"""The audit log: one event per transition, chained by SHA-256 (tamper evidence).

Each event's hash covers its own fields and the previous event's hash. Appends are serialised
(an advisory lock on PostgreSQL; SQLite serialises writers already) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from models import AuditEvent, User
from models.enums import ROLE_LABELS

GENESIS = "0" * 64
_LOCK_KEY = 0x45494141  # "EIAA"


def event_hash(event: AuditEvent, prev_hash: str | None = None) -> str:
    """The hash an event must carry, given its fields and ``prev_hash`` (the event's own, or
    the one given: what the hash would be on a recomputed chain)."""
    fields = {
        "application_id": event.application_id,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
        "at": event.at.isoformat(),
        "prev_hash": event.prev_hash if prev_hash is None else prev_hash,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(
    session: Session,
    *,
    at: datetime,
    application_id: int | None,
    actor_id: int | None,
    actor_name: str,
    actor_role: str,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append an event to the chain inside the caller's transaction (flushes, never commits)."""
    lock_chain(session)
    last = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1))
    prev = last.first() or GENESIS
    event = AuditEvent(
        application_id=application_id,
        actor_id=actor_id,
        actor_name=actor_name,
        actor_role=actor_role,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        at=at,
        prev_hash=prev,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def lock_chain(session: Session) -> None:
    """Hold the chain's append lock until the caller's transaction ends: the last event read
    after it is the head, and no append slips in."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    else:
        # SQLite takes its write lock at the first write: take it before reading the last hash,
        # so an append waiting on an uncommitted one links to it instead of forking the chain.
        session.execute(text("UPDATE auditevent SET id = id WHERE 1 = 0"))


def verify_chain(session: Session) -> tuple[int, AuditEvent | None]:
    """(events checked, the first event whose hash or link does not match — None when the
    chain is intact). Streams the log in id order."""
    prev, checked = GENESIS, 0
    query = select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=2000)
    for event in session.exec(query):
        checked += 1
        if event.prev_hash != prev or event.hash != event_hash(event):
            return checked, event
        prev = event.hash
    return checked, None


def first_broken_event(session: Session) -> AuditEvent | None:
    """The first event whose hash or link does not match, or None when the chain is intact."""
    return verify_chain(session)[1]


SYSTEM_NAME = "系统（自动流程）"  # who acts where no one signed in did: the automated flow
SYSTEM_ROLE = "system"


def record_case(
    session: Session,
    at: datetime,
    application_id: int | None,
    actor: User | None,
    action: str,
    comment: str = "",
    *,
    anonymous: tuple[str, str] = (SYSTEM_NAME, SYSTEM_ROLE),
) -> AuditEvent:
    """Append what ``actor`` did (None: the automated flow, or the ``anonymous`` name and role
    of who acted without an account) on a case (None: on no case), in the caller's
    transaction."""
    name, role = (actor.display_name, ROLE_LABELS[actor.role]) if actor else anonymous
    return append_event(
        session,
        at=at,
        application_id=application_id,
        actor_id=actor.id if actor else None,
        actor_name=name,
        actor_role=role,
        action=action,
        comment=comment,
    )


def record_by(
    session: Session, actor: User, now: datetime, action: str, comment: str
) -> AuditEvent:
    """Append a change that concerns no case (accounts, enterprises, administration) made by
    actor, inside the caller's transaction."""
    return record_case(session, now, None, actor, action, comment)
