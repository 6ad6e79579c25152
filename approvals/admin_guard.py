"""Who may administer, and the audit event every administrative change appends."""

from __future__ import annotations

from approvals.audit import record_by as record
from approvals.errors import PermissionDenied
from models import Role, User

__all__ = ["record", "require_admin"]


def require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以进行该操作", "only the administrator may")
