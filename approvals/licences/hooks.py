"""How licences join the shared case logic (casework.hooks): an approved licence item's
decision changes the enterprise's licence (and queues its certificate) when it is signed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals.casework.hooks import CaseHooks
from approvals.catalogue import Item
from approvals.licences.service import apply_decision
from models import Application, Decision, Outcome


def _apply(
    session: Session, moment: datetime, application: Application, item: Item, decision: Decision
) -> None:
    if decision.outcome is Outcome.APPROVE and item.licence is not None:
        apply_decision(session, moment, application, item)


def register(hooks: CaseHooks) -> None:
    hooks.on_signed.append(_apply)
