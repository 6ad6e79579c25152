"""API schemas of the exchange features (signed-document verification, project codes, credit
lists, national reporting)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from models.elicence_public import LicenceSummaryPublic
from models.schemas import Strict
from models.text_input import Line


class IssuedDocumentPublic(BaseModel):
    number: str | None = Field(description="文号")
    kind: str = Field(description="文书种类")
    state: str = Field(description="issued 有效 / revoked 已撤销")
    issued_at: datetime | None
    project_name: str
    licence: LicenceSummaryPublic | None = Field(default=None, description="电子证照")


class PdfVerificationPublic(BaseModel):
    """上传PDF核验: the bureau's signature, unchanged since signing, and an issued document."""

    valid: bool = Field(description="本局签发、签名后未改动、文书未被撤销")
    problem: str = Field(description="不通过的原因（中文）；通过时为空")
    signed: bool = Field(description="文件含电子签名")
    intact: bool = Field(description="签名覆盖的内容与签名一致")
    unchanged: bool = Field(description="签名之后文件未被追加或改动")
    trusted: bool = Field(description="签名证书为本局文书签章证书")
    signer: str = Field(description="签名证书持有者")
    signed_at: datetime | None = Field(description="签名时间（签名人声明）")
    sha256: str
    document: IssuedDocumentPublic | None = Field(description="与文件完全一致的已签发文书")


# ------------------------------------------------------------------ project code, preparers


def _line(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        Line,
    ]  # fmt: skip


Number = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,40}$")]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)]


class EngineerIn(Strict):
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), Line
    ]
    number: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,40}$")
    ]


class DeclarationBody(Strict):
    """投资项目代码与编制单位: what the applicant declares for the outside platforms."""

    project_code: Code | None = Field(
        default=None, description="投资项目代码，如 2021-410100-04-01-123456"
    )
    region_reason: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), Line
    ] = Field(default="", description="项目地区不在本局辖区时的说明")
    consultancy_uscc: Code | None = Field(default=None, description="编制单位统一社会信用代码")
    consultancy_name: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=200), Line
    ] = Field(default="", description="编制单位名称")
    engineers: list[EngineerIn] = Field(default=[], max_length=20, description="编制人员")


class DeclarationPublic(BaseModel):
    project_code: str | None
    region_reason: str
    consultancy_uscc: str | None
    consultancy_name: str
    engineers: list[dict[str, str]]
    platform_found: bool | None = Field(description="投资项目在线审批监管平台是否查到该代码")
    updated_at: datetime


class IntakeCheckPublic(BaseModel):
    """受理前核查：不予受理的理由（有则不能受理）与提示。"""

    refusals: list[str]
    warnings: list[str]


# ------------------------------------------------------------------ credit platform lists


class CreditListPublic(BaseModel):
    id: int
    kind: str
    label: str
    version: int
    list_date: date
    filename: str
    sha256: str
    entries: int
    loaded_at: datetime


class ObservationBody(Strict):
    party: Literal["unit", "person"]
    identifier: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,40}$")
    ]
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Line
    ]
    behaviour: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Line
    ]
    points: int = Field(ge=1, le=20)


class ObservationPublic(BaseModel):
    id: int
    application_id: int
    party: str
    identifier: str
    name: str
    behaviour: str
    points: int
    decided_on: date
    upload_due_on: date
    exported_at: datetime | None


# ------------------------------------------------------------------ deliveries


class ExchangeMessageStaff(BaseModel):
    """A delivery to another system, as staff and auditors see it (with the evidence markers
    of the record's fields: found / inferred)."""

    id: int
    kind: str
    key: str
    application_id: int
    state: Literal["sent", "failed", "pending", "invalid"]
    attempts: int
    last_error: str
    receipt: str
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    problems: list[str]
    record: dict[str, Any]
    evidence: dict[str, str]
