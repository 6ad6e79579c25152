"""What an uploaded PDF is: the bureau's signature (checked by the documents adapter) plus
whether these exact bytes are a document the bureau issued and still stands by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from approvals.errors import UploadRejected
from approvals.licences.elicence.views import LicenceSummary, summary_for_document
from models import Application, Consultation, Document, DocumentState
from models.enums import DOCUMENT_LABELS

MAX_PDF_BYTES = 30 * 1024 * 1024


@dataclass(frozen=True)
class SignatureFacts:
    """The signature check's findings (``documents.signing.SignatureCheck`` has these fields)."""

    signed: bool
    intact: bool
    unchanged: bool
    trusted: bool
    signer: str
    signed_at: datetime | None
    problem: str


@dataclass(frozen=True)
class IssuedMatch:
    number: str | None
    kind: str
    state: str
    issued_at: datetime | None
    project_name: str
    licence: LicenceSummary | None = None  # its electronic licence (identifier, metadata)


@dataclass(frozen=True)
class PdfVerdict:
    valid: bool
    problem: str
    signature: SignatureFacts
    sha256: str
    document: IssuedMatch | None


def require_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise UploadRejected("请上传PDF文件", "the upload is not a PDF")


def verdict(session: Session, sha256: str, facts: SignatureFacts) -> PdfVerdict:
    """Valid = signed by the bureau, unchanged since, and these bytes are an issued document
    that has not been revoked. ``problem`` is the first reason it is not, in Chinese."""
    document = session.exec(
        select(Document)
        .where(Document.sha256 == sha256)
        .where(col(Document.state) != DocumentState.PENDING)
    ).first()
    match = None
    if document is not None:
        application = session.get(Application, document.application_id or 0)
        consultation = session.get(Consultation, document.consultation_id or 0)
        project = application or consultation  # a case's document, or a consultation's 指导意见
        match = IssuedMatch(
            number=document.number,
            kind=DOCUMENT_LABELS[document.kind],
            state=document.state.value,
            issued_at=document.issued_at,
            project_name=project.project_name if project else "",
            licence=summary_for_document(session, document),
        )
    problem = facts.problem
    if not problem and match is None:
        problem = "签名有效，但本局没有签发过与此文件完全一致的文书"
    if not problem and match is not None and match.state != DocumentState.ISSUED.value:
        problem = "该文书已被撤销，不再有效"
    return PdfVerdict(not problem, problem, facts, sha256, match)
