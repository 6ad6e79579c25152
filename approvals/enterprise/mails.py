"""The account mails (verification, reset, unlock, invitation): one function queues them all
in the outbox, from ``templates/email/account_*.txt``; the link carries the one-time token."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import quote

from sqlmodel import Session

from approvals.clock import as_local
from approvals.notifications import render_text
from models import OutboxMail, TokenPurpose, User

_QUEUED = "account_mail_ids"
PATHS: dict[TokenPurpose, str] = {
    TokenPurpose.VERIFY_EMAIL: "/verify-email",
    TokenPurpose.RESET_PASSWORD: "/password/reset",
    TokenPurpose.UNLOCK: "/unlock",
    TokenPurpose.INVITATION: "/invitation",
}
SUBJECTS: dict[TokenPurpose, str] = {
    TokenPurpose.VERIFY_EMAIL: "请验证您的注册邮箱",
    TokenPurpose.RESET_PASSWORD: "重置登录密码",
    TokenPurpose.UNLOCK: "账号已锁定：解锁链接",
    TokenPurpose.INVITATION: "邀请您使用企业账号",
}


def link(base_url: str, purpose: TokenPurpose, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATHS[purpose]}?token={quote(token)}"


def queue_link_mail(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    token: str,
    *,
    base_url: str,
    bureau: str,
    now: datetime,
    enterprise_name: str = "",
) -> OutboxMail:
    """Queue the mail carrying ``token``'s link to ``user`` (flushes; the caller commits;
    the relay or the outbox sweep sends it)."""
    body = render_text(
        f"account_{purpose.value}.txt",
        user=user,
        link=link(base_url, purpose, token),
        bureau=bureau,
        enterprise_name=enterprise_name,
        sent_at=f"{as_local(now):%Y-%m-%d %H:%M}",
    )
    mail = OutboxMail(
        message_id=f"<account-{purpose.value}-{user.id}-{secrets.token_hex(8)}@eia.local>",
        application_id=None,
        to_addr=user.email,
        subject=f"【{bureau}】{SUBJECTS[purpose]}",
        body=body,
        created_at=now,
    )
    session.add(mail)
    session.flush()
    session.info.setdefault(_QUEUED, []).append(mail.id)
    return mail


def queued_in(session: Session) -> list[int]:
    """The ids of the account mails this session queued (and forgets them): after its commit
    the API sends them at once instead of leaving them to the outbox sweep."""
    return list(session.info.pop(_QUEUED, []))
