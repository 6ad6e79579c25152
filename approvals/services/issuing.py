"""What the issuing flow does, step by step, as database work (no rendering, no I/O).

Each step is idempotent: a number once allocated is kept, a document once issued is not
issued again, a mail has a stable message id, and the automated state moves on only once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue, Item
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.notifications import document_mail
from approvals.numbering import document_number, next_serial
from approvals.process.standard import AUTOMATED, Action
from approvals.schedule import shared_calendar
from approvals.services import commitment_steps, joint_review, licences
from approvals.services.item_versions import item_of
from approvals.services.transitions import move
from models import (
    Application,
    Decision,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    OutboxMail,
    Outcome,
    Status,
)
from models.enums import DOCUMENT_LABELS

APPEAL = {
    "review_body": "郑州市人民政府或河南省生态环境厅",
    "court": "有管辖权的人民法院",
}
SUPERVISOR = "郑州市生态环境综合行政执法支队"


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


def object_key(document: Document) -> str:
    """Deterministic: a retry overwrites the same object."""
    assert document.serial is not None, "number the document first"
    return f"documents/{document.year}/{document.series}/{document.serial}.pdf"


def document_title(document: Document, application: Application, item: Item) -> str:
    """EIA replies name the report; other decisions name the item (准予/不予行政许可决定书)."""
    name = item.name_zh.split("（")[0]
    if item.group == "环评审批":
        report = "环境影响报告书" if "报告书" in item.name_zh else "环境影响报告表"
        if document.kind is DocumentKind.APPROVAL:
            return f"关于《{application.project_name}{report}》的批复"
        if document.kind is DocumentKind.DENIAL:
            return f"关于《{application.project_name}{report}》不予批准的决定"
    if document.kind is DocumentKind.APPROVAL:
        return f"关于{application.project_name}{name}的准予行政许可决定书"
    if document.kind is DocumentKind.DENIAL:
        return f"关于{application.project_name}{name}的不予行政许可决定书"
    if document.kind is DocumentKind.FILING_RECEIPT:
        return f"{name}回执"
    if document.kind is DocumentKind.REPLY_LETTER:
        return f"关于“{application.project_name}”的答复书"
    return f"{DOCUMENT_LABELS[document.kind]}"


def common_context(
    session: Session,
    application: Application,
    item: Item,
    *,
    title: str,
    number: str,
    verify_code: str,
    issued_on: date,
    issuer: str,
    base_url: str,
) -> dict[str, Any]:
    """The keys every document template gets."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    return {
        "issuer": issuer,
        "number": number,
        "title": title,
        "addressee": enterprise.name,
        "issued_on": issued_on,
        "verify_code": verify_code,
        "verify_url": f"{base_url.rstrip('/')}/verify/{verify_code}",
        "cc": [f"{application.district}生态环境分局", SUPERVISOR, application.consultant],
        "printed_by": f"{issuer}办公室",
        "application": {
            "number": application.number,
            "item_code": item.code,
            "item_name": item.name_zh,
            "project_name": application.project_name,
            "site": application.site,
            "district": application.district,
            "industry_code": application.industry_code,
            "total_investment": application.total_investment,
            "env_investment": application.env_investment,
            "consultant": application.consultant,
            "applicant_name": enterprise.name,
            "applicant_uscc": enterprise.uscc,
            "received_on": application.received_on,
            "accepted_on": application.accepted_on,
        },
    }


def document_context(
    session: Session,
    catalogue: Catalogue,
    document_id: int,
    *,
    issuer: str,
    base_url: str,
) -> dict[str, Any]:
    """Everything the document template needs; the template file is ``document.kind``."""
    document = session.get(Document, document_id)
    assert document is not None and document.number is not None
    application = session.get(Application, document.application_id)
    assert application is not None
    item = item_of(session, application)
    context = common_context(
        session,
        application,
        item,
        title=document_title(document, application, item),
        number=document.number,
        verify_code=document.verify_code,
        issued_on=local_date(as_local(document.created_at)),
        issuer=issuer,
        base_url=base_url,
    )
    payload = document.payload
    contact = f"{issuer}行政审批科"
    if document.kind is DocumentKind.ACCEPTANCE_NOTICE:
        context |= {
            "materials": payload.get("materials", []),
            "statutory_days": item.statutory.days or 0,
            "limit_unit": item.statutory.unit.value,
            "promised_days": item.promised.days,
            "clock_stops": payload.get("clock_stops", []),
            "deemed": bool(payload.get("deemed", False)),
            "contact": contact,
        }
    elif document.kind is DocumentKind.SPECIAL_PROCEDURE_NOTICE:
        context |= {
            "reason": payload["reason"],
            "start_on": date.fromisoformat(payload["start_on"]),
            "max_days": payload["max_days"],
            "max_unit": payload["max_unit"],
            "expected_end": date.fromisoformat(payload["expected_end"])
            if payload.get("expected_end")
            else None,
            "comment": payload.get("comment", ""),
            "statutory_days": item.statutory.days or 0,
            "limit_unit": item.statutory.unit.value,
            "contact": contact,
        }
    elif document.kind is DocumentKind.CORRECTION_NOTICE:
        context |= {
            "missing": payload["missing"],
            "deadline_note": "请一次性补齐上述全部材料后通过网上办事大厅重新提交；"
            "补正材料提交前，审批期限不开始计算。",
            "contact": contact,
        }
    elif document.kind is DocumentKind.REFUSAL_NOTICE:
        context |= {
            "reasons": payload["reasons"],
            "redirect_to": payload.get("redirect_to"),
            "appeal": APPEAL,
        }
    elif document.kind is DocumentKind.EXPERT_OPINION:
        context |= joint_review.opinion_context(session, payload["panel_id"])
    elif document.kind is DocumentKind.COMMITMENT_DECISION:
        context |= {
            "conditions": payload["conditions"],
            "post_check_days": payload["post_check_days"],
            "commitment_sha256": payload["commitment_sha256"],
        }
    elif document.kind is DocumentKind.REVOCATION_DECISION:
        revoked = session.get(Document, payload["revoked_document_id"])
        assert revoked is not None and revoked.number is not None
        context |= {
            "revoked_number": revoked.number,
            "revoked_date": local_date(as_local(revoked.issued_at or revoked.created_at)),
            "findings": payload["findings"],
            "legal_basis": "《中华人民共和国行政许可法》第六十九条、《国务院办公厅关于全面推行"
            "证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）",
            "bar_until": date.fromisoformat(payload["bar_until"]),
            "appeal": APPEAL,
        }
    elif document.kind is DocumentKind.CONVERSION_NOTICE:
        context |= {
            "reasons": payload["reasons"],
            "statutory_days": item.statutory.days or 0,
            "limit_unit": item.statutory.unit.value,
        }
    elif document.kind is DocumentKind.FILING_RECEIPT:
        context |= {
            "filing_number": payload["filing_number"],
            "filed_at": as_local(datetime.fromisoformat(payload["filed_at"])),
            "items": [
                {"label": "备案事项", "value": item.name_zh},
                {"label": "所在区域", "value": application.district},
                *(
                    [{"label": "国民经济行业代码", "value": application.industry_code}]
                    if application.industry_code
                    else []
                ),
                *(
                    [{"label": "备案内容", "value": application.description}]
                    if application.description
                    else []
                ),
            ],
            "note": "",
        }
    elif document.kind is DocumentKind.REPLY_LETTER:
        context |= {
            "request_summary": application.description or application.project_name,
            "answer": payload["answer"],
            "legal_basis": payload.get("legal_basis") or None,
            "appeal": APPEAL if item.category.startswith("公共服务(依申请)") else None,
        }
    elif document.kind is DocumentKind.APPROVAL:
        context |= {"conditions": payload["conditions"], "supervisor": SUPERVISOR}
    elif document.kind is DocumentKind.LICENCE_CERTIFICATE:
        context |= licences.certificate_context(session, application, document, issuer=issuer)
    else:
        context |= {
            "reasons": payload["reasons"],
            "legal_grounds": payload.get("legal_grounds") or "《建设项目环境保护管理条例》第十一条",
            "appeal": APPEAL,
        }
    return context


def record_issued(
    session: Session,
    clock: Clock,
    document_id: int,
    *,
    key: str,
    sha256: str,
    size: int,
    issuer: str,
) -> Document:
    """Mark the stored PDF issued and queue its mail to the applicant, in one transaction."""
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
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    subject, body = document_mail(document, application, enterprise.name, issuer)
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
                    "filename": f"{DOCUMENT_LABELS[document.kind]}-{document.number}.pdf",
                    "content_type": "application/pdf",
                }
            ],
            created_at=now,
        )
    )
    session.flush()
    return document


def finish_automated_stage(session: Session, clock: Clock, application_id: int) -> Status:
    """Move a case out of its automated state once its documents are issued; idempotent."""
    application = session.get(Application, application_id)
    assert application is not None
    if application.status not in AUTOMATED or pending_documents(session, application_id):
        return application.status
    now: datetime = clock.now()
    fast_track = application.process_kind == "commitment"
    if application.status is Status.ACCEPTED:
        action = Action.START_SIGNING if fast_track else Action.START_DRAFTING
        move(session, to_utc(now), application, action, None)
    elif application.status is Status.REVOKING:
        move(session, to_utc(now), application, Action.FINISH_REVOCATION, None)
    elif fast_track:
        application.decided_on = local_date(now)
        move(session, to_utc(now), application, Action.FINISH_COMMITMENT, None)
        commitment_steps.open_post_check(session, shared_calendar(), application)
    elif application.status is Status.FILING:
        move(session, to_utc(now), application, Action.FINISH_FILING, None)
    elif application.process_kind == "service":
        application.decided_on = local_date(now)
        move(session, to_utc(now), application, Action.FINISH_ANSWER, None)
    else:
        decision = session.exec(
            select(Decision).where(Decision.application_id == application_id)
        ).one()
        approved = decision.outcome is Outcome.APPROVE
        action = Action.FINISH_APPROVAL if approved else Action.FINISH_DENIAL
        application.decided_on = local_date(now)  # before the move: it records the turnaround
        move(session, to_utc(now), application, action, None)
    return application.status


def stuck_application_ids(session: Session, cutoff: datetime, limit: int = 200) -> list[int]:
    """Cases whose automated work is older than ``cutoff`` and still not done."""
    with_pending = select(Document.application_id).where(
        Document.state == DocumentState.PENDING, Document.created_at <= cutoff
    )
    in_automated = select(Application.id).where(col(Application.status).in_(list(AUTOMATED)))
    ids = set(session.exec(with_pending.limit(limit))) | set(
        session.exec(in_automated.limit(limit))
    )
    return sorted(i for i in ids if i is not None)
