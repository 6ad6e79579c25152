"""What the issuing flow does, step by step, as database work (no rendering, no I/O).

Each step is idempotent: a number once allocated is kept, a document once issued is not
issued again, a mail has a stable message id, and the automated state moves on only once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from approvals import audit, audit_anchor
from approvals.casework.hooks import Issued, issued
from approvals.casework.kinds import steps_of
from approvals.casework.transitions import SYSTEM_NAME, SYSTEM_ROLE, move
from approvals.catalogue import lawbook
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import AUTOMATED, Action
from approvals.clock import Clock, local_date, to_utc
from approvals.issuing.document_context import document_context as document_context
from approvals.licences.elicence import records as elicence
from approvals.licences.service import title_of
from approvals.notifications import document_mail
from approvals.numbering import document_number, next_serial
from models import (
    Application,
    CheckpointReason,
    DispatchState,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    FlowDispatch,
    OutboxMail,
    Status,
    StepRecord,
)
from models.enums import DOCUMENT_ISSUED, DOCUMENT_LABELS


def pending_documents(session: Session, application_id: int) -> list[Document]:
    return list(
        session.exec(
            select(Document)
            .where(Document.application_id == application_id)
            .where(Document.state == DocumentState.PENDING)
            .order_by(col(Document.id))
        )
    )


def allocate_number(session: Session, document_id: int) -> Document:
    """Give the document its 发文字号 unless it has one (gapless per series and year)."""
    document = session.get(Document, document_id, with_for_update=True)
    assert document is not None
    if document.serial is None:
        document.serial = next_serial(session, f"document:{document.series}", document.year)
        document.number = document_number(document.series, document.year, document.serial)
        session.add(document)
        session.flush()
    return document


def object_prefix(document: Document) -> str:
    """What the keys of every rendering of ``document`` start with."""
    assert document.serial is not None, "number the document first"
    return f"documents/{document.year}/{document.series}/{document.serial}-"


def object_key(document: Document, sha256: str) -> str:
    """Where a rendering of ``document`` is stored: its number and the digest of its bytes.
    Signed bytes differ on every signing, so two renderings of one document (a retry, or the
    sweep and a worker overlapping) never overwrite each other; the one recorded as issued is
    the one whose digest the document holds."""
    return f"{object_prefix(document)}{sha256[:16]}.pdf"


def record_issued(
    session: Session,
    clock: Clock,
    document_id: int,
    *,
    key: str,
    sha256: str,
    size: int,
    issuer: str,
    issuer_code: str,
) -> Document:
    """Mark the stored PDF issued and queue what that implies, in one transaction: its
    electronic licence (identifier and metadata, ``approvals.licences.elicence``; ``issuer_code``
    is the bureau's USCC), its mail to the applicant, and what the features registered
    (``casework.hooks.on_issued``: the decision's 公告, the liaison's note, national report and
    project-code push); nothing where another run recorded it first."""
    document = session.get(Document, document_id, with_for_update=True)
    assert document is not None
    if document.state is not DocumentState.PENDING:
        return document
    application = session.get(Application, document.application_id)
    assert application is not None
    now = to_utc(clock.now())
    document.state = DocumentState.ISSUED
    document.object_key, document.sha256, document.size = key, sha256, size
    document.issued_at = now
    session.add(document)
    audit.append_event(  # the event feed's "document issued" (api: GET /api/events)
        session,
        at=now,
        application_id=application.id,
        actor_id=None,
        actor_name=SYSTEM_NAME,
        actor_role=SYSTEM_ROLE,
        action=DOCUMENT_ISSUED,
        comment=document.number or "",
    )
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    label = lawbook.document_label(
        application.item_code, document.kind, DOCUMENT_LABELS[document.kind]
    )
    certificate = document.kind is DocumentKind.LICENCE_CERTIFICATE
    elicence.record_issued_document(
        session,
        document,
        name=title_of(str(document.payload["kind"])) if certificate else label,
        holder=elicence.Holder(enterprise.name, enterprise.uscc),
        issuer=elicence.Issuer(issuer, issuer_code),
        issued_on=local_date(now),
        now=now,
    )
    subject, body = document_mail(document, application, enterprise.name, issuer, label)
    session.add(
        OutboxMail(
            message_id=f"<document-{document.verify_code}@eia.local>",
            application_id=application.id,
            to_addr=application.contact_email,
            subject=subject,
            body=body,
            attachments=[
                {
                    "object_key": key,
                    "filename": f"{label}-{document.number}.pdf",
                    "content_type": "application/pdf",
                }
            ],
            created_at=now,
        )
    )
    # what the features do with it (the decision's 公告, the liaison's note, the national report
    # and project-code push), and the audit chain's signed checkpoint (sealed after the commit),
    # in the same transaction
    item = item_of(session, application)
    issued(Issued(session, application, item, document, label, issuer, now))
    audit_anchor.request_checkpoint(session, now, CheckpointReason.ISSUED)
    session.flush()
    return document


def finish_automated_stage(session: Session, clock: Clock, application_id: int) -> Status:
    """Move a case out of its automated state once its documents are issued; idempotent."""
    application = session.get(Application, application_id)
    assert application is not None
    if application.status not in AUTOMATED or pending_documents(session, application_id):
        return application.status
    now: datetime = clock.now()
    steps = steps_of(application)
    if application.status is Status.ACCEPTED:
        assert steps.after_acceptance is not None, "only a kind with intake is accepted"
        move(session, to_utc(now), application, steps.after_acceptance, None)
    elif application.status is Status.REVOKING:
        move(session, to_utc(now), application, Action.FINISH_REVOCATION, None)
    elif application.status is Status.FILING:
        move(session, to_utc(now), application, Action.FINISH_FILING, None)
    else:  # ISSUING: the decision, the answer or the fast-track decision was issued
        assert steps.finish_issuing is not None, "a kind that issues has a way out of issuing"
        steps.finish_issuing(session, now, application)
    return application.status


def stuck_application_ids(
    session: Session,
    cutoff: datetime,
    *,
    live_claims_since: datetime | None = None,
    limit: int = 200,
) -> list[int]:
    """Cases whose automated work is older than ``cutoff`` and still not done: a document
    pending since before it, or an automated state entered before it. Work younger than the
    cutoff belongs to a worker that may be running it now, and is left alone; so is a case a
    worker claimed, or whose request was queued, after ``live_claims_since`` (the lease):
    the workers' backlog is theirs to run."""
    with_pending = select(Document.application_id).where(
        Document.state == DocumentState.PENDING, col(Document.created_at) <= cutoff
    )
    in_automated = (
        select(Application.id)
        .join(StepRecord, col(StepRecord.application_id) == Application.id)
        .where(
            col(Application.status).in_(list(AUTOMATED)),
            col(StepRecord.status) == Application.status,
            col(StepRecord.left_at).is_(None),
            col(StepRecord.entered_at) <= cutoff,
        )
    )
    found = [*session.exec(with_pending.limit(limit)), *session.exec(in_automated.limit(limit))]
    ids = {i for i in found if i is not None}
    if live_claims_since is not None and ids:
        held = session.exec(
            select(FlowDispatch.application_id).where(
                col(FlowDispatch.application_id).in_(ids),
                or_(
                    and_(
                        col(FlowDispatch.state) == DispatchState.CLAIMED,
                        col(FlowDispatch.dispatched_at) > live_claims_since,
                    ),
                    and_(  # queued for the workers within the lease: theirs to run
                        col(FlowDispatch.state) == DispatchState.PENDING,
                        col(FlowDispatch.created_at) > live_claims_since,
                    ),
                ),
            )
        )
        ids -= set(held)
    return sorted(ids)
