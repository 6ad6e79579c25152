"""Service items (咨询、信息公开、投诉): the case officer answers in writing (答复书)."""

from __future__ import annotations

from sqlmodel import Session

from approvals.catalogue import Catalogue
from approvals.clock import Clock, to_utc
from approvals.process.standard import Action
from approvals.services.item_versions import item_of
from approvals.services.queries import get_application_for
from approvals.services.transitions import move, queue_document
from models import Application, DocumentKind, User
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
    item = item_of(session, application)
    now = clock.now()
    move(session, to_utc(now), application, Action.ANSWER, actor, "已答复", expected_version)
    queue_document(
        session,
        to_utc(now),
        application,
        DocumentKind.REPLY_LETTER,
        item.decision_series,
        now.year,
        {"answer": data.answer, "legal_basis": data.legal_basis},
    )
    return application
