"""What a queue looks like right now, in a few bytes: how many cases wait and a fingerprint
that changes whenever one arrives, leaves or moves (every transition bumps a case's version).
Pages poll it to refresh a queue and the menu's count without a reload."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from approvals.services.queries import queue_for
from models import Application, Role


@dataclass(frozen=True)
class QueueState:
    count: int
    fingerprint: str


def fingerprint_of(waiting: Iterable[Application]) -> str:
    """Changes when a case arrives, leaves, moves (its version) or changes warning colour."""
    seen = ",".join(sorted(f"{a.id}:{a.version}:{a.warning}" for a in waiting))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def queue_state(session: Session, role: Role) -> QueueState:
    """The state of ``role``'s queue (the same cases as the queue page)."""
    waiting = queue_for(session, role)
    return QueueState(count=len(waiting), fingerprint=fingerprint_of(waiting))
