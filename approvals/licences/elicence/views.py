"""Who may read an electronic licence, and what the verification pages show of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from approvals.casework.queries import get_application_for
from approvals.consultation.requests import get_for as get_consultation_for
from approvals.errors import NotFound
from approvals.licences.elicence.records import (
    find_by_identifier,
    find_for_document,
    problem_of,
    status_of,
)
from models import Document, DocumentState, ElectronicLicence, User


@dataclass(frozen=True)
class LicenceSummary:
    """What anyone verifying a document learns of its licence (no holder code, no hashes)."""

    identifier: str
    name: str
    issuer: str
    holder: str
    issued_on: str
    effective_on: str
    expires_on: str
    status: str
    valid: bool


def summary_of(licence: ElectronicLicence, document: Document) -> LicenceSummary:
    fields: dict[str, Any] = licence.fields
    return LicenceSummary(
        identifier=licence.identifier,
        name=str(fields["certificateName"]),
        issuer=str(fields["certificateIssuingAuthorityName"]),
        holder=str(fields["certificateHolderName"]),
        issued_on=str(fields["certificateIssuedDate"]),
        effective_on=str(fields["certificateEffectiveDate"]),
        expires_on=str(fields["certificateExpiringDate"]),
        status=status_of(document),
        valid=document.state is DocumentState.ISSUED and not problem_of(licence),
    )


def summary_for_document(session: Session, document: Document) -> LicenceSummary | None:
    licence = find_for_document(session, document)
    return summary_of(licence, document) if licence is not None else None


def lookup(session: Session, identifier: str) -> tuple[ElectronicLicence, Document]:
    """The licence and its document by identifier, for anyone (verification)."""
    licence = find_by_identifier(session, identifier)
    document = session.get(Document, licence.document_id) if licence is not None else None
    if licence is None or document is None:
        raise NotFound("证照标识不存在", "no electronic licence with this identifier")
    return licence, document


def get_for(session: Session, actor: User, identifier: str) -> tuple[ElectronicLicence, Document]:
    """The licence if ``actor`` may read its full metadata and file: staff and auditors, and
    the holder (the enterprise of the case or consultation, or its authorised agent); to
    anyone else it does not exist."""
    licence, document = lookup(session, identifier)
    try:
        if document.application_id is not None:
            get_application_for(session, actor, document.application_id)
        elif document.consultation_id is not None:
            get_consultation_for(session, actor, document.consultation_id)
    except NotFound:
        raise NotFound("证照标识不存在", "no electronic licence with this identifier") from None
    return licence, document
