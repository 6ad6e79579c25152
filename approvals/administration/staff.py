"""The bureau's staff accounts: list, open (mailed a link to set the password), change role,
disable and enable. The last active administrator cannot be removed, nor can an
administrator demote or disable itself."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from approvals import sessions
from approvals.admin_guard import record, require_admin
from approvals.enterprise import fields, links, mails
from approvals.enterprise.members import NOT_YET_SET
from approvals.enterprise.unlock import LinkMail
from approvals.errors import InvalidInput, NotFound
from models import Role, TokenPurpose, User
from models.enums import ROLE_LABELS

STAFF_ROLES: tuple[Role, ...] = (
    Role.INTAKE_OFFICER,
    Role.CASE_OFFICER,
    Role.SECTION_CHIEF,
    Role.LEADER,
    Role.AUDITOR,
    Role.ADMIN,
)


def list_staff(session: Session, actor: User) -> list[User]:
    require_admin(actor)
    query = select(User).where(col(User.role).in_(STAFF_ROLES)).order_by(col(User.id))
    return list(session.exec(query))


def _role(raw: str) -> Role:
    try:
        role = Role(raw)
    except ValueError:
        role = None
    if role not in STAFF_ROLES:
        raise InvalidInput("请选择工作人员角色", f"not a staff role: {raw!r}", field="role")
    return role


def create_staff(
    session: Session,
    actor: User,
    *,
    username: str,
    display_name: str,
    email: str,
    role: str,
    now: datetime,
    mail: LinkMail,
) -> User:
    """A new staff account; its holder sets the password through the mailed link (7 days)."""
    require_admin(actor)
    chosen = _role(role)
    username = fields.username(username)
    display_name = fields.name(display_name, "display_name", "姓名")
    email = fields.email(email)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise InvalidInput("该用户名已被使用，请换一个", "the username is taken", field="username")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=NOT_YET_SET,
        role=chosen,
        email=email,
        email_verified=False,
    )
    session.add(user)
    session.flush()
    token = links.issue(session, user, TokenPurpose.INVITATION, now)
    mails.queue_link_mail(
        session, user, TokenPurpose.INVITATION, token, base_url=mail.base_url,
        bureau=mail.bureau, now=now,
    )  # fmt: skip
    record(session, actor, now, "staff_created",
           f"开通工作人员账号 {display_name}（{username}，{ROLE_LABELS[chosen]}）")  # fmt: skip
    return user


def _staff(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise NotFound("没有该工作人员账号", "no such staff account")
    return user


def _keep_an_admin(session: Session, actor: User, user: User) -> None:
    if user.id == actor.id:
        raise InvalidInput(
            "不能更改或停用自己的管理员账号", "an administrator cannot demote itself"
        )
    active_admins = session.exec(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.is_active)
    ).one()
    if user.role is Role.ADMIN and user.is_active and active_admins <= 1:
        raise InvalidInput("至少需要保留一个在用的系统管理员", "the last administrator stays")


def change_role(session: Session, actor: User, user_id: int, role: str, now: datetime) -> User:
    """A new role; the holder's open sessions end, so the next page shows the new menu."""
    require_admin(actor)
    user = _staff(session, user_id)
    chosen = _role(role)
    if chosen is user.role:
        return user
    if user.role is Role.ADMIN:
        _keep_an_admin(session, actor, user)
    before = user.role
    user.role = chosen
    session.add(user)
    sessions.revoke_all(session, user_id, now, "role_changed")
    record(session, actor, now, "staff_role_changed",
           f"{user.display_name}（{user.username}）的角色由{ROLE_LABELS[before]}改为"
           f"{ROLE_LABELS[chosen]}")  # fmt: skip
    return user


def set_active(session: Session, actor: User, user_id: int, active: bool, now: datetime) -> User:
    """Disable (every open session ends at once) or enable a staff account."""
    require_admin(actor)
    user = _staff(session, user_id)
    if not active:
        _keep_an_admin(session, actor, user)
    user.is_active = active
    session.add(user)
    ended = 0 if active else sessions.revoke_all(session, user_id, now, "disabled")
    what = "启用" if active else f"停用（结束登录会话{ended}个）"
    record(session, actor, now, "staff_enabled" if active else "staff_disabled",
           f"{what}工作人员账号 {user.display_name}（{user.username}）")  # fmt: skip
    return user
