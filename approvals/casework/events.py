"""The event feed: what happened to the cases a user may see, in the order it was recorded.

Built on the audit chain: appends are serialised until commit (``approvals.audit``), so event
ids become visible in increasing order and an id is a safe cursor: a reader that has seen every
event up to id N never misses one committed later with a smaller id. The feed lists status
changes and issued documents only, never comments or actors (least disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from approvals.casework.queries import STAFF_ROLES
from approvals.enterprise import agents
from models import Application, AuditEvent, Document, Expert, Panel, PanelMember, Role, User
from models.enums import DOCUMENT_ISSUED


@dataclass(frozen=True)
class FeedEvent:
    event: AuditEvent
    application: Application
    document: Document | None  # for a document_issued event


def _visible_cases(user: User) -> ColumnElement[bool] | None:
    """A condition on Application for the cases ``user`` may follow (None: every case)."""
    if user.role in STAFF_ROLES:
        return None
    if user.role is Role.APPLICANT:  # its own cases, and those it files as an authorised agent
        return or_(
            col(Application.enterprise_id) == user.enterprise_id, agents.visible_as_agent(user)
        )
    panels = (
        select(Panel.application_id)
        .join(PanelMember, col(PanelMember.panel_id) == col(Panel.id))
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(Expert.user_id == user.id, PanelMember.state == "invited")
    )
    return col(Application.id).in_(panels)


def events_after(session: Session, user: User, after: int, limit: int) -> list[FeedEvent]:
    """Up to ``limit`` events with an id above ``after`` on cases ``user`` may see."""
    query = (
        select(AuditEvent, Application)
        .join(Application, col(Application.id) == col(AuditEvent.application_id))
        .where(
            col(AuditEvent.id) > after,
            or_(col(AuditEvent.to_status).is_not(None), col(AuditEvent.action) == DOCUMENT_ISSUED),
        )
        .order_by(col(AuditEvent.id))
        .limit(limit)
    )
    visible = _visible_cases(user)
    if visible is not None:
        query = query.where(visible)
    rows = session.exec(query).all()
    numbers = {(a.id, e.comment) for e, a in rows if e.action == DOCUMENT_ISSUED}
    documents: dict[tuple[int | None, str | None], Document] = {}
    if numbers:
        found = session.exec(
            select(Document).where(
                col(Document.application_id).in_({n[0] for n in numbers}),
                col(Document.number).in_({n[1] for n in numbers}),
            )
        ).all()
        documents = {(d.application_id, d.number): d for d in found}
    return [
        FeedEvent(
            event,
            application,
            documents.get((application.id, event.comment))
            if event.action == DOCUMENT_ISSUED
            else None,
        )
        for event, application in rows
    ]
