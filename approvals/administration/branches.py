"""Branches (分局): a staff account belongs to the bureau (市局) or to one district's branch
(郑州市生态环境局××分局, ``approvals.catalogue.districts.BRANCHES``); a branch's reviewers
work the cases of their district. Set by the administrator, audited."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals.admin_guard import record, require_admin
from approvals.administration.staff import STAFF_ROLES
from approvals.catalogue.districts import BRANCHES
from approvals.errors import InvalidInput, NotFound
from models import User

BUREAU_LABEL = "市局"


def branch_label(district: str | None) -> str:
    """The account's unit as staff name it: 市局, or the branch's name in its real form."""
    return BRANCHES[district] if district else BUREAU_LABEL


def set_branch(session: Session, actor: User, user_id: int, district: str, now: datetime) -> User:
    """Put a staff account in the branch of ``district`` ("" for the bureau itself)."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise NotFound("没有该工作人员账号", "no such staff account")
    chosen = district.strip() or None
    if chosen is not None and chosen not in BRANCHES:
        raise InvalidInput("请选择市局或一个分局", f"no branch in {district!r}", field="branch")
    if chosen == user.branch_district:
        return user
    before = branch_label(user.branch_district)
    user.branch_district = chosen
    session.add(user)
    session.flush()
    record(session, actor, now, "staff_branch_changed",
           f"{user.display_name}（{user.username}）的所属单位由{before}改为"
           f"{branch_label(chosen)}")  # fmt: skip
    return user
