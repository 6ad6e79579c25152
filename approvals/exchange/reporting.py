"""Deliveries to other systems after a decision, written in the decision's transaction
(``on_document_issued``): the national 建设项目环评审批基础信息 record, and the decision pushed
back to the investment platform under the project code. The relay (``flows``) hands them to an
adapter and records each attempt here.

The record's fields and their sources (``FIELD_EVIDENCE``; shown to staff, never sent):
**found** — 生态环境部办公厅 (2020-12-21) issued the 《建设项目环境影响报告书审批基础信息表》
(in use from 2021-04-01, replacing the 2017 表); the 2017 填写说明 lists 项目代码,
建设地点 to county level, 建设周期 (months), 建设内容及规模, 计划开工/投产时间, the 名录 industry
category, 总投资, 环保投资, the 编制单位. **inferred** — the field names and the JSON shape (the
official XLS template and the national system's interface were not accessible); the 报告表 form
is taken to carry the same basic fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from approvals.catalogue.item_versions import item_of
from approvals.exchange.project_code import parse_project_code
from approvals.exchange.requirements import spec_of
from approvals.issuing.document_text import report_of
from models import (
    Application,
    Document,
    DocumentKind,
    Enterprise,
    ExchangeMessage,
    ProjectDeclaration,
)
from models.exchange_tables import ExchangeKind
from models.ids import id_of

DECISIONS = {DocumentKind.APPROVAL: "批准", DocumentKind.DENIAL: "不予批准"}
DECISIONS_OF_COMMITMENT = {DocumentKind.COMMITMENT_DECISION: "批准（告知承诺制）"}
FIELD_EVIDENCE: dict[str, str] = {
    "form": "found", "project_code": "found", "project_name": "found", "builder": "found",
    "builder_uscc": "inferred", "site": "found", "county": "found", "industry": "inferred",
    "total_investment": "found", "env_investment": "found", "consultancy": "found",
    "consultancy_uscc": "inferred", "approval_number": "found", "approval_date": "found",
    "decision": "inferred", "construction_period_months": "found", "scale": "found",
    "pollutants": "found",
}  # fmt: skip
REQUIRED = ("project_name", "builder", "builder_uscc", "site", "county", "approval_number")
NOT_COLLECTED = ("construction_period_months", "scale", "pollutants")
MAX_ERROR = 1000


def basic_record(
    session: Session, application: Application, document: Document, authority: str
) -> dict[str, Any]:
    """The 审批基础信息 of a decided case, from the case (fields it does not collect are null)."""
    spec = spec_of(application.item_code)
    enterprise = session.get(Enterprise, application.enterprise_id)
    declaration = session.get(ProjectDeclaration, application.id)
    kind = spec.report if spec else None
    if kind == "by_material":
        kind = report_of(session, application, item_of(session, application))[-3:]
    decision = {**DECISIONS, **DECISIONS_OF_COMMITMENT}.get(document.kind, "")
    issued = document.issued_at
    return {
        "form": f"建设项目环境影响{kind}审批基础信息表",
        "application_number": application.number,
        "item_code": application.item_code,
        "project_code": declaration.project_code if declaration else None,
        "project_name": application.project_name,
        "builder": enterprise.name if enterprise else "",
        "builder_uscc": enterprise.uscc if enterprise else "",
        "site": application.site,
        "county": application.district,
        "industry": application.industry_code,
        "total_investment": str(application.total_investment),
        "env_investment": str(application.env_investment),
        "consultancy": (declaration.consultancy_name if declaration else "")
        or application.consultant,
        "consultancy_uscc": declaration.consultancy_uscc if declaration else None,
        "approval_authority": authority,
        "approval_number": document.number,
        "approval_date": issued.date().isoformat() if issued else None,
        "decision": decision,
        **{field: None for field in NOT_COLLECTED},
    }


def problems_of(record: dict[str, Any], today: Any) -> list[str]:
    """What keeps the record from being sent, in Chinese (empty: valid)."""
    problems = [f"缺少{field}" for field in REQUIRED if not record.get(field)]
    code = record.get("project_code")
    if code:
        try:
            parse_project_code(code, today)
        except Exception as exc:  # an InvalidInput: its Chinese message is the problem
            problems.append(getattr(exc, "message_zh", str(exc)))
    return problems


def on_document_issued(
    session: Session, document: Document, *, authority: str, now: datetime
) -> list[ExchangeMessage]:
    """Queue the deliveries a decision implies (none for other documents or items)."""
    if document.kind not in DECISIONS and document.kind not in DECISIONS_OF_COMMITMENT:
        return []
    application = session.get(Application, document.application_id)
    assert application is not None
    spec = spec_of(application.item_code)
    if spec is None:
        return []
    queued = []
    record = basic_record(session, application, document, authority)
    if spec.report:
        problems = problems_of(record, now.date())
        queued.append(
            _queue(
                session,
                f"report:{document.verify_code}",
                ExchangeKind.NATIONAL_REPORT,
                application,
                {"record": record, "problems": problems},
                now,
            )
        )
    if record["project_code"]:
        push = {
            "project_code": record["project_code"],
            "department": authority,
            "matter": application.item_code,
            "result": record["decision"],
            "document_number": record["approval_number"],
            "decided_on": record["approval_date"],
        }
        queued.append(
            _queue(
                session,
                f"project:{document.verify_code}",
                ExchangeKind.PROJECT_DECISION,
                application,
                {"record": push, "problems": []},
                now,
            )
        )
    return queued


def _queue(
    session: Session,
    key: str,
    kind: ExchangeKind,
    application: Application,
    payload: dict[str, Any],
    now: datetime,
) -> ExchangeMessage:
    existing = session.exec(select(ExchangeMessage).where(ExchangeMessage.key == key)).first()
    if existing is not None:
        return existing
    message = ExchangeMessage(
        key=key,
        kind=kind,
        application_id=id_of(application),
        payload=payload,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


# ---------------------------------------------------------------------------- the relay's side


def next_due(session: Session, after_id: int = 0) -> ExchangeMessage | None:
    """The oldest unsent, valid message above ``after_id``, locked against a concurrent relay."""
    for message in session.exec(
        select(ExchangeMessage)
        .where(col(ExchangeMessage.sent_at).is_(None))
        .where(col(ExchangeMessage.id) > after_id)
        .order_by(col(ExchangeMessage.id))
        .limit(20)
        .with_for_update(skip_locked=True)
    ):
        if not message.payload.get("problems"):
            return message
    return None


def mark_sent(session: Session, message: ExchangeMessage, at: datetime, receipt: str) -> None:
    message.attempts += 1
    message.last_attempt_at = message.sent_at = at
    message.receipt, message.last_error = receipt[:300], ""
    session.add(message)


def mark_failed(session: Session, message: ExchangeMessage, at: datetime, error: str) -> None:
    message.attempts += 1
    message.last_attempt_at = at
    message.last_error = error[:MAX_ERROR]
    session.add(message)


def messages(session: Session, limit: int = 200) -> list[ExchangeMessage]:
    return list(
        session.exec(select(ExchangeMessage).order_by(col(ExchangeMessage.id).desc()).limit(limit))
    )
