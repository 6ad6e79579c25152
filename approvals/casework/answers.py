"""Service items (咨询、信息公开、投诉): the case officer answers in writing (答复书)."""

from __future__ import annotations

from sqlmodel import Session

from approvals.casework.queries import get_application_for
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, to_utc
from models import Application, User
from models.schemas import AnswerCreate


def answer(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    data: AnswerCreate,
    expected_version: int | None = None,
) -> Application:
    """Answer the request; the issuing flow numbers, renders and mails the 答复书."""
    application = get_application_for(session, actor, application_id)
    now = clock.now()
    move(
        session,
        to_utc(now),
        application,
        Action.ANSWER,
        actor,
        "已答复",
        expected_version,
        payload={"answer": data.answer, "legal_basis": data.legal_basis},
    )
    return application
