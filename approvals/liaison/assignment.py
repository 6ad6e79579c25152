"""Key enterprises (万人助万企): the administrator marks an enterprise and assigns its liaison
(包联干部, an active staff user); the liaison follows the enterprise's cases. Services flush;
callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.queries import STAFF_ROLES
from approvals.clock import to_utc
from approvals.errors import InvalidInput, NotFound, PermissionDenied
from models import Application, Enterprise, KeyEnterprise, Role, Status, User
from models.enums import STATUS_LABELS, WARNING_LABELS
from models.ids import id_of
from models.liaison import KeyEnterpriseAssign, KeyEnterprisePublic, LiaisonCase

ASSIGNERS = frozenset({Role.ADMIN})
LIAISON_ROLES = STAFF_ROLES - {Role.AUDITOR, Role.ADMIN}
# Who may read every key enterprise and its cases (besides its own liaison).
OVERSEERS = frozenset({Role.ADMIN, Role.SECTION_CHIEF, Role.LEADER, Role.AUDITOR})


def assign(
    session: Session, now: datetime, actor: User, data: KeyEnterpriseAssign
) -> KeyEnterprise:
    """Mark the enterprise key and give it ``data.liaison_id`` (a new liaison replaces the old)."""
    if actor.role not in ASSIGNERS:
        raise PermissionDenied(
            "由系统管理员确定重点企业和包联干部", "only the administrator assigns"
        )
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None:
        raise InvalidInput("企业不存在", "no such enterprise", field="enterprise_id")
    liaison = session.get(User, data.liaison_id)
    if liaison is None or not liaison.is_active or liaison.role not in LIAISON_ROLES:
        raise InvalidInput(
            "包联干部须为在岗的审批工作人员", "the liaison must be active staff", field="liaison_id"
        )
    row = find(session, data.enterprise_id)
    if row is None:
        row = KeyEnterprise(
            enterprise_id=data.enterprise_id, liaison_id=data.liaison_id, assigned_by=id_of(actor),
            assigned_at=to_utc(now),
        )  # fmt: skip
    row.liaison_id, row.note = data.liaison_id, data.note.strip()
    row.assigned_by, row.assigned_at = id_of(actor), to_utc(now)
    session.add(row)
    session.flush()
    audit.record_by(
        session, actor, to_utc(now), "key_enterprise_assigned",
        f"重点企业 {enterprise.name}，包联干部 {liaison.display_name}",
    )  # fmt: skip
    return row


def unassign(session: Session, now: datetime, actor: User, enterprise_id: int) -> None:
    if actor.role not in ASSIGNERS:
        raise PermissionDenied(
            "由系统管理员确定重点企业和包联干部", "only the administrator assigns"
        )
    row = find(session, enterprise_id)
    if row is None:
        raise NotFound("该企业不是重点企业", "not a key enterprise")
    enterprise = session.get(Enterprise, enterprise_id)
    session.delete(row)
    session.flush()
    name = enterprise.name if enterprise else str(enterprise_id)
    audit.record_by(session, actor, to_utc(now), "key_enterprise_removed", f"取消重点企业 {name}")


def find(session: Session, enterprise_id: int) -> KeyEnterprise | None:
    query = select(KeyEnterprise).where(KeyEnterprise.enterprise_id == enterprise_id)
    return session.exec(query).first()


def liaison_of(session: Session, enterprise_id: int) -> User | None:
    """The enterprise's active liaison, if it is a key enterprise."""
    row = find(session, enterprise_id)
    liaison = session.get(User, row.liaison_id) if row else None
    return liaison if liaison is not None and liaison.is_active else None


def visible(session: Session, actor: User) -> list[KeyEnterprisePublic]:
    """The key enterprises the actor follows: its own as a liaison, all for overseers."""
    query = (
        select(KeyEnterprise, Enterprise, User)
        .join(Enterprise, col(Enterprise.id) == col(KeyEnterprise.enterprise_id))
        .join(User, col(User.id) == col(KeyEnterprise.liaison_id))
        .order_by(col(Enterprise.name))
    )
    if actor.role not in OVERSEERS:
        query = query.where(KeyEnterprise.liaison_id == actor.id)
    return [
        KeyEnterprisePublic(
            enterprise_id=e.enterprise_id,
            enterprise_name=ent.name,
            uscc=ent.uscc,
            liaison_id=e.liaison_id,
            liaison_name=u.display_name,
            note=e.note,
            assigned_at=e.assigned_at,
        )
        for e, ent, u in session.exec(query)
    ]


def require_follower(session: Session, actor: User, enterprise_id: int) -> KeyEnterprise:
    """The key enterprise row if the actor is its liaison or an overseer."""
    row = find(session, enterprise_id)
    if row is None or (actor.role not in OVERSEERS and row.liaison_id != actor.id):
        raise NotFound("没有该重点企业", "no such key enterprise for this user")
    return row


def cases_of(session: Session, actor: User, enterprise_id: int) -> list[LiaisonCase]:
    """The enterprise's cases (not drafts), newest first, with status and clock."""
    require_follower(session, actor, enterprise_id)
    query = (
        select(Application)
        .where(Application.enterprise_id == enterprise_id, Application.status != Status.DRAFT)
        .order_by(col(Application.id).desc())
    )
    return [
        LiaisonCase(
            id=id_of(a),
            number=a.number,
            project_name=a.project_name,
            item_code=a.item_code,
            status=a.status.value,
            status_label=STATUS_LABELS[a.status],
            due_on=a.due_on,
            warning=a.warning.value,
            warning_label=WARNING_LABELS[a.warning],
        )
        for a in session.exec(query)
    ]
