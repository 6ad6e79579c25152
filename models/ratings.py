"""好差评: the enterprise's rating of one 政务服务 event, and the follow-up a bad rating opens
(回访核实 → 整改 → 反馈), with the enterprise's reply and staff's appeal (申诉复核)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.text_input import Multiline
from models.types import StrEnumType


class RatedEvent(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理
    DECISION = "decision"  # 办结（审批决定、答复、备案）
    GUIDANCE = "guidance"  # 靠前服务：指导意见
    PROBLEM = "problem"  # 万人助万企：销号的问题台账问题


RATED_EVENT_LABELS: dict[RatedEvent, str] = {
    RatedEvent.ACCEPTANCE: "受理",
    RatedEvent.DECISION: "办结",
    RatedEvent.GUIDANCE: "项目前期指导",
    RatedEvent.PROBLEM: "企业问题办理",
}


class FollowUpState(StrEnum):
    OPEN = "open"  # waiting for 回访核实、整改、反馈
    ANSWERED = "answered"  # 反馈 given to the enterprise
    APPEALED = "appealed"  # staff asked for 申诉复核 (the rating is believed false)
    VOIDED = "voided"  # the appeal was upheld: the rating does not count


FOLLOW_UP_LABELS: dict[FollowUpState, str] = {
    FollowUpState.OPEN: "待整改反馈",
    FollowUpState.ANSWERED: "已整改反馈",
    FollowUpState.APPEALED: "申诉复核中",
    FollowUpState.VOIDED: "申诉成立，评价不计入",
}


class Rating(SQLModel, table=True):
    """One rating per event of a case (一事一评 per event): level 5 非常满意 … 1 非常不满意."""

    __table_args__ = (UniqueConstraint("application_id", "event", name="uq_rating_case_event"),)

    id: int | None = Field(default=None, primary_key=True)
    # A case's event, or (GUIDANCE) a pre-application consultation's written guidance.
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    consultation_id: int | None = Field(
        default=None, foreign_key="consultation.id", unique=True, index=True
    )
    problem_id: int | None = Field(  # 万人助万企: a closed problem of the ledger
        default=None, foreign_key="ledger_problem.id", unique=True, index=True
    )
    event: RatedEvent = Field(sa_type=StrEnumType(RatedEvent))
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    item_code: str = Field(max_length=20, index=True)
    officer_id: int | None = Field(default=None, foreign_key="app_user.id")  # who served
    level: int = Field(ge=1, le=5)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="", max_length=1000)
    rated_by: int = Field(foreign_key="app_user.id")
    rated_at: datetime = Field(index=True)


class RatingFollowUp(SQLModel, table=True):
    """What a bad rating opens; ``due_on`` from the rules (working days after the rating)."""

    __tablename__ = "rating_follow_up"

    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="rating.id", unique=True)
    state: FollowUpState = Field(sa_type=StrEnumType(FollowUpState), index=True)
    due_on: date
    verification: str = Field(default="", max_length=2000)  # 回访核实
    rectification: str = Field(default="", max_length=2000)  # 整改措施
    feedback: str = Field(default="", max_length=2000)  # 反馈 to the enterprise
    answered_by: int | None = Field(default=None, foreign_key="app_user.id")
    answered_on: date | None = None
    reply: str = Field(default="", max_length=1000)  # the enterprise's reply (追评)
    reply_satisfied: bool | None = None
    appeal_reason: str = Field(default="", max_length=2000)
    appealed_by: int | None = Field(default=None, foreign_key="app_user.id")
    appeal_decision: str = Field(default="", max_length=2000)
    appeal_decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    overdue_notified: bool = False


# API schemas


class RatingCreate(SQLModel):
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reasons: list[str] = Field(default_factory=list, max_length=10)
    comment: Annotated[str, Multiline] = Field(default="", max_length=1000)


class FollowUpAnswer(SQLModel):
    verification: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)
    rectification: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)
    feedback: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)


class FollowUpReply(SQLModel):
    satisfied: bool
    reply: Annotated[str, Multiline] = Field(default="", max_length=1000)


class AppealCreate(SQLModel):
    reason: Annotated[str, Multiline] = Field(min_length=5, max_length=2000)


class AppealDecision(SQLModel):
    upheld: bool
    decision: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)


class FollowUpPublic(SQLModel):
    state: FollowUpState
    state_label: str
    due_on: date
    verification: str
    rectification: str
    feedback: str
    answered_on: date | None
    on_time: bool | None
    reply: str
    reply_satisfied: bool | None
    appeal_reason: str | None = None  # staff only
    appeal_decision: str | None = None  # staff only


class RatingPublic(SQLModel):
    id: int
    application_id: int | None
    consultation_id: int | None = None
    problem_id: int | None = None  # 万人助万企: a closed problem of the ledger
    event: RatedEvent
    event_label: str
    level: int
    level_label: str
    reasons: list[str]
    comment: str
    rated_at: datetime
    follow_up: FollowUpPublic | None = None


class RatableEvent(SQLModel):
    event: RatedEvent
    event_label: str
    rating: RatingPublic | None


class CountRow(SQLModel):
    key: str
    label: str
    ratings: int
    bad: int
    mean_level: float
    by_level: dict[int, int]


class RatingReport(SQLModel):
    total: int
    by_level: dict[int, int]
    satisfaction: float  # share rated 基本满意 or better
    by_item: list[CountRow]
    by_officer: list[CountRow]
    follow_ups_open: int
    follow_ups_overdue: int
    follow_ups_on_time: int
    follow_ups_late: int
    appeals_upheld: int


class SourcedRule(SQLModel):
    """An adopted rule and where it comes from (staff and auditors only)."""

    rule: str
    evidence: str
    sources: list[str]
