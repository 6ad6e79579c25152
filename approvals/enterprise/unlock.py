"""The unlock link mailed when a username locks (``approvals.sign_in`` calls this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from approvals.enterprise import links, mails
from models import TokenPurpose, User


@dataclass(frozen=True)
class LinkMail:
    """Where mailed links point and who signs the mail."""

    base_url: str
    bureau: str


def queue_unlock_mail(session: Session, user: User, now: datetime, sender: LinkMail) -> None:
    """Mail ``user`` a one-time unlock link (nothing for a disabled account; flushes)."""
    if not user.is_active or not user.email:
        return
    token = links.issue(session, user, TokenPurpose.UNLOCK, now)
    mails.queue_link_mail(
        session, user, TokenPurpose.UNLOCK, token, base_url=sender.base_url,
        bureau=sender.bureau, now=now,
    )  # fmt: skip
