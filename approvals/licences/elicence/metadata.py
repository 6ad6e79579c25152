"""The GB/T 36903 base metadata of one licence, and the check that its identifier is the one
these metadata determine (``identifier.expected_identifier``). Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from approvals.licences.elicence import identifier as ids
from approvals.licences.elicence.standard import field_labels, holder_code_type, open_ended


@dataclass(frozen=True)
class LicenceFacts:
    """What the bureau knows when it records a document issued."""

    name: str  # 证照名称
    type_name: str  # 证照类型名称
    type_code: str  # 证照类型代码 (21 characters)
    number: str  # 证照编号
    issuer_name: str
    issuer_code: str  # the bureau's USCC
    issued_on: date
    holder_name: str
    holder_code: str  # the holder's USCC
    effective_on: date
    expires_on: date | None  # None: 长期
    version: int = 1


def metadata_of(facts: LicenceFacts) -> dict[str, str]:
    """The metadata under the standard's element names, the identifier computed from them."""
    identifier = ids.expected_identifier(
        facts.type_code, facts.issuer_code, facts.number, facts.holder_code, facts.version
    )
    values = {
        "certificateName": facts.name,
        "certificateTypeName": facts.type_name,
        "certificateTypeCode": facts.type_code,
        "certificateNumber": facts.number,
        "certificateIdentifier": identifier,
        "certificateIssuingAuthorityName": facts.issuer_name,
        "certificateIssuingAuthorityCode": facts.issuer_code,
        "certificateIssuedDate": facts.issued_on.isoformat(),
        "certificateHolderName": facts.holder_name,
        "certificateHolderCode": facts.holder_code,
        "certificateHolderTypeName": holder_code_type(),
        "certificateEffectiveDate": facts.effective_on.isoformat(),
        "certificateExpiringDate": (
            facts.expires_on.isoformat() if facts.expires_on else open_ended()
        ),
    }
    return {name: values[name] for name in field_labels()}


def identifier_problem(identifier: str, fields: Mapping[str, object], version: int) -> str:
    """Empty when ``identifier`` is well formed, its check character holds and it is exactly
    the one ``fields`` (and the version) determine; else the reason, in Chinese."""
    parts = ids.parse(identifier)
    if parts is None:
        return "证照标识格式或校验位不正确"

    def text(name: str) -> str:
        return str(fields.get(name, ""))

    try:
        expected = ids.expected_identifier(
            text("certificateTypeCode"),
            text("certificateIssuingAuthorityCode"),
            text("certificateNumber"),
            text("certificateHolderCode"),
            version,
        )
    except ValueError:
        return "证照元数据不完整，无法核对证照标识"
    if identifier != expected or text("certificateIdentifier") != identifier:
        return "证照标识与证照元数据不一致"
    return ""
