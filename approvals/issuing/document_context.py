"""What each document template is given: the keys every document shares, and per document
kind the keys of its own — one builder per kind in ``CONTEXTS`` (no rendering, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from approvals.casework import fact_checks
from approvals.casework.hooks import decision_context, hooks
from approvals.catalogue import Catalogue, Item, lawbook
from approvals.catalogue.item_versions import item_of
from approvals.clock import as_local, local_date
from approvals.issuing.document_text import (
    SUPERVISOR,
    appeal_for,
    common_context,
    document_title,
    facts_of,
    merge_grounds,
    template_of,
)
from approvals.licences import service as licences
from core.db import keep
from models import Application, Document, DocumentKind, Enterprise


@dataclass(frozen=True)
class Issue:
    """One document being issued, with what its builder reads."""

    session: Session
    application: Application
    item: Item
    document: Document
    issuer: str

    @property
    def payload(self) -> dict[str, Any]:
        return self.document.payload

    @property
    def appeal(self) -> dict[str, str]:
        return appeal_for(self.issuer, self.application.district)

    @property
    def contact(self) -> str:
        return f"{self.issuer}行政审批科"

    def intake(self) -> dict[str, Any]:
        days, unit, basis = lawbook.intake_period(self.item.code)
        return {"days": days, "unit": unit.value, "basis": basis}

    def limit(self) -> dict[str, Any]:
        return {
            "statutory_days": self.item.statutory.days or 0,
            "limit_unit": self.item.statutory.unit.value,
        }


def _stops_context(stops: list[str]) -> list[dict[str, Any]]:
    return [{"basis": basis, "stops": names} for basis, names in lawbook.stops_by_basis(stops)]


def _acceptance(doc: Issue) -> dict[str, Any]:
    payload = doc.payload
    return doc.limit() | {
        "materials": payload.get("materials", []),
        "promised_days": _promised_days(doc.session, doc.item),
        "clock_stops": _stops_context(list(payload.get("clock_stops", []))),
        "section_45": lawbook.SECTION_45_TEXT,
        "deemed": bool(payload.get("deemed", False)),
        "intake": doc.intake(),
        "contact": doc.contact,
    }


def _special_procedure(doc: Issue) -> dict[str, Any]:
    payload = doc.payload
    reason = payload["reason"]
    expected_end = payload.get("expected_end")
    return {
        "reason": reason,
        "reason_basis": lawbook.STOP_BASIS.get(reason, ""),
        "section_45": lawbook.SECTION_45_TEXT,
        "start_on": date.fromisoformat(payload["start_on"]),
        "max_days": payload["max_days"],
        "max_unit": payload["max_unit"],
        "expected_end": date.fromisoformat(expected_end) if expected_end else None,
        "comment": payload.get("comment", ""),
        **doc.limit(),
        "contact": doc.contact,
    }


def _correction(doc: Issue) -> dict[str, Any]:
    return {
        "missing": doc.payload["missing"],
        "deadline_note": "请一次性补齐上述全部材料后通过网上办事大厅重新提交；"
        "补正材料提交前，审批期限不开始计算。",
        "intake": doc.intake(),
        "contact": doc.contact,
    }


def _refusal(doc: Issue) -> dict[str, Any]:
    return {
        "reasons": doc.payload["reasons"],
        "redirect_to": doc.payload.get("redirect_to"),
        "appeal": doc.appeal,
    }


def _commitment_decision(doc: Issue) -> dict[str, Any]:
    payload = doc.payload
    return {
        "conditions": payload["conditions"],
        "post_check_days": payload["post_check_days"],
        "commitment_sha256": payload["commitment_sha256"],
    }


def _revocation(doc: Issue) -> dict[str, Any]:
    payload = doc.payload
    revoked = doc.session.get(Document, payload["revoked_document_id"])
    assert revoked is not None and revoked.number is not None
    return {
        "revoked_number": revoked.number,
        "revoked_date": local_date(as_local(revoked.issued_at or revoked.created_at)),
        "findings": payload["findings"],
        "legal_basis": "《中华人民共和国行政许可法》第六十九条、《国务院办公厅关于全面推行"
        "证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）",
        "bar_until": date.fromisoformat(payload["bar_until"]),
        "appeal": doc.appeal,
    }


def _conversion(doc: Issue) -> dict[str, Any]:
    return doc.limit() | {
        "reasons": doc.payload["reasons"],
        "section_45": lawbook.SECTION_45_TEXT,
    }


def _filing_receipt(doc: Issue) -> dict[str, Any]:
    application = doc.application
    return {
        "filing_number": doc.payload["filing_number"],
        "filed_at": as_local(datetime.fromisoformat(doc.payload["filed_at"])),
        "items": [
            {"label": "备案事项", "value": doc.item.name_zh},
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


def _reply(doc: Issue) -> dict[str, Any]:
    return {
        "request_summary": doc.application.description or doc.application.project_name,
        "answer": doc.payload["answer"],
        "legal_basis": doc.payload.get("legal_basis") or None,
        "appeal": doc.appeal if doc.item.category.startswith("公共服务(依申请)") else None,
    }


def _certificate(doc: Issue) -> dict[str, Any]:
    return licences.certificate_context(
        doc.session, doc.application, doc.document, issuer=doc.issuer
    )


def _decision_context(
    session: Session,
    application: Application,
    item: Item,
    document: Document,
    appeal: dict[str, str],
) -> dict[str, Any]:
    """An approval or a denial: the form's text for the item's group, with the officer's
    conditions (approval) or reasons and further grounds (denial)."""
    form = lawbook.form_of(item.code)
    payload = document.payload
    approving = document.kind is DocumentKind.APPROVAL
    if form is None:  # an item without a decision form issues no decision
        raise ValueError(f"{item.code}: no decision form in approvals/law")
    side = form.side(document.kind)
    reasons = "" if approving else str(payload.get("reasons", ""))
    facts = facts_of(session, application, item, reasons)
    if not approving and facts["reasons"] and facts["reasons"][-1] not in "。；！？":
        facts["reasons"] += "。"
    grounds = merge_grounds(side.basis, form.statute, str(payload.get("legal_grounds") or ""))
    return {
        "form": {
            "key": form.key,
            "statute": form.statute,
            "basis": side.basis,
            "label": side.label,
        },
        "paragraphs": [p.format_map(facts) for p in side.paragraphs],
        "conditions_intro": side.conditions_intro,
        "conditions": list(payload.get("conditions", [])) if approving else [],
        "closing": side.closing,
        "report": facts["report"],
        "reasons": reasons,
        "legal_grounds": grounds,
        "supervisor": SUPERVISOR,
        "appeal": appeal if side.appeal else None,
        # what the features add (the 听证 note: casework.hooks.decision_context)
        **decision_context(session, application),
    }


def _decision(doc: Issue) -> dict[str, Any]:
    return _decision_context(doc.session, doc.application, doc.item, doc.document, doc.appeal)


ContextBuilder = Callable[[Issue], dict[str, Any]]

# Each document kind's own keys, beside those of common_context. The features' own documents
# (专家组评审意见, 听证 notice and record) are added by their rooms (register_context).
CONTEXTS: dict[DocumentKind, ContextBuilder] = {
    DocumentKind.ACCEPTANCE_NOTICE: _acceptance,
    DocumentKind.SPECIAL_PROCEDURE_NOTICE: _special_procedure,
    DocumentKind.CORRECTION_NOTICE: _correction,
    DocumentKind.REFUSAL_NOTICE: _refusal,
    DocumentKind.COMMITMENT_DECISION: _commitment_decision,
    DocumentKind.REVOCATION_DECISION: _revocation,
    DocumentKind.CONVERSION_NOTICE: _conversion,
    DocumentKind.FILING_RECEIPT: _filing_receipt,
    DocumentKind.REPLY_LETTER: _reply,
    DocumentKind.LICENCE_CERTIFICATE: _certificate,
    DocumentKind.APPROVAL: _decision,
    DocumentKind.DENIAL: _decision,
}


def register_context(kind: DocumentKind, builder: ContextBuilder) -> None:
    """A feature's own document kind and its builder (at composition, approvals.rooms)."""
    CONTEXTS[kind] = builder


def document_context(
    session: Session,
    catalogue: Catalogue,
    document_id: int,
    *,
    issuer: str,
    base_url: str,
) -> dict[str, Any]:
    """Everything the document template needs; ``template`` names the template file."""
    document = session.get(Document, document_id)
    assert document is not None and document.number is not None
    application = session.get(Application, document.application_id)
    assert application is not None
    # kept, the applicant stays in the session's (weak) identity map: the builders below each
    # ``session.get`` it, one SELECT instead of three
    keep(session, session.get(Enterprise, application.enterprise_id))
    item = item_of(session, application)
    context = common_context(
        session,
        application,
        item,
        title=document_title(session, document, application, item),
        number=document.number,
        verify_code=document.verify_code,
        issued_on=local_date(as_local(document.created_at)),
        issuer=issuer,
        base_url=base_url,
        kind=document.kind,
    )
    context["template"] = template_of(document, item)
    hooks()  # the features' own builders are registered (approvals.rooms.compose)
    return context | CONTEXTS[document.kind](Issue(session, application, item, document, issuer))


def _promised_days(session: Session, item: Item) -> int | None:
    """The promised limit, stated on a notice only once staff have verified it: an unverified
    promise (inferred from other cities' practice) never reaches the applicant as ours."""
    if "promised" in fact_checks.verified_facts(session, [item])[item.code]:
        return item.promised.days
    return None
