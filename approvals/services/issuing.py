"""What the issuing flow does, step by step, as database work (no rendering, no I/O).

Each step is idempotent: a number once allocated is kept, a document once issued is not
issued again, a mail has a stable message id, and the automated state moves on only once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from approvals import audit, lawbook
from approvals.catalogue import Catalogue, Item, LicenceAction
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.districts import branch_of, review_bodies
from approvals.notifications import document_mail
from approvals.numbering import document_number, next_serial
from approvals.participation.hearings import documents as hearing_documents
from approvals.participation.hearings.conduct import decision_note
from approvals.participation.notices import publish_on_decision
from approvals.process.standard import AUTOMATED, Action
from approvals.schedule import shared_calendar
from approvals.services import commitment_steps, fact_checks, joint_review, licences
from approvals.services.item_versions import item_of
from approvals.services.transitions import SYSTEM_NAME, SYSTEM_ROLE, move
from models import (
    Application,
    Decision,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    Material,
    OutboxMail,
    Outcome,
    Status,
    StepRecord,
)
from models.enums import DOCUMENT_ISSUED, DOCUMENT_LABELS
from models.ids import id_of

SUPERVISOR = "郑州市生态环境综合行政执法支队"
COURT = "有管辖权的人民法院"


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


def appeal_for(issuer: str, district: str) -> dict[str, str]:
    """Where the applicant may contest a decision: the 复议机关 (行政复议法第24条) and the court."""
    return {"review_body": review_bodies(issuer, district), "court": COURT}


def report_of(session: Session, application: Application, item: Item) -> str:
    """环境影响报告书 or 环境影响报告表, as the item names it. An item for either (EIA-05 “报告书
    （表）”) takes the one the applicant filed: a 报告书 comes with its 公众参与说明 (环评法第21条),
    a 报告表 without one (*inferred* from the materials, the form records no report kind)."""
    name = item.name_zh
    if "报告书（表）" in name or "报告书(表)" in name:
        filed = session.exec(
            select(Material.id).where(
                Material.application_id == application.id,
                Material.material_code == "public_participation",
                col(Material.superseded).is_(False),
            )
        ).first()
        return "环境影响报告书" if filed is not None else "环境影响报告表"
    return "环境影响报告表" if "报告表" in name else "环境影响报告书"


def _short_name(item: Item) -> str:
    return item.name_zh.split("（")[0]


def licence_clause(session: Session, application: Application, item: Item) -> str:
    """What an approving decision does to the licence, in the decision's words."""
    spec = item.licence
    form = lawbook.form_of(item.code)
    if spec is not None and spec.action is LicenceAction.EXTEND and form and form.extend_clause:
        return form.extend_clause
    if spec is None:
        return f"准予{_short_name(item)}"
    title = licences.title_of(spec.kind.value)
    licence = (
        licences.find_licence(session, application.licence_number)
        if application.licence_number
        else None
    )
    if licence is None:  # EXTEND, or no licence on record
        return f"准予{_short_name(item)}"
    number = f"（证书编号：{licence.number}）"
    period = f"有效期自{cn_day(licence.valid_from)}至{cn_day(licence.valid_to)}"
    action = spec.action
    if action is LicenceAction.ISSUE:
        return f"向你单位核发{title}{number}，{period}"
    if action is LicenceAction.CHANGE:
        return f"对你单位{title}{number}载明的事项予以变更，证书编号和有效期限不变"
    if action is LicenceAction.RENEW:
        return f"延续你单位{title}{number}的有效期，延续后的{period}"
    if action is LicenceAction.REPLACE:
        return f"向你单位补发{title}{number}，原证书作废"
    if action is LicenceAction.CANCEL:
        return f"注销你单位{title}{number}"
    return f"准予{_short_name(item)}"


def cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _facts(
    session: Session, application: Application, item: Item, reasons: str = ""
) -> dict[str, str]:
    """The values of the lawbook's placeholders (approvals.lawbook.FACT_KEYS)."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    received = f"于{cn_day(application.received_on)}" if application.received_on else ""
    return {
        "project": application.project_name,
        "applicant": enterprise.name,
        "item": f"“{item.name_zh}”",
        "item_short": _short_name(item),
        "report": report_of(session, application, item),
        "submitted": f"你单位{received}提交的",
        "case_ref": f"（办件编号：{application.number}）",
        "item_ref": f"（项目名称：{application.project_name}；办件编号：{application.number}）",
        "licence_clause": licence_clause(session, application, item),
        "reasons": reasons.strip(),
    }


def document_title(
    session: Session, document: Document, application: Application, item: Item
) -> str:
    """Decisions take the title their item group's form gives; others name their kind."""
    form = lawbook.form_of(item.code)
    if form is not None and document.kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        facts = _facts(session, application, item)
        return form.side(document.kind).title.format_map(facts)
    name = _short_name(item)
    if document.kind is DocumentKind.FILING_RECEIPT:
        return f"{name}回执"
    if document.kind is DocumentKind.REPLY_LETTER:
        return f"关于“{application.project_name}”的答复书"
    return f"{DOCUMENT_LABELS[document.kind]}"


def template_of(document: Document, item: Item) -> str:
    """The template file (``templates/documents/<name>.html``) a document is rendered from."""
    form = lawbook.form_of(item.code)
    if form is not None and document.kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        return form.side(document.kind).template
    return document.kind.value


def copied_to(application: Application, item: Item, kind: DocumentKind) -> list[str]:
    """抄送, decided per document kind (and per item group for decisions)."""
    names = {
        "branch": branch_of(application.district),
        "supervisor": SUPERVISOR,
        "consultant": application.consultant,
    }
    return [names[r] for r in lawbook.cc_roles(item.code, kind) if names[r]]


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
    kind: DocumentKind | None = None,
) -> dict[str, Any]:
    """The keys every document template gets."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    form = lawbook.form_of(item.code)
    return {
        "issuer": issuer,
        "number": number,
        "title": title,
        "addressee": enterprise.name,
        "issued_on": issued_on,
        "verify_code": verify_code,
        "verify_url": f"{base_url.rstrip('/')}/verify/{verify_code}",
        "cc": copied_to(application, item, kind) if kind is not None else [],
        "printed_by": f"{issuer}办公室",
        "licensing": form.licensing if form is not None else item.category.startswith("行政许可"),
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


def _stops_context(stops: list[str]) -> list[dict[str, Any]]:
    return [{"basis": basis, "stops": names} for basis, names in lawbook.stops_by_basis(stops)]


_CITATION = re.compile(r"《[^》]+》第[零一二三四五六七八九十百]+条")


def merge_grounds(basis: str, statute: str, grounds: str) -> str:
    """The form's basis, refined by the officer's citation where it names one of its articles
    more precisely (条例第十一条 -> 条例第十一条第（一）项), extended where it cites the group's own
    statute, and left alone otherwise: a denial never cites another group's law."""
    grounds = grounds.strip().rstrip("。")
    cited = _CITATION.match(grounds)
    if cited and cited.group(0) in basis:
        return basis.replace(cited.group(0), grounds, 1)
    if grounds and statute in grounds and grounds not in basis:
        return f"{basis}、{grounds}"
    return basis


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
    facts = _facts(session, application, item, reasons)
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
        "hearing_note": decision_note(
            session, id_of(application), _record_number(session, application)
        ),
    }


def _record_number(session: Session, application: Application) -> str | None:
    return session.exec(
        select(Document.number)
        .where(
            Document.application_id == application.id,
            Document.kind == DocumentKind.HEARING_RECORD,
        )
        .order_by(col(Document.id).desc())
    ).first()


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
    appeal = appeal_for(issuer, application.district)
    payload = document.payload
    contact = f"{issuer}行政审批科"
    days, unit, basis = lawbook.intake_period(item.code)
    if document.kind is DocumentKind.ACCEPTANCE_NOTICE:
        context |= {
            "materials": payload.get("materials", []),
            "statutory_days": item.statutory.days or 0,
            "limit_unit": item.statutory.unit.value,
            "promised_days": _promised_days(session, item),
            "clock_stops": _stops_context(list(payload.get("clock_stops", []))),
            "section_45": lawbook.SECTION_45_TEXT,
            "deemed": bool(payload.get("deemed", False)),
            "intake": {"days": days, "unit": unit.value, "basis": basis},
            "contact": contact,
        }
    elif document.kind is DocumentKind.SPECIAL_PROCEDURE_NOTICE:
        reason = payload["reason"]
        context |= {
            "reason": reason,
            "reason_basis": lawbook.STOP_BASIS.get(reason, ""),
            "section_45": lawbook.SECTION_45_TEXT,
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
            "intake": {"days": days, "unit": unit.value, "basis": basis},
            "contact": contact,
        }
    elif document.kind is DocumentKind.REFUSAL_NOTICE:
        context |= {
            "reasons": payload["reasons"],
            "redirect_to": payload.get("redirect_to"),
            "appeal": appeal,
        }
    elif document.kind is DocumentKind.EXPERT_OPINION:
        context |= joint_review.opinion_context(session, payload["panel_id"])
    elif document.kind is DocumentKind.HEARING_NOTICE:
        context |= hearing_documents.notice_context(session, payload["hearing_id"], contact)
    elif document.kind is DocumentKind.HEARING_RECORD:
        context |= hearing_documents.record_context(session, payload["hearing_id"])
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
            "appeal": appeal,
        }
    elif document.kind is DocumentKind.CONVERSION_NOTICE:
        context |= {
            "reasons": payload["reasons"],
            "statutory_days": item.statutory.days or 0,
            "limit_unit": item.statutory.unit.value,
            "section_45": lawbook.SECTION_45_TEXT,
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
            "appeal": appeal if item.category.startswith("公共服务(依申请)") else None,
        }
    elif document.kind is DocumentKind.LICENCE_CERTIFICATE:
        context |= licences.certificate_context(session, application, document, issuer=issuer)
    else:  # APPROVAL, DENIAL
        context |= _decision_context(session, application, item, document, appeal)
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
        publish_on_decision(
            session,
            shared_calendar(),
            application,
            item_of(session, application),
            local_date(now),
            to_utc(now),
        )
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
    """Cases whose automated work is older than ``cutoff`` and still not done: a document
    pending since before it, or an automated state entered before it. Work younger than the
    cutoff belongs to a worker that may be running it now, and is left alone."""
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
    ids = set(session.exec(with_pending.limit(limit))) | set(
        session.exec(in_automated.limit(limit))
    )
    return sorted(i for i in ids if i is not None)


def _promised_days(session: Session, item: Item) -> int | None:
    """The promised limit, stated on a notice only once staff have verified it: an unverified
    promise (inferred from other cities' practice) never reaches the applicant as ours."""
    if "promised" in fact_checks.verified_facts(session, [item])[item.code]:
        return item.promised.days
    return None
