"""What the 听证通知书 and the 听证笔录 print (the issuing step calls these)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from approvals.catalogue import lawbook
from approvals.clock import as_local
from approvals.participation.hearings.conduct import parties_to_confirm
from approvals.participation.hearings.lookup import active_requests, requests_of
from models import Application, Hearing, User
from models.hearings import MODE_LABELS, PARTY_LABELS


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user else ""


def notice_context(session: Session, hearing_id: int, contact: str) -> dict[str, Any]:
    hearing = session.get(Hearing, hearing_id)
    assert hearing is not None and hearing.scheduled_at is not None and hearing.mode
    application = session.get(Application, hearing.application_id)
    assert application is not None
    requests = active_requests(session, hearing_id)
    return {
        "hearing": {
            "scheduled_at": as_local(hearing.scheduled_at),
            "mode": MODE_LABELS[hearing.mode],
            "online": hearing.mode.value == "online",
            "place": hearing.place,
            "presiding": _name(session, hearing.presiding_officer_id),
            "reviewer": _name(session, hearing.reviewer_id),
            "recorder": hearing.recorder,
            "ordered": hearing.origin.value == "ordered",
        },
        "requesters": [{"party": PARTY_LABELS[r.party], "name": r.name} for r in requests],
        "hearing_basis": lawbook.HEARING_BASIS,
        "contact": contact,
    }


def record_context(session: Session, hearing_id: int) -> dict[str, Any]:
    hearing = session.get(Hearing, hearing_id)
    assert hearing is not None and hearing.held_at is not None and hearing.mode
    application = session.get(Application, hearing.application_id)
    assert application is not None
    confirmations = {c["name"]: c for c in hearing.confirmations}
    return {
        "hearing": {
            "held_at": as_local(hearing.held_at),
            "mode": MODE_LABELS[hearing.mode],
            "place": hearing.place,
            "presiding": _name(session, hearing.presiding_officer_id),
            "recorder": hearing.recorder,
            "public": True,
        },
        "requesters": [
            {"party": PARTY_LABELS[r.party], "name": r.name, "reasons": r.reasons}
            for r in requests_of(session, hearing_id)
            if r.withdrawn_at is None
        ],
        "participants": hearing.participants,
        "review_opinion": hearing.review_opinion,
        "statements": hearing.statements,
        "evidence": hearing.evidence,
        "adoption_note": hearing.adoption_note,
        "confirmations": [
            confirmations[name]
            for name in parties_to_confirm(session, application, hearing)
            if name in confirmations
        ],
    }
