"""听证 (行政许可法第46–48条): the notification of the right, the requests, the hearing itself.

A case has at most one hearing that is not cancelled; every party's request hangs on it. The
record (statements, evidence, the parties' confirmations) is kept as JSON on the hearing: it is
written once, confirmed, then printed as the 听证笔录."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.text_input import Multiline
from models.types import StrEnumType


class HearingOrigin(StrEnum):
    REQUESTED = "requested"  # §47: a party asked within the period
    ORDERED = "ordered"  # §46: the bureau holds one of its own motion (public interest)


class HearingState(StrEnum):
    REQUESTED = "requested"  # waiting to be scheduled (clock stopped)
    SCHEDULED = "scheduled"  # time, place and 主持人 set; 听证通知书 issued
    HELD = "held"  # held; the record waits for the parties' confirmation
    RECORDED = "recorded"  # 听证笔录 confirmed and issued: the decision rests on it
    CANCELLED = "cancelled"  # every request withdrawn before it was held


HEARING_STATE_LABELS: dict[HearingState, str] = {
    HearingState.REQUESTED: "已申请，待安排",
    HearingState.SCHEDULED: "已安排，待举行",
    HearingState.HELD: "已举行，笔录待确认",
    HearingState.RECORDED: "笔录已确认",
    HearingState.CANCELLED: "申请已撤回，不再举行",
}


class PartyKind(StrEnum):
    APPLICANT = "applicant"  # 申请人 (through its account)
    INTERESTED = "interested"  # 利害关系人 (public form, no account)
    BUREAU = "bureau"  # the bureau's own order (§46)


PARTY_LABELS: dict[PartyKind, str] = {
    PartyKind.APPLICANT: "申请人",
    PartyKind.INTERESTED: "利害关系人",
    PartyKind.BUREAU: "本机关决定",
}


class HearingMode(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


MODE_LABELS: dict[HearingMode, str] = {
    HearingMode.ONLINE: "网络视频方式",
    HearingMode.IN_PERSON: "现场方式",
}


class HearingRight(SQLModel, table=True):
    """The applicant and interested parties were told of their right to a hearing (§47) on
    ``notified_on``; requests are on time until the item's period after the latest one."""

    __tablename__ = "hearing_right"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    notified_on: date
    via: str = Field(max_length=40)  # 拟批准公示 / 书面告知
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime


class Hearing(SQLModel, table=True):
    __tablename__ = "hearing"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    origin: HearingOrigin = Field(sa_type=StrEnumType(HearingOrigin))
    state: HearingState = Field(sa_type=StrEnumType(HearingState), index=True)
    requested_on: date  # the first request (or the order): §47's 20 days run from it
    hold_by: date  # the last day it may be held (§47)
    pause_id: int | None = Field(default=None, foreign_key="clockpause.id")
    scheduled_at: datetime | None = None  # when it is held (UTC)
    mode: HearingMode | None = Field(default=None, sa_type=StrEnumType(HearingMode))
    place: str = Field(default="", max_length=300)  # address, or the video meeting link
    presiding_officer_id: int | None = Field(default=None, foreign_key="app_user.id")
    recorder: str = Field(default="", max_length=50)  # 记录员
    reviewer_id: int | None = Field(default=None, foreign_key="app_user.id")  # 审查人员 (schedules)
    notified_at: datetime | None = None
    held_at: datetime | None = None
    # [{"name", "role"}], [{"speaker", "text"}], [{"party", "text"}]
    participants: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    statements: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    review_opinion: str = Field(default="", max_length=4000)  # 审查人员的初步审查意见
    adoption_note: str = Field(default="", max_length=2000)  # 主要观点采纳或不采纳的说明
    # [{"name", "confirmed": bool, "note", "at"}]: 确认无误签字, or a refusal recorded (§29)
    confirmations: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    recorded_at: datetime | None = None
    created_at: datetime
    created_by: int | None = Field(default=None, foreign_key="app_user.id")


class HearingRequest(SQLModel, table=True):
    """One party's request (or the bureau's order). ``contact``, ``email`` and
    ``client_address`` are internal: never published."""

    __tablename__ = "hearing_request"

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    party: PartyKind = Field(sa_type=StrEnumType(PartyKind))
    name: str = Field(max_length=100)
    contact: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    relation: str = Field(default="", max_length=300)  # how the interest is concerned
    reasons: str = Field(max_length=2000)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    client_address: str = Field(default="", max_length=64)
    requested_at: datetime
    withdrawn_at: datetime | None = None
    withdrawal_note: str = Field(default="", max_length=500)


# ---------------------------------------------------------------------------- API schemas


class HearingRequestIn(SQLModel):
    """The applicant's request, through its account."""

    reasons: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)
    contact: str = Field(default="", max_length=100)


class HearingOrderIn(SQLModel):
    reasons: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)


class HearingRightIn(SQLModel):
    notified_on: date | None = None  # default: today


class HearingWithdrawIn(SQLModel):
    note: str = Field(default="", max_length=500)


class HearingScheduleIn(SQLModel):
    scheduled_at: datetime
    mode: HearingMode
    place: str = Field(min_length=1, max_length=300)
    presiding_officer_id: int = Field(ge=1, le=2**31 - 1)
    recorder: str = Field(min_length=1, max_length=50)


class Participant(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(min_length=1, max_length=50)


class Statement(SQLModel):
    speaker: str = Field(min_length=1, max_length=100)
    text: Annotated[str, Multiline] = Field(min_length=1, max_length=4000)


class EvidenceItem(SQLModel):
    party: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=500)


class HearingRecordIn(SQLModel):
    held_at: datetime
    participants: list[Participant] = Field(min_length=1, max_length=50)
    review_opinion: Annotated[str, Multiline] = Field(min_length=1, max_length=4000)
    statements: list[Statement] = Field(min_length=1, max_length=100)
    evidence: list[EvidenceItem] = Field(default_factory=list, max_length=100)
    adoption_note: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)


class ConfirmationIn(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    confirmed: bool = True  # False: refused to sign without good reason (recorded, §29)
    note: str = Field(default="", max_length=500)


class HearingRequestView(SQLModel):
    id: int
    party: PartyKind
    party_label: str
    name: str
    relation: str
    reasons: str
    requested_at: datetime
    withdrawn_at: datetime | None


class HearingView(SQLModel):
    id: int
    origin: HearingOrigin
    state: HearingState
    state_label: str
    requested_on: date
    hold_by: date
    scheduled_at: datetime | None
    mode: HearingMode | None
    place: str
    presiding_officer: str
    recorder: str
    held_at: datetime | None
    confirmations: list[dict[str, Any]]
    requests: list[HearingRequestView]


class HearingRequestReceipt(SQLModel):
    id: int
    hearing_id: int
    requested_at: datetime
    message: str
