"""What issuing a 指导意见 is, as database work (the flow renders, signs and stores): the
pending documents, the template's context, and recording it issued with its mail to the
enterprise, in one transaction. Numbering and object keys are the case documents'
(``approvals.issuing.service``): one 发文字号 sequence per series and year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from approvals import audit_anchor
from approvals.catalogue import Catalogue
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.consultation.requests import queue_mail, record
from approvals.licences.elicence import records as elicence
from models import (
    CheckpointReason,
    Consultation,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    User,
)
from models.consultation import EIA_CATEGORY_LABELS
from models.enums import DOCUMENT_LABELS

TEMPLATE = "guidance_opinion"


def pending_ids(session: Session, cutoff: datetime | None = None) -> list[int]:
    """Pending 指导意见 documents (created at or before ``cutoff``, when given), oldest first."""
    query = select(Document.id).where(
        col(Document.consultation_id).is_not(None), Document.state == DocumentState.PENDING
    )
    if cutoff is not None:
        query = query.where(col(Document.created_at) <= cutoff)
    return [i for i in session.exec(query.order_by(col(Document.id))) if i is not None]


def _consultation_of(session: Session, document: Document) -> Consultation:
    consultation = session.get(Consultation, document.consultation_id)
    assert consultation is not None, "a 指导意见 belongs to a consultation"
    return consultation


def context(
    session: Session, catalogue: Catalogue, document_id: int, *, issuer: str, base_url: str
) -> dict[str, Any]:
    """Everything ``templates/documents/guidance_opinion.html`` needs."""
    document = session.get(Document, document_id)
    assert document is not None and document.number is not None
    consultation = _consultation_of(session, document)
    enterprise = session.get(Enterprise, consultation.enterprise_id)
    officer = session.get(User, consultation.guided_by)
    assert enterprise is not None and officer is not None
    assert consultation.item_code is not None and consultation.eia_category is not None
    item = catalogue.get(consultation.item_code)
    return {
        "template": TEMPLATE,
        "issuer": issuer,
        "number": document.number,
        "title": f"关于{consultation.project_name}的{DOCUMENT_LABELS[document.kind]}",
        "addressee": enterprise.name,
        "issued_on": local_date(as_local(document.created_at)),
        "verify_code": document.verify_code,
        "verify_url": f"{base_url.rstrip('/')}/verify/{document.verify_code}",
        "cc": [],
        "printed_by": f"{issuer}办公室",
        "application": {"number": consultation.number},
        "consultation": {
            "number": consultation.number,
            "project_name": consultation.project_name,
            "site": consultation.site,
            "district": consultation.district,
            "industry_code": consultation.industry_code,
            "scale": consultation.scale,
            "description": consultation.description,
            "question": consultation.question,
            "requested_on": local_date(consultation.requested_at),
        },
        "item": {"code": item.code, "name": item.name_zh},
        "eia_category": EIA_CATEGORY_LABELS[consultation.eia_category],
        "materials": list(consultation.materials),
        "fast_track": bool(consultation.fast_track),
        "fast_track_summary": consultation.fast_track_summary,
        "obstacles": consultation.obstacles,
        "officer": officer.display_name,
    }


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
    """Mark the stored PDF issued, record its electronic licence and queue its mail (the PDF
    attached) to the enterprise's contact, once; nothing where another run recorded it first."""
    document = session.get(Document, document_id, with_for_update=True)
    assert document is not None and document.kind is DocumentKind.GUIDANCE_OPINION
    if document.state is not DocumentState.PENDING:
        return document
    consultation = _consultation_of(session, document)
    now = clock.now()
    document.state = DocumentState.ISSUED
    document.object_key, document.sha256, document.size = key, sha256, size
    document.issued_at = to_utc(now)
    session.add(document)
    label = DOCUMENT_LABELS[document.kind]
    enterprise = session.get(Enterprise, consultation.enterprise_id)
    assert enterprise is not None
    elicence.record_issued_document(
        session,
        document,
        name=label,
        holder=elicence.Holder(enterprise.name, enterprise.uscc),
        issuer=elicence.Issuer(issuer, issuer_code),
        issued_on=local_date(now),
        now=to_utc(now),
    )
    record(session, now, None, consultation, "guidance_issued", f"{label}{document.number}已签发")
    audit_anchor.request_checkpoint(session, now, CheckpointReason.ISSUED)  # sealed after commit
    queue_mail(
        session,
        now,
        f"document-{document.verify_code}",
        consultation.contact_email,
        f"【{issuer}】{label}（{document.number}）{consultation.project_name}",
        f"{consultation.contact_name}：\n\n您单位“{consultation.project_name}”"
        f"（前期指导编号 {consultation.number}）的{label}已出具，见附件（{document.number}）。\n"
        "文书附有本局电子签名，可在本局网站“文书核验”中核验。指导意见供项目前期参考，"
        "不代替审批决定。正式申请提交后，可在“前期指导”页面将该申请关联本项目，"
        "承办人员即可查看前期指导记录。\n"
        "欢迎登录系统对本次前期指导服务进行评价。",
        [
            {
                "object_key": key,
                "filename": f"{label}-{document.number}.pdf",
                "content_type": "application/pdf",
            }
        ],
    )
    session.flush()
    return document
