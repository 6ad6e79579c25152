"""The mail outbox: which messages are due, and recording what happened to them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models import OutboxMail


def next_due(
    session: Session, *, after_id: int = 0, application_id: int | None = None
) -> OutboxMail | None:
    """The oldest unsent message with an id above ``after_id``, locked against a concurrent
    relay on PostgreSQL (``FOR UPDATE SKIP LOCKED``: two relays never take the same message).
    Sending one message per transaction keeps the lock until that message is marked."""
    query = select(OutboxMail).where(
        col(OutboxMail.sent_at).is_(None), col(OutboxMail.id) > after_id
    )
    if application_id is not None:
        query = query.where(OutboxMail.application_id == application_id)
    query = query.order_by(col(OutboxMail.id)).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def due_by_id(session: Session, mail_id: int) -> OutboxMail | None:
    """The message if it is still unsent, locked like ``next_due`` (a relay sending it now and
    the sweep never both take it)."""
    query = select(OutboxMail).where(OutboxMail.id == mail_id, col(OutboxMail.sent_at).is_(None))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def mark_sent(session: Session, mail: OutboxMail, at: datetime) -> None:
    mail.sent_at = at
    mail.attempts += 1
    mail.last_error = ""
    session.add(mail)
    session.flush()


def mark_failed(session: Session, mail: OutboxMail, error: str) -> None:
    mail.attempts += 1
    mail.last_error = error[:2000]
    session.add(mail)
    session.flush()


def mails_of(session: Session, application_id: int) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.application_id == application_id)
    return list(session.exec(query.order_by(col(OutboxMail.id))))
