"""备案 (filing kind): no review; the 备案回执 with its filing number is the result, issued at
once on submission."""

from __future__ import annotations

from sqlmodel import Session

from approvals.casework.transitions import move
from approvals.catalogue import Catalogue
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, local_date, to_utc
from approvals.numbering import next_serial
from models import Application, User


def file(
    session: Session, clock: Clock, catalogue: Catalogue, actor: User, application: Application
) -> Application:
    """Number the filing and queue its receipt (the FILE step names the 备案回执)."""
    now = clock.now()
    serial = next_serial(session, f"filing:{application.item_code}", now.year)
    filing_number = f"{now.year}{application.number.split('-')[0]}{serial:07d}"
    application.accepted_on = application.decided_on = local_date(now)
    move(
        session,
        to_utc(now),
        application,
        Action.FILE,
        actor,
        f"备案号 {filing_number}",
        payload={"filing_number": filing_number, "filed_at": to_utc(now).isoformat()},
    )
    return application
