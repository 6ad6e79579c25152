"""An enterprise registers itself: the enterprise, its first user (the enterprise's account
administrator), and a mailed link that verifies the user's mailbox. Until it is verified the
account can sign in but cannot apply (``approvals.casework.cases.create_application``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from approvals import audit
from approvals.accounts import hash_password
from approvals.enterprise import fields, links, mails, throttle
from approvals.enterprise.passwords import check_password
from approvals.enterprise.unlock import LinkMail
from approvals.errors import InvalidInput
from models import (
    MEMBER_KIND_LABELS,
    Enterprise,
    MemberKind,
    RequestKind,
    Role,
    TokenPurpose,
    User,
)
from models.enums import ROLE_LABELS

DUPLICATE_USCC = (
    "该统一社会信用代码已注册企业账号，不能重复注册。如需增加本企业的使用人员，请联系本企业账号"
    "管理员在“企业账号管理”中邀请；如忘记密码，请在登录页使用“忘记密码”找回。"
)


@dataclass(frozen=True)
class Registration:
    uscc: str
    enterprise_name: str
    legal_representative: str
    username: str
    display_name: str
    email: str
    phone: str
    password: str
    member_kind: MemberKind = MemberKind.HANDLER
    password_again: str | None = None  # a form's second entry, checked when given


def register_enterprise(
    session: Session, data: Registration, *, address: str, now: datetime, mail: LinkMail
) -> User:
    """Create the enterprise and its administrator user (unverified) and queue the
    verification mail; the new user. Throttled per client address (the request counts even
    when it is refused afterwards: the caller commits on ``InvalidInput``). Flushes."""
    throttle.admit(session, RequestKind.REGISTRATION, address, now)
    problems: dict[str, str] = {}  # every field's problem at once, each named by its field

    def checked(check: Callable[[], str]) -> str:
        try:
            return check()
        except InvalidInput as exc:
            problems.setdefault(str(exc.details.get("field", "")), exc.message_zh)
            return ""

    uscc = checked(lambda: fields.uscc(data.uscc))
    enterprise_name = checked(
        lambda: fields.name(data.enterprise_name, "enterprise_name", "企业名称", 200)
    )
    legal_representative = checked(
        lambda: fields.name(data.legal_representative, "legal_representative", "法定代表人", 50)
    )
    username = checked(lambda: fields.username(data.username))
    display_name = checked(lambda: fields.name(data.display_name, "display_name", "姓名"))
    email = checked(lambda: fields.email(data.email))
    phone = checked(lambda: fields.phone(data.phone))
    checked(lambda: _password(data.password, username, email))
    if data.password_again is not None and data.password_again != data.password:
        problems.setdefault("password_again", "两次输入的密码不一致")
    if uscc and session.exec(select(Enterprise.id).where(Enterprise.uscc == uscc)).first():
        problems["uscc"] = DUPLICATE_USCC
    if username and session.exec(select(User.id).where(User.username == username)).first():
        problems["username"] = "该用户名已被使用，请换一个"
    if problems:
        raise InvalidInput(
            "；".join(problems.values()),
            f"the registration has {len(problems)} problem(s)",
            field=next(iter(problems)),
            fields=problems,
        )
    enterprise = Enterprise(
        uscc=uscc,
        name=enterprise_name,
        email=email,
        legal_representative=legal_representative,
        registered_at=now,
    )
    session.add(enterprise)
    try:
        session.flush()
        user = User(
            username=username,
            display_name=display_name,
            password_hash=hash_password(data.password),
            role=Role.APPLICANT,
            email=email,
            phone=phone,
            enterprise_id=enterprise.id,
            email_verified=False,
            member_kind=data.member_kind,
            is_enterprise_admin=True,
        )
        session.add(user)
        session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same USCC or username won
        raise InvalidInput(DUPLICATE_USCC, "registered concurrently", field="uscc") from exc
    audit.append_event(
        session,
        at=now,
        application_id=None,
        actor_id=user.id,
        actor_name=display_name,
        actor_role=ROLE_LABELS[Role.APPLICANT],
        action="enterprise_registered",
        comment=(
            f"企业自助注册：{enterprise_name}（{uscc}），法定代表人 {legal_representative}；"
            f"账号管理员 {username}（{MEMBER_KIND_LABELS[data.member_kind]}），来源地址 {address}"
        ),
    )
    send_verification(session, user, now, mail, enterprise_name=enterprise_name)
    return user


def send_verification(
    session: Session, user: User, now: datetime, mail: LinkMail, *, enterprise_name: str
) -> None:
    """Queue (again) the verification mail; earlier links stop working. Flushes."""
    token = links.issue(session, user, TokenPurpose.VERIFY_EMAIL, now)
    mails.queue_link_mail(
        session, user, TokenPurpose.VERIFY_EMAIL, token, base_url=mail.base_url,
        bureau=mail.bureau, now=now, enterprise_name=enterprise_name,
    )  # fmt: skip


def _password(password: str, username: str, email: str) -> str:
    check_password(password, username=username, email=email)
    return ""


def verify_email(session: Session, token: str, now: datetime) -> User:
    """Use a verification link: the user's mailbox is verified (audited; flushes)."""
    user = links.consume(session, token, TokenPurpose.VERIFY_EMAIL, now)
    if not user.email_verified:
        user.email_verified = True
        session.add(user)
        audit.append_event(
            session,
            at=now,
            application_id=None,
            actor_id=user.id,
            actor_name=user.display_name,
            actor_role=ROLE_LABELS[user.role],
            action="email_verified",
            comment=f"邮箱验证通过：{user.email}",
        )
    session.flush()
    return user
