"""The expert pool (环境影响评价审查专家库) kept by the administrator: add an expert (an expert
account, mailed a link to set its password), change availability and specialties, retire.
A retired expert keeps its row (its past panels and opinions point to it) but is not
available for a draw and its account is disabled."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import sessions
from approvals.admin_guard import record, require_admin
from approvals.enterprise import fields, links, mails
from approvals.enterprise.members import NOT_YET_SET
from approvals.enterprise.unlock import LinkMail
from approvals.errors import InvalidInput, NotFound
from approvals.joint_review.expert_draw import SPECIALTY_LABELS
from approvals.joint_review.expert_pool import GROUP_NUMBERS
from models import Expert, Role, TokenPurpose, User


def list_experts(session: Session, actor: User) -> list[tuple[Expert, User | None]]:
    require_admin(actor)
    query = select(Expert, User).join(User, col(User.id) == col(Expert.user_id), isouter=True)
    return [(e, u) for e, u in session.exec(query.order_by(col(Expert.id)))]


def _specialties(raw: list[str]) -> list[str]:
    chosen = [s for s in SPECIALTY_LABELS if s in set(raw)]  # the draw's order, no repeats
    if not 1 <= len(chosen) <= 3 or len(set(raw)) != len(chosen):
        raise InvalidInput(
            "请选择1至3个专业领域", "choose 1-3 known specialties", field="specialties"
        )
    return chosen


def _group(raw: int) -> int:
    if raw not in GROUP_NUMBERS:
        raise InvalidInput("请选择专家组（第一至第八组）", "group is 1..8", field="group_no")
    return raw


def add_expert(
    session: Session,
    actor: User,
    *,
    username: str,
    name: str,
    title: str,
    employer: str,
    email: str,
    specialties: list[str],
    group_no: int,
    now: datetime,
    mail: LinkMail,
) -> Expert:
    require_admin(actor)
    username = fields.username(username)
    name = fields.name(name, "name", "姓名", max_length=50)
    title = fields.name(title, "title", "职称", max_length=50)
    employer = fields.name(employer, "employer", "工作单位", max_length=200)
    email = fields.email(email)
    chosen = _specialties(specialties)
    group = _group(group_no)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise InvalidInput("该用户名已被使用，请换一个", "the username is taken", field="username")
    user = User(
        username=username,
        display_name=f"{name}（评审专家）",
        password_hash=NOT_YET_SET,
        role=Role.EXPERT,
        email=email,
        email_verified=False,
    )
    session.add(user)
    session.flush()
    expert = Expert(
        user_id=user.id, name=name, title=title, employer=employer, specialties=chosen,
        group_no=group, available=True, email=email,
    )  # fmt: skip
    session.add(expert)
    session.flush()
    token = links.issue(session, user, TokenPurpose.INVITATION, now)
    mails.queue_link_mail(
        session, user, TokenPurpose.INVITATION, token, base_url=mail.base_url,
        bureau=mail.bureau, now=now,
    )  # fmt: skip
    record(session, actor, now, "expert_added",
           f"专家库新增 {name}（{employer}，{_labels(chosen)}，第{group}组）")  # fmt: skip
    return expert


def _expert(session: Session, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("专家库中没有该专家", "no such expert")
    return expert


def _labels(specialties: list[str]) -> str:
    return "、".join(SPECIALTY_LABELS[s] for s in specialties)


def set_available(
    session: Session, actor: User, expert_id: int, available: bool, now: datetime
) -> Expert:
    require_admin(actor)
    expert = _expert(session, expert_id)
    user = session.get(User, expert.user_id) if expert.user_id else None
    if available and user is not None and not user.is_active:
        raise InvalidInput("该专家已退出专家库，不能设为可抽取", "a retired expert stays out")
    expert.available = available
    session.add(expert)
    what = "可抽取" if available else "暂不可抽取"
    record(session, actor, now, "expert_availability", f"专家 {expert.name} 设为{what}")
    return expert


def set_specialties(
    session: Session, actor: User, expert_id: int, specialties: list[str], now: datetime
) -> Expert:
    require_admin(actor)
    expert = _expert(session, expert_id)
    chosen = _specialties(specialties)
    before = list(expert.specialties)
    expert.specialties = chosen
    session.add(expert)
    record(session, actor, now, "expert_specialties",
           f"专家 {expert.name} 的专业领域由{_labels(before)}改为{_labels(chosen)}")  # fmt: skip
    return expert


def retire(session: Session, actor: User, expert_id: int, now: datetime) -> Expert:
    """Out of the pool for good: not drawn, account disabled, open sessions ended."""
    require_admin(actor)
    expert = _expert(session, expert_id)
    expert.available = False
    session.add(expert)
    user = session.get(User, expert.user_id) if expert.user_id else None
    if user is not None:
        user.is_active = False
        session.add(user)
        sessions.revoke_all(session, user.id or 0, now, "retired")
    record(
        session, actor, now, "expert_retired", f"专家 {expert.name}（{expert.employer}）退出专家库"
    )
    return expert


def is_retired(user: User | None) -> bool:
    return user is not None and not user.is_active
