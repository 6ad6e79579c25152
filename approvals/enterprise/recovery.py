"""Getting back in: password reset by a mailed one-time link (no account enumeration: the
answer is the same whether the address belongs to an account), and the unlock link mailed
when a username locks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from approvals import audit, sessions, sign_in
from approvals.accounts import hash_password
from approvals.enterprise import links, mails, throttle
from approvals.enterprise.passwords import check_password
from approvals.enterprise.unlock import LinkMail
from approvals.errors import InvalidInput
from models import RequestKind, TokenPurpose, User

MAX_EMAIL_LENGTH = 254


def admit_reset_request(session: Session, *, address: str, now: datetime) -> None:
    """Count a reset request against the client address's budget (``TooManyAttempts`` when
    it is spent; flushes, the caller commits)."""
    throttle.admit(session, RequestKind.PASSWORD_RESET, address, now)


def mail_reset_links(session: Session, email: str, *, now: datetime, mail: LinkMail) -> int:
    """Mail a reset link to every active account with this address; how many (never told to
    the requester: the API does this after its answer has gone, so neither the answer nor
    its timing says whether the address has an account). Flushes."""
    wanted = email.strip().lower()
    if not wanted or len(wanted) > MAX_EMAIL_LENGTH:
        return 0
    users = session.exec(
        select(User).where(func.lower(User.email) == wanted, col(User.is_active).is_(True))
    ).all()
    for user in users:
        token = links.issue(session, user, TokenPurpose.RESET_PASSWORD, now)
        mails.queue_link_mail(
            session, user, TokenPurpose.RESET_PASSWORD, token, base_url=mail.base_url,
            bureau=mail.bureau, now=now,
        )  # fmt: skip
    return len(users)


def reset_password(session: Session, token: str, new_password: str, now: datetime) -> User:
    """Set a new password through a reset link: the link is used up, every session of the
    user ends, a lock is lifted and the mailbox counts as verified (the link proved it).
    A password the policy refuses leaves the link usable. Audited; flushes."""
    user = links.peek(session, token, TokenPurpose.RESET_PASSWORD, now)
    check_password(new_password, username=user.username, email=user.email, field="new_password")
    user = links.consume(session, token, TokenPurpose.RESET_PASSWORD, now)
    return _set_password(session, user, new_password, now, "password_reset", "通过邮件链接重置密码")


def set_invited_password(session: Session, token: str, password: str, now: datetime) -> User:
    """An invited member sets the first password through the invitation link (the link
    proves the mailbox). Audited; flushes."""
    user = links.peek(session, token, TokenPurpose.INVITATION, now)
    if not user.is_active:
        raise InvalidInput(
            "该账号已被本企业停用，邀请失效", "the account is disabled", field="token"
        )
    check_password(password, username=user.username, email=user.email, field="new_password")
    user = links.consume(session, token, TokenPurpose.INVITATION, now)
    return _set_password(session, user, password, now, "invitation_accepted", "接受邀请并设置密码")


def unlock(session: Session, token: str, now: datetime, address: str = "") -> User:
    """Use an unlock link: the username's lock ends now. Audited; flushes."""
    user = links.consume(session, token, TokenPurpose.UNLOCK, now)
    sign_in.lift_lock(session, user.username, now, address)
    audit.record_by(
        session, user, now, "sign_in_unlocked", f"通过邮件链接解除登录锁定（来源地址 {address}）"
    )
    return user


def _set_password(
    session: Session, user: User, password: str, now: datetime, action: str, what: str
) -> User:
    assert user.id is not None
    user.password_hash = hash_password(password)
    user.token_generation += 1
    user.email_verified = True
    session.add(user)
    ended = sessions.revoke_all(session, user.id, now, "password_reset")
    sign_in.lift_lock(session, user.username, now)
    audit.record_by(session, user, now, action, f"{what}，结束登录会话{ended}个")
    return user
