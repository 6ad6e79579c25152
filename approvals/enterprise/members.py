"""Several people per enterprise (法定代表人 / 经办人), managed by the enterprise's own account
administrator (the user who registered it): invite by mail (the invited person sets a
password through the link), list, disable, enable. Every change is an audit event."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit, sessions
from approvals.enterprise import fields, links, mails
from approvals.enterprise.unlock import LinkMail
from approvals.errors import InvalidInput, NotFound, PermissionDenied
from models import MEMBER_KIND_LABELS, Enterprise, MemberKind, Role, TokenPurpose, User

NOT_YET_SET = "!invited"  # not an argon2 hash: no password signs in until the link is used


def require_admin(actor: User) -> int:
    """The enterprise ``actor`` administers, or ``PermissionDenied``."""
    if actor.role is not Role.APPLICANT or not actor.is_enterprise_admin or not actor.enterprise_id:
        raise PermissionDenied(
            "只有本企业的账号管理员可以管理企业账号", "only the enterprise's administrator may"
        )
    return actor.enterprise_id


def members_of(session: Session, actor: User) -> list[User]:
    enterprise_id = require_admin(actor)
    query = select(User).where(User.enterprise_id == enterprise_id).order_by(col(User.id))
    return list(session.exec(query))


def invite_member(
    session: Session,
    actor: User,
    *,
    username: str,
    display_name: str,
    email: str,
    phone: str,
    member_kind: MemberKind,
    now: datetime,
    mail: LinkMail,
) -> User:
    """A new user of the actor's enterprise, mailed a link to set a password (7 days)."""
    enterprise_id = require_admin(actor)
    username = fields.username(username)
    display_name = fields.name(display_name, "display_name", "姓名")
    email = fields.email(email)
    phone = fields.phone(phone)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise InvalidInput("该用户名已被使用，请换一个", "the username is taken", field="username")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=NOT_YET_SET,
        role=Role.APPLICANT,
        email=email,
        phone=phone,
        enterprise_id=enterprise_id,
        email_verified=False,
        member_kind=member_kind,
    )
    session.add(user)
    session.flush()
    enterprise = session.get(Enterprise, enterprise_id)
    token = links.issue(session, user, TokenPurpose.INVITATION, now)
    mails.queue_link_mail(
        session, user, TokenPurpose.INVITATION, token, base_url=mail.base_url,
        bureau=mail.bureau, now=now, enterprise_name=enterprise.name if enterprise else "",
    )  # fmt: skip
    audit.record_by(
        session, actor, now, "member_invited",
        f"邀请{MEMBER_KIND_LABELS[member_kind]} {display_name}（{username}，{email}）",
    )  # fmt: skip
    return user


def set_active(session: Session, actor: User, user_id: int, active: bool, now: datetime) -> User:
    """Disable (every session ends) or enable a member of the actor's enterprise."""
    enterprise_id = require_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.enterprise_id != enterprise_id:
        raise NotFound("本企业没有该用户", "no such member")
    if user.id == actor.id:
        raise InvalidInput("不能停用自己的账号", "an administrator cannot disable itself")
    user.is_active = active
    session.add(user)
    ended = 0 if active else sessions.revoke_all(session, user_id, now, "disabled")
    what = "启用" if active else f"停用（结束登录会话{ended}个）"
    audit.record_by(session, actor, now, "member_enabled" if active else "member_disabled",
           f"{what}本企业用户 {user.display_name}（{user.username}）")  # fmt: skip
    return user
