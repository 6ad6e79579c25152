"""Recording and finding electronic licences. Services flush; callers commit.

:func:`record_issued_document` runs inside the transaction that records a document issued
(``issuing.service.record_issued``, ``consultation.issuing.record_issued``), so an issued
document never lacks its identifier; recording twice returns the first record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from approvals.licences.elicence.metadata import LicenceFacts, identifier_problem, metadata_of
from approvals.licences.elicence.standard import type_sequence
from models import Document, DocumentKind, DocumentState, ElectronicLicence
from models.enums import DOCUMENT_LABELS

STATUS_LABELS = {DocumentState.ISSUED: "有效", DocumentState.REVOKED: "已撤销"}


@dataclass(frozen=True)
class Holder:
    name: str
    code: str  # USCC


@dataclass(frozen=True)
class Issuer:
    name: str
    code: str  # USCC


def record_issued_document(
    session: Session,
    document: Document,
    *,
    name: str,
    holder: Holder,
    issuer: Issuer,
    issued_on: date,
    now: datetime,
) -> ElectronicLicence:
    """The licence of ``document``: its metadata and identifier, deterministic from them.
    A licence certificate's number is the licence number, its validity the licence's as
    decided, its version one more than the earlier certificates of the licence; any other
    document's number is its 发文字号, valid from its issue date without an end date."""
    found = find_for_document(session, document)
    if found is not None:
        return found
    payload = document.payload
    licence_kind = None
    number = document.number or ""
    type_name = DOCUMENT_LABELS[document.kind]
    effective_on, expires_on = issued_on, None
    if document.kind is DocumentKind.LICENCE_CERTIFICATE:
        licence_kind = str(payload["kind"])
        number = str(payload["licence_number"])
        type_name = name
        holder = Holder(str(payload.get("holder_name") or holder.name), holder.code)
        effective_on = date.fromisoformat(str(payload["valid_from"]))
        expires_on = date.fromisoformat(str(payload["valid_to"]))
    type_code = issuer.code + type_sequence(document.kind, licence_kind)
    earlier = session.exec(
        select(func.count())
        .select_from(ElectronicLicence)
        .where(ElectronicLicence.type_code == type_code, ElectronicLicence.number == number)
    ).one()
    facts = LicenceFacts(
        name=name,
        type_name=type_name,
        type_code=type_code,
        number=number,
        issuer_name=issuer.name,
        issuer_code=issuer.code,
        issued_on=issued_on,
        holder_name=holder.name,
        holder_code=holder.code,
        effective_on=effective_on,
        expires_on=expires_on,
        version=int(earlier) + 1,
    )
    fields = metadata_of(facts)
    assert document.id is not None
    licence = ElectronicLicence(
        document_id=document.id,
        identifier=fields["certificateIdentifier"],
        type_code=type_code,
        number=number,
        version=facts.version,
        fields=fields,
        recorded_at=now,
    )
    session.add(licence)
    session.flush()
    return licence


def find_for_document(session: Session, document: Document) -> ElectronicLicence | None:
    return session.exec(
        select(ElectronicLicence).where(ElectronicLicence.document_id == document.id)
    ).first()


def find_by_identifier(session: Session, identifier: str) -> ElectronicLicence | None:
    return session.exec(
        select(ElectronicLicence).where(ElectronicLicence.identifier == identifier)
    ).first()


def status_of(document: Document) -> str:
    """证照状态 as the bureau's record says now: 有效 or 已撤销."""
    return STATUS_LABELS.get(document.state, "未制发")


def problem_of(licence: ElectronicLicence) -> str:
    """Empty when the stored identifier is the one its stored metadata determine."""
    return identifier_problem(licence.identifier, licence.fields, licence.version)


def problems_of_all(session: Session) -> tuple[int, list[tuple[str, str]]]:
    """Every stored licence recomputed: how many there are, and each whose identifier is not
    the one its metadata determine (identifier, reason)."""
    licences = session.exec(select(ElectronicLicence).order_by(col(ElectronicLicence.id))).all()
    found = [(licence.identifier, problem_of(licence)) for licence in licences]
    return len(licences), [(identifier, problem) for identifier, problem in found if problem]
