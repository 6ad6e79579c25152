"""Public participation: the notices the bureau publishes about a case and the public's
comments on them (no account needed). Everything here may be read by the public except the
columns marked internal (the commenter's address and contact, moderation)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.text_input import Multiline
from models.types import StrEnumType


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理公示（含环评文件公开版本）
    PRE_APPROVAL = "pre_approval"  # 拟批准公示（听证权利告知）
    DECISION = "decision"  # 批复公告（审批决定）
    REVOCATION = "revocation"  # 撤销公告
    HEARING = "hearing"  # 听证公告（行政许可法第四十六条：本机关依职权举行的听证向社会公告）


NOTICE_KIND_LABELS: dict[NoticeKind, str] = {
    NoticeKind.ACCEPTANCE: "受理公示",
    NoticeKind.PRE_APPROVAL: "拟批准公示",
    NoticeKind.DECISION: "审批决定公告",
    NoticeKind.REVOCATION: "撤销决定公告",
    NoticeKind.HEARING: "听证公告",
}
PERIOD_KINDS = frozenset(
    {NoticeKind.ACCEPTANCE, NoticeKind.PRE_APPROVAL}
)  # run days, take comments


class PublicNotice(SQLModel, table=True):
    """One notice, written in the transaction of the event that publishes it. The particulars
    are copied at publication: what the public saw does not change with the case."""

    __tablename__ = "public_notice"
    __table_args__ = (
        UniqueConstraint("application_id", "kind", name="uq_public_notice_case_kind"),
        Index("ix_public_notice_kind_ends", "kind", "ends_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    kind: NoticeKind = Field(sa_type=StrEnumType(NoticeKind))
    item_code: str = Field(max_length=20)
    item_name: str = Field(max_length=200)
    project_name: str = Field(max_length=200)
    builder: str = Field(max_length=200)
    site: str = Field(max_length=300)
    district: str = Field(max_length=40)
    consultant: str = Field(max_length=200)
    public_material_id: int | None = Field(default=None, foreign_key="material.id")
    participation_material_id: int | None = Field(default=None, foreign_key="material.id")
    event_on: date | None = (
        None  # the day of the event it follows (acceptance, agreement, decision)
    )
    starts_on: date
    ends_on: date  # the last day comments are on time (a decision's: its publication day)
    days: int  # 0: a 公告 without a period
    published_at: datetime
    # 拟批准公示 (Zhengzhou's columns besides the project's particulars)
    overview: str = Field(default="", max_length=2000)  # 项目概况
    measures: str = Field(default="", max_length=2000)  # 主要环境影响及对策措施
    participation_summary: str = Field(default="", max_length=500)  # 公众参与情况
    hearing_right: str = Field(default="", max_length=500)  # 听证权利告知（§47）
    # 批复公告 / 撤销公告
    document_id: int | None = Field(default=None, foreign_key="document.id")
    document_number: str = Field(default="", max_length=60)
    conclusion: str = Field(default="", max_length=100)
    appeal_note: str = Field(default="", max_length=500)  # 行政复议、行政诉讼期限
    # 听证公告: when and where the hearing is held (the subject is in ``overview``)
    hearing_at: datetime | None = None
    hearing_place: str = Field(default="", max_length=300)


class PublicComment(SQLModel, table=True):
    """A comment from the public. ``client_address`` and ``contact`` are internal (the throttle
    and the officer's reply), never published; a hidden comment stays in the case file."""

    __tablename__ = "public_comment"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="public_notice.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    name: str = Field(max_length=50)
    contact: str = Field(max_length=100)
    text: str = Field(max_length=2000)
    attachment_filename: str | None = Field(default=None, max_length=200)
    attachment_sha256: str | None = Field(default=None, max_length=64)
    attachment_size: int | None = None
    attachment_key: str | None = Field(default=None, max_length=300)
    submitted_at: datetime
    late: bool = False  # after the notice's end date: kept, and marked
    client_address: str = Field(default="", max_length=64)
    hidden: bool = False
    hidden_by: int | None = Field(default=None, foreign_key="app_user.id")
    hidden_at: datetime | None = None
    hidden_reason: str = Field(default="", max_length=500)
    response: str = Field(default="", max_length=2000)
    responded_by: int | None = Field(default=None, foreign_key="app_user.id")
    responded_at: datetime | None = None


class NoticeStatus(StrEnum):
    OPEN = "open"  # running today: comments are on time
    ENDED = "ended"


class NoticePublic(SQLModel):
    """A notice as the public and 政务公开 sites read it (no case internals)."""

    id: int
    kind: NoticeKind
    kind_label: str
    item_name: str
    project_name: str
    builder: str
    site: str
    district: str
    consultant: str
    starts_on: date
    ends_on: date
    days: int
    status: NoticeStatus
    working_days_left: int
    report_url: str | None  # the public version of the report (公开版本), PDF
    participation_url: str | None  # 公众参与说明, PDF, where the item has one
    page_url: str
    how_to_comment: str  # empty for a 公告 that takes no comments
    published_at: datetime
    event_on: date | None  # the event it follows (acceptance, the leader's agreement, decision)
    overview: str  # 拟批准公示: 项目概况
    measures: str  # 拟批准公示: 主要环境影响及对策措施
    participation_summary: str  # 拟批准公示: 公众参与情况
    hearing_right: str  # 拟批准公示: 听证权利告知
    hearing_request_url: str | None  # where a hearing is requested online, when offered
    document_number: str  # 公告: 文号
    conclusion: str  # 公告: 审批结论
    document_url: str | None  # 公告: the decision's PDF
    appeal_note: str  # 公告: 行政复议、行政诉讼期限
    hearing_at: datetime | None = None  # 听证公告: the hearing's time
    hearing_place: str = ""  # 听证公告: how and where it is held


class PreApprovalCreate(SQLModel):
    """The leader's agreement in principle: the notice's two texts of the project."""

    overview: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)  # 项目概况
    measures: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)  # 影响及对策措施


class ChallengePublic(SQLModel):
    question: str
    token: str


class CommentReceipt(SQLModel):
    """What a commenter is told: the comment is recorded (and whether it came late)."""

    id: int
    notice_id: int
    submitted_at: datetime
    late: bool
    message: str


class CommentStaffView(SQLModel):
    """A comment as the case officer and auditors see it (contact included, address not)."""

    id: int
    notice_id: int
    name: str
    contact: str
    text: str
    attachment_filename: str | None
    attachment_size: int | None
    submitted_at: datetime
    late: bool
    hidden: bool
    hidden_reason: str
    response: str
    responded_at: datetime | None


class CommentResponseIn(SQLModel):
    response: Annotated[str, Multiline] = Field(min_length=1, max_length=2000)


class CommentHideIn(SQLModel):
    reason: Annotated[str, Multiline] = Field(min_length=1, max_length=500)
