"""Response schemas of the fast track, the joint review, the catalogue and the verification
endpoints: what the API sends, field by field (the OpenAPI contract is generated from them).

Where what a caller sees depends on who asks (least disclosure), the fields only some callers
get are optional and say who gets them; a caller that may not see a field does not receive the
key at all (the routes answer with ``response_model_exclude_unset``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.elicence_public import LicenceSummaryPublic

Conclusion = Literal["pass", "revise", "fail"]
STAFF_ONLY = "仅工作人员和电子监察可见 / staff and auditors only"


class EligibilityFinding(BaseModel):
    reason: str = Field(description="不适用的理由编码")
    message: str
    message_en: str


class CommitmentView(BaseModel):
    """告知承诺制: the eligibility judgement with every reason, the letter and the check."""

    eligible: bool
    findings: list[EligibilityFinding]
    summary: str
    matched_type: str | None
    matched_park: str | None
    scope_version: int
    facts: dict[str, Any] = Field(description="申请人填报的承诺信息（CommitmentFacts）")
    letter_sha256: str | None
    letter_url: str | None
    accepted_sha256: str | None
    accepted_at: datetime | None
    check_due_on: date | None
    check_officer_id: int | None
    check_outcome: str | None
    converted_at: datetime | None


class LetterPublic(BaseModel):
    sha256: str | None
    url: str


class EvidenceFile(BaseModel):
    filename: str
    object_key: str
    sha256: str
    size: int
    content_type: str
    uploaded_at: str = Field(description="ISO 8601, UTC")


class EvidenceList(BaseModel):
    evidence: list[EvidenceFile]


class Exclusion(BaseModel):
    expert_id: int
    reason: str
    message_zh: str


class PanelMemberView(BaseModel):
    """One expert of a panel. Applicants see members only once the panel has concluded, and
    then only name, title, chair, conclusion and opinion."""

    name: str
    title: str
    chair: bool
    expert_id: int | None = Field(default=None, description="不向申请人提供")
    employer: str | None = Field(default=None, description="不向申请人提供")
    state: str | None = Field(default=None, description="invited / declined / replaced")
    submitted: bool | None = Field(default=None, description="不向申请人提供")
    conclusion: Conclusion | None = Field(default=None, description="工作人员；会审结束后申请人")
    opinion: str | None = Field(default=None, description="工作人员；会审结束后申请人")


class PanelView(BaseModel):
    """A joint-review panel. The draw record (seed, candidates, exclusions) is the bureau's."""

    panel_id: int
    size: int
    needed: list[str]
    meeting_at: datetime | None
    video_link: str | None
    status: Literal["open", "closed"]
    conclusion: Conclusion | None
    members: list[PanelMemberView]
    seed: int | None = Field(default=None, description=STAFF_ONLY)
    candidates: int | None = Field(default=None, description=STAFF_ONLY)
    excluded: list[Exclusion] | None = Field(default=None, description=STAFF_ONLY)


class DeclineResult(BaseModel):
    replacement_expert_id: int


class OpinionResult(BaseModel):
    submitted_at: datetime | None
    conclusion: Conclusion | None


class CloseResult(BaseModel):
    conclusion: Conclusion | None
    closed_at: datetime | None


class RevisionResult(BaseModel):
    status: Literal["revision_review", "drafting", "revision"]


class Assignment(BaseModel):
    application_id: int
    panel_id: int
    chair: bool
    status: str
    meeting_at: datetime | None
    video_link: str | None
    submitted: bool


class DrawReplay(BaseModel):
    seed: int
    recorded: list[int]
    replayed: list[int]
    identical: bool


class GreenChannelPublic(BaseModel):
    application_id: int
    flagged_at: datetime


class InspectionMedia(BaseModel):
    object_key: str
    filename: str
    content_type: str
    sha256: str
    size: int


class SiteInspectionPublic(BaseModel):
    id: int
    media: list[InspectionMedia]
    participants: list[str]


class ItemSummary(BaseModel):
    code: str
    name: str
    category: str
    status: str
    process_kind: str
    statutory_days: int | None
    statutory_unit: str
    statutory_text: str
    promised_days: int | None
    promised_unit: str
    promised_text: str
    appliable: bool
    version: int


class VerifyPublic(BaseModel):
    """文书核验: anyone may check a document by its verification code."""

    valid: bool
    state: Literal["issued", "revoked"]
    kind: str
    number: str | None
    sha256: str | None
    issued_at: datetime | None
    project_name: str
    licence: LicenceSummaryPublic | None = None  # 电子证照标识 and key metadata
