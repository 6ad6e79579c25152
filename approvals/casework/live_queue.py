"""What a queue looks like right now, in a few bytes: how many cases wait and a fingerprint
that changes whenever one arrives, leaves or moves (every transition bumps a case's version).
Pages poll it to refresh a queue and the menu's count without a reload."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from approvals.casework.queries import queue_for
from models import Application, User


@dataclass(frozen=True)
class QueueState:
    count: int
    fingerprint: str


def fingerprint_of(waiting: Iterable[Application]) -> str:
    """Changes when a case arrives, leaves, moves (its version) or changes warning colour."""
    seen = ",".join(sorted(f"{a.id}:{a.version}:{a.warning}" for a in waiting))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def queue_state(session: Session, user: User) -> QueueState:
    """The state of ``user``'s queue (the same cases as the queue page: the role's, of the
    user's district when the user belongs to a branch)."""
    waiting = queue_for(session, user.role, district=user.branch_district)
    return QueueState(count=len(waiting), fingerprint=fingerprint_of(waiting))
