"""Send the account mails a request queued, right after its commit (a background task).

The mail is already safe in the outbox when this runs: if sending fails here, the outbox
sweep (``sweep-outbox``) sends it later. A person waiting for a verification or reset link
should not wait for the sweep's interval, hence this shortcut for account mail (it has no
attachments and no case).
"""

from __future__ import annotations

import logging

from fastapi import BackgroundTasks
from sqlmodel import Session

from api.auth import link_mail, wall_now
from api.dispatching import shielded
from api.services import AppServices
from approvals import outbox
from approvals.enterprise import recovery
from approvals.enterprise.mails import queued_in
from core.db import session_scope
from mail import MailError, build_message, build_sender

log = logging.getLogger(__name__)


def send_after_commit(background: BackgroundTasks, services: AppServices, session: Session) -> None:
    """Schedule sending the account mails ``session`` queued (call after its commit)."""
    ids = queued_in(session)
    if ids:
        background.add_task(shielded, send_now, services, ids)


def reset_links_after_response(
    background: BackgroundTasks, services: AppServices, email: str
) -> None:
    """Look the address up, and mail its accounts reset links, after the answer is sent: the
    answer and its timing are the same whether or not the address has an account."""
    background.add_task(_mail_reset_links, services, email)


def _mail_reset_links(services: AppServices, email: str) -> None:
    with session_scope(services.engine) as session:
        recovery.mail_reset_links(session, email, now=wall_now(), mail=link_mail(services.settings))
        session.commit()
        ids = queued_in(session)
    send_now(services, ids)


def send_now(services: AppServices, mail_ids: list[int]) -> int:
    """Send these outbox messages unless sent (or being sent) already; how many went out.
    Each is claimed and committed first: no connection is held while the SMTP server talks."""
    sender = build_sender(services.settings)
    sent = 0
    for mail_id in mail_ids:
        with session_scope(services.engine) as session:
            mail = outbox.claim_by_id(session, mail_id, wall_now())
            session.commit()
        if mail is None:
            continue
        error = ""
        try:
            sender.send(
                build_message(
                    message_id=mail.message_id,
                    sender=services.settings.mail_from,
                    to=mail.to_addr,
                    subject=mail.subject,
                    body=mail.body,
                )
            )
        except (MailError, OSError, ValueError) as exc:  # kept for the sweep, recorded
            error = f"{type(exc).__name__}: {exc}"
            log.warning("account mail %s not sent now; the sweep retries: %s", mail_id, exc)
        with session_scope(services.engine) as session:
            if error:
                outbox.mark_failed(session, mail_id, error)
            else:
                outbox.mark_sent(session, mail_id, wall_now())
                sent += 1
            session.commit()
    return sent
