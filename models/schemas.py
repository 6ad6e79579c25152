"""API schemas: what comes in (``…Create``, ``…Action``) and what goes out (``…Public``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.enums import DocumentKind, DocumentState, Outcome, Role, Status, Track, WarningLevel
from models.text_input import Line, Multiline
from models.types import ID_MAX

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Line]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), Multiline
]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicationCreate(Strict):
    """One form for every item; which fields an item requires is checked by the domain
    (approvals.casework.forms): EIA items need the investment and the EIA consultant, service
    items a description, licence changes the licence number."""

    item_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,6}-[0-9]{2}$")]
    project_name: Text = Field(description="项目/单位/事项名称")
    site: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Line
    ]
    district: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), Line
    ]
    industry_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=8), Line] = ""
    total_investment: Money = Field(default=Decimal(0), description="总投资（万元）")
    env_investment: Money = Field(default=Decimal(0), description="环保投资（万元）")
    consultant: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Line] = (
        Field(default="", description="环评单位")
    )
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=4000), Multiline
    ] = Field(default="", description="申请内容、诉求或说明")
    licence_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,40}$")]
        | None
    ) = Field(default=None, description="变更、延续、注销、补领所涉许可证编号")
    on_behalf_of: int | None = Field(
        default=None,
        ge=1,
        le=ID_MAX,
        description="代理机构代为申请：委托企业的编号（须已由该企业授权；不填为本企业申请）",
    )

    @model_validator(mode="after")
    def _env_within_total(self) -> ApplicationCreate:
        if self.env_investment > self.total_investment:
            raise ValueError("环保投资不能大于总投资 / environmental investment exceeds the total")
        return self


class ApplicationUpdate(Strict):
    """A draft's fields the applicant may change (``PATCH``): the fields sent replace the
    draft's and the whole is checked again as at creation. The item and the licence number stay
    (another item or licence is another application)."""

    project_name: Text | None = None
    site: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Line]
        | None
    ) = None
    district: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), Line]
        | None
    ) = None
    industry_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=8), Line] | None
    ) = None
    total_investment: Money | None = None
    env_investment: Money | None = None
    consultant: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Line] | None
    ) = None
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), Multiline] | None
    ) = None


class MissingMaterial(Strict):
    name: Text
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), Multiline] = ""


class CorrectionRequest(Strict):
    missing: list[MissingMaterial] = Field(min_length=1, max_length=50)
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), Multiline
    ] = ""


class RefusalRequest(Strict):
    reasons: LongText
    redirect_to: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Line] | None
    ) = None


class DecisionDraft(Strict):
    outcome: Outcome
    conditions: list[LongText] = Field(default_factory=list, max_length=40)
    reasons: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=4000), Multiline
    ] = ""
    legal_grounds: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=1000), Multiline
    ] = ""

    @model_validator(mode="after")
    def _complete(self) -> DecisionDraft:
        if self.outcome is Outcome.APPROVE and not self.conditions:
            raise ValueError("准予许可须列明审批要求 / an approval needs at least one condition")
        if self.outcome is Outcome.DENY and not self.reasons:
            raise ValueError("不予许可须说明理由 / a denial needs reasons")
        return self


class Comment(Strict):
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), Multiline
    ] = ""


class AnswerCreate(Strict):
    answer: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000), Multiline
    ]
    legal_basis: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), Multiline
    ] = ""


class CommitmentFacts(Strict):
    """What the applicant declares for the fast track (judged by
    approvals.commitment.eligibility)."""

    document_type: Literal["report_table", "report_book", "registration_form"] = "report_table"
    minglu_item: int | None = Field(default=None, ge=1, le=173, description="名录二级类别序号")
    park_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), Line] | None
    ) = None
    longitude: float | None = Field(default=None, ge=73, le=136)
    latitude: float | None = Field(default=None, ge=3, le=54)
    in_sensitive_area: bool = False
    has_electroplating: bool = False
    is_two_high_one_danger: bool = False
    involves_radiation: bool = False


class CommitmentAccept(Strict):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class PostCheckCreate(Strict):
    outcome: Literal["conforms", "not_conforming"]
    findings: list[
        Annotated[
            str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), Multiline
        ]
    ] = Field(default_factory=list, max_length=30)


class ClockPauseCreate(Strict):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), Line
    ]
    max_days: int = Field(ge=1, le=250, description="最长所需时间（告知申请人）")
    unit: Literal["working", "calendar"] = "working"
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), Multiline
    ] = ""


class PostalDispatchCreate(Strict):
    courier: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), Line
    ]
    waybill: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{6,40}$")
    ]
    sent_on: date


class MaterialPublic(BaseModel):
    id: int
    material_code: str
    filename: str
    size: int
    sha256: str
    uploaded_at: datetime


class DocumentPublic(BaseModel):
    id: int
    kind: DocumentKind
    kind_label: str
    state: DocumentState
    number: str | None
    sha256: str | None
    size: int | None
    verify_code: str
    object_key: str | None
    issued_at: datetime | None
    download_url: str | None
    licence_identifier: str | None = None  # 电子证照标识 (GB/T 36904), once issued
    licence_package_url: str | None = None  # its export package (ZIP)


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    role: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    comment: str
    calendar_days: int
    working_days: int
    provisional: bool


class PostalDispatchPublic(BaseModel):
    courier: str
    waybill: str
    sent_on: date


class ClockPausePublic(BaseModel):
    reason: str
    start_on: date
    end_on: date | None
    max_days: int
    max_unit: str
    comment: str


class ClockPublic(BaseModel):
    """The statutory clock as of today (or the decision day)."""

    started_on: date | None
    limit: int | None
    unit: str
    used: int
    remaining: int | None
    due_on: date | None
    promised_limit: int | None
    promised_used: int
    promised_due_on: date | None
    paused: bool
    pause_reason: str | None
    paused_days: int
    step_used: int | None
    step_budget: int | None
    provisional: bool
    warning: WarningLevel


class ApplicationPublic(BaseModel):
    id: int
    number: str
    version: int = Field(description='办件版本号：GET 的 ETag 为 "version"，写操作用 If-Match 带回')
    item_code: str
    item_name: str
    item_version: int
    status: Status
    status_label: str
    project_name: str
    site: str
    district: str
    industry_code: str
    total_investment: Decimal
    env_investment: Decimal
    consultant: str
    applicant_name: str
    created_at: datetime
    submitted_at: datetime | None
    received_on: date | None
    accepted_on: date | None
    decided_on: date | None
    next_role: Role | None
    actions: list[str]
    track: Track
    warning: WarningLevel
    due_on: date | None
    due_provisional: bool


class ApplicationDetail(ApplicationPublic):
    materials: list[MaterialPublic]
    documents: list[DocumentPublic]
    timeline: list[TimelineEntry]
    postal: list[PostalDispatchPublic]
    elapsed_calendar_days: int
    elapsed_working_days: int
    statutory_days: int | None
    statutory_unit: str
    promised_days: int | None
    clock: ClockPublic
    pauses: list[ClockPausePublic]


class MailPublic(BaseModel):
    message_id: str
    to_addr: str
    subject: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role


class UserPublic(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    enterprise_id: int | None
