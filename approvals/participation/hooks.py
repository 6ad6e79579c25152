"""How public participation joins the shared case logic (casework.hooks): the 受理公示 on
acceptance (after the decision for the fast track), open comments before the draft, the 听证
record and the 拟批准公示 before the sign-off, the decision's 公告 on issue, and the hearings'
own documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from approvals.casework.hooks import CaseHooks, Issued
from approvals.catalogue import Item
from approvals.issuing.document_context import Issue, register_context
from approvals.participation.comments import check_may_draft
from approvals.participation.decision_notices import publish_on_issue
from approvals.participation.hearings import conduct
from approvals.participation.hearings import documents as hearing_documents
from approvals.participation.notices import publish_on_acceptance, publish_on_decision
from approvals.participation.pre_approval import check_pre_approval_over
from approvals.timekeeping.schedule import shared_calendar
from models import Application, Document, DocumentKind, Outcome
from models.ids import id_of


def _hearing_held(
    session: Session, item: Item, application: Application, outcome: Outcome, today: date
) -> None:
    conduct.check_may_sign(session, application, today)  # the decision rests on its record


def _decision_notice(event: Issued) -> None:
    # 批复公告 / 撤销公告: published with the issue, where the item asks
    publish_on_issue(
        event.session,
        shared_calendar(),
        event.application,
        event.item,
        event.document,
        event.issuer,
        event.at,
    )


def _record_number(session: Session, application: Application) -> str | None:
    return session.exec(
        select(Document.number)
        .where(
            Document.application_id == application.id,
            Document.kind == DocumentKind.HEARING_RECORD,
        )
        .order_by(col(Document.id).desc())
    ).first()


def _hearing_note(session: Session, application: Application) -> dict[str, Any]:
    number = _record_number(session, application)
    return {"hearing_note": conduct.decision_note(session, id_of(application), number)}


def _hearing_notice(doc: Issue) -> dict[str, Any]:
    return hearing_documents.notice_context(doc.session, doc.payload["hearing_id"], doc.contact)


def _hearing_record(doc: Issue) -> dict[str, Any]:
    return hearing_documents.record_context(doc.session, doc.payload["hearing_id"])


def register(hooks: CaseHooks) -> None:
    hooks.on_accepted.append(publish_on_acceptance)
    hooks.on_decided.append(publish_on_decision)  # 告知承诺制: decide first, publish after
    hooks.may_draft.append(check_may_draft)
    hooks.may_sign.append(_hearing_held)
    hooks.may_sign.append(check_pre_approval_over)
    hooks.on_issued.append(_decision_notice)
    hooks.decision_context.append(_hearing_note)
    register_context(DocumentKind.HEARING_NOTICE, _hearing_notice)
    register_context(DocumentKind.HEARING_RECORD, _hearing_record)
