"""What the case workflow tells the liaison of a key enterprise: each decision issued and each
deadline warning of the enterprise's cases, as mail queued in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals.casework.hooks import CaseHooks, Issued
from approvals.clock import as_local, to_utc
from approvals.liaison.assignment import liaison_of
from models import Application, Document, DocumentKind, OutboxMail, User, WarningLevel
from models.enums import STATUS_LABELS, WARNING_LABELS

# The documents that conclude a case (or refuse it): the liaison hears of each.
DECISION_KINDS = frozenset(
    {
        DocumentKind.APPROVAL, DocumentKind.DENIAL, DocumentKind.REFUSAL_NOTICE,
        DocumentKind.COMMITMENT_DECISION, DocumentKind.REVOCATION_DECISION,
        DocumentKind.FILING_RECEIPT, DocumentKind.REPLY_LETTER, DocumentKind.LICENCE_CERTIFICATE,
    }
)  # fmt: skip


def _mail(liaison: User, key: str, application: Application, subject: str, text: str,
          now: datetime) -> OutboxMail:  # fmt: skip
    stamp = f"{as_local(to_utc(now)):%Y-%m-%d %H:%M}"
    return OutboxMail(
        message_id=f"<liaison-{key}-{liaison.id}@eia.local>",
        application_id=application.id,
        to_addr=liaison.email,
        subject=f"【包联企业】{subject}",
        body=(
            f"{liaison.display_name}：\n\n您包联的企业办件 {application.number}"
            f"“{application.project_name}”{text}\n\n本邮件由系统自动发送（{stamp}）。\n"
        ),
        created_at=to_utc(now),
    )


def on_document_issued(
    session: Session, application: Application, document: Document, label: str, now: datetime
) -> None:
    """A decision of a key enterprise's case was issued: mail its liaison (once per document)."""
    if document.kind not in DECISION_KINDS:
        return
    liaison = liaison_of(session, application.enterprise_id)
    if liaison is None:
        return
    text = f"已作出{label}（{document.number or ''}）。"
    subject = f"{application.number} 已出具{label}"
    session.add(_mail(liaison, f"decision-{document.verify_code}", application, subject, text, now))


def on_warning(session: Session, application: Application, now: datetime) -> None:
    """A deadline warning was raised on a key enterprise's case: mail its liaison (the caller
    raises each step's level once)."""
    if application.warning is WarningLevel.NONE:
        return
    liaison = liaison_of(session, application.enterprise_id)
    if liaison is None:
        return
    level = WARNING_LABELS[application.warning]
    due = application.due_on.isoformat() if application.due_on else "—"
    text = (
        f"当前环节“{STATUS_LABELS[application.status]}”出现{level}（法定期限届满日：{due}），"
        "请关注并协调办理。"
    )
    key = f"warning-{application.id}-{application.status.value}-{application.warning.value}"
    session.add(_mail(liaison, key, application, f"{application.number} {level}", text, now))


def _issued(event: Issued) -> None:
    on_document_issued(event.session, event.application, event.document, event.label, event.at)


def register(hooks: CaseHooks) -> None:
    """Joins the shared case logic (casework.hooks): each decision issued, each warning."""
    hooks.on_issued.append(_issued)
    hooks.on_warning.append(on_warning)
