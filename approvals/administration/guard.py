"""Who may administer, and the audit event every administrative change appends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals import audit
from approvals.errors import PermissionDenied
from models import Role, User
from models.enums import ROLE_LABELS


def require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以进行该操作", "only the administrator may")


def record(session: Session, actor: User, now: datetime, action: str, comment: str) -> None:
    """Append the change to the audit chain (no case: ``application_id`` is None)."""
    audit.append_event(
        session,
        at=now,
        application_id=None,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action=action,
        comment=comment,
    )
