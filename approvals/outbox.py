"""The mail outbox: which messages are due, and recording what happened to them.

A relay claims a message (a lease, committed at once), sends it holding no database
connection, then records the outcome in a new short transaction. Two relays never take the
same message while its lease runs (``FOR UPDATE SKIP LOCKED`` and a conditional update); a
relay that died mid-send leaves the lease to run out, and the message goes again with the
same Message-ID (delivery is at least once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from models import OutboxMail

LEASE_SECONDS = 300.0  # far above one SMTP send (its timeout is EIA_SMTP_TIMEOUT_SECONDS)


def _claimable(now: datetime, lease_seconds: float) -> tuple[ColumnElement[bool], ...]:
    return (
        col(OutboxMail.sent_at).is_(None),
        or_(
            col(OutboxMail.claimed_at).is_(None),
            col(OutboxMail.claimed_at) <= now - timedelta(seconds=lease_seconds),
        ),
    )


def _take(
    session: Session, mail: OutboxMail | None, now: datetime, lease: float
) -> OutboxMail | None:
    if mail is None:
        return None
    result = session.execute(
        update(OutboxMail)
        .where(col(OutboxMail.id) == mail.id, *_claimable(now, lease))
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
        return None
    set_committed_value(mail, "claimed_at", now)  # what the update wrote: no reload
    return mail


def claim_next(
    session: Session,
    now: datetime,
    *,
    after_id: int = 0,
    application_id: int | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> OutboxMail | None:
    """Claim the oldest unsent, unclaimed message with an id above ``after_id`` (the caller
    commits before sending). ``None`` when there is none; a message a concurrent relay took
    between the read and the update is skipped by returning the next call's answer."""
    for _ in range(3):
        query = select(OutboxMail).where(
            *_claimable(now, lease_seconds), col(OutboxMail.id) > after_id
        )
        if application_id is not None:
            query = query.where(OutboxMail.application_id == application_id)
        query = query.order_by(col(OutboxMail.id)).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        mail = session.exec(query).first()
        if mail is None:
            return None
        taken = _take(session, mail, now, lease_seconds)
        if taken is not None:
            return taken
        after_id = mail.id or after_id
    return None


def claim_by_id(
    session: Session, mail_id: int, now: datetime, *, lease_seconds: float = LEASE_SECONDS
) -> OutboxMail | None:
    """Claim this message if it is still unsent and nobody holds it (like ``claim_next``)."""
    query = select(OutboxMail).where(OutboxMail.id == mail_id, *_claimable(now, lease_seconds))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return _take(session, session.exec(query).first(), now, lease_seconds)


def mark_sent(session: Session, mail_id: int, at: datetime) -> None:
    session.execute(
        update(OutboxMail)
        .where(col(OutboxMail.id) == mail_id)
        .values(
            sent_at=at,
            claimed_at=None,
            attempts=col(OutboxMail.attempts) + 1,
            last_error="",
        )
    )
    session.flush()


def mark_failed(session: Session, mail_id: int, error: str) -> None:
    """Record the failure and release the claim: the next relay (the sweep) tries again."""
    session.execute(
        update(OutboxMail)
        .where(col(OutboxMail.id) == mail_id)
        .values(
            claimed_at=None,
            attempts=col(OutboxMail.attempts) + 1,
            last_error=error[:2000],
        )
    )
    session.flush()


def mails_of(session: Session, application_id: int) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.application_id == application_id)
    return list(session.exec(query.order_by(col(OutboxMail.id))))
