"""靠前服务 (提前介入): an enterprise's planned project and its request for guidance before it
applies; the officer's consultation slots, the booking, the written guidance (指导意见, a
document of its own) and the applications that later link to the project."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.text_input import Line, Multiline
from models.types import StrEnumType


class ConsultationState(StrEnum):
    REQUESTED = "requested"  # waiting for an officer
    ASSIGNED = "assigned"  # an officer is assigned; the enterprise books a slot
    BOOKED = "booked"  # a consultation is booked
    GUIDED = "guided"  # the written guidance was issued


CONSULTATION_STATE_LABELS: dict[ConsultationState, str] = {
    ConsultationState.REQUESTED: "待分派",
    ConsultationState.ASSIGNED: "已分派，待预约",
    ConsultationState.BOOKED: "已预约",
    ConsultationState.GUIDED: "已出具指导意见",
}


class ConsultMode(StrEnum):
    VIDEO = "video"  # 视频会商
    ON_SITE = "on_site"  # 现场指导


CONSULT_MODE_LABELS: dict[ConsultMode, str] = {
    ConsultMode.VIDEO: "视频会商",
    ConsultMode.ON_SITE: "现场指导",
}


class EiaCategory(StrEnum):
    """The EIA document the project needs under the 2021 名录."""

    REPORT_BOOK = "report_book"  # 环境影响报告书
    REPORT_TABLE = "report_table"  # 环境影响报告表
    REGISTRATION_FORM = "registration_form"  # 环境影响登记表（备案）
    NOT_REQUIRED = "not_required"  # 名录未作规定，不纳入环评管理


EIA_CATEGORY_LABELS: dict[EiaCategory, str] = {
    EiaCategory.REPORT_BOOK: "环境影响报告书",
    EiaCategory.REPORT_TABLE: "环境影响报告表",
    EiaCategory.REGISTRATION_FORM: "环境影响登记表（网上备案）",
    EiaCategory.NOT_REQUIRED: "不纳入建设项目环境影响评价管理",
}


class Consultation(SQLModel, table=True):
    """One planned project and its request for guidance, through to the written guidance."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True)  # 前期指导编号, e.g. QZ2026-0007
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    agent_enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    requested_by: int = Field(foreign_key="app_user.id")
    requested_at: datetime = Field(index=True)
    project_name: str = Field(max_length=200)
    site: str = Field(max_length=300)
    district: str = Field(max_length=40)
    industry_code: str = Field(max_length=10)
    scale: str = Field(max_length=300)  # 建设规模
    description: str = Field(max_length=2000)
    question: str = Field(max_length=2000)
    contact_name: str = Field(max_length=60)
    contact_email: str = Field(max_length=200)
    state: ConsultationState = Field(sa_type=StrEnumType(ConsultationState), index=True)
    officer_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    assigned_by: int | None = Field(default=None, foreign_key="app_user.id")
    assigned_at: datetime | None = None
    # The written guidance (指导意见), issued once.
    item_code: str | None = Field(default=None, max_length=20)
    eia_category: EiaCategory | None = Field(default=None, sa_type=StrEnumType(EiaCategory))
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fast_track: bool | None = None  # whether 告知承诺制 can apply
    fast_track_summary: str = Field(default="", max_length=2000)
    obstacles: str = Field(default="", max_length=4000)
    guided_by: int | None = Field(default=None, foreign_key="app_user.id")
    guided_at: datetime | None = None


class ConsultationSlot(SQLModel, table=True):
    """A time an officer offers for consultations; booked by at most one."""

    __tablename__ = "consultation_slot"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="app_user.id", index=True)
    starts_at: datetime = Field(index=True)
    minutes: int = Field(ge=15, le=240)
    mode: ConsultMode = Field(sa_type=StrEnumType(ConsultMode))
    place: str = Field(max_length=300)  # the meeting link or the site
    consultation_id: int | None = Field(
        default=None, foreign_key="consultation.id", unique=True, index=True
    )
    booked_at: datetime | None = None
    reminded_on: date | None = None  # the day the reminder was queued
    created_at: datetime


class ConsultationLink(SQLModel, table=True):
    """An application that follows a consultation (its project's history)."""

    __tablename__ = "consultation_link"

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    linked_by: int = Field(foreign_key="app_user.id")
    linked_at: datetime


# API schemas


class ConsultationCreate(SQLModel):
    project_name: Annotated[str, Line] = Field(min_length=2, max_length=200)
    site: Annotated[str, Line] = Field(min_length=2, max_length=300)
    district: Annotated[str, Line] = Field(min_length=2, max_length=40)
    industry_code: Annotated[str, Line] = Field(min_length=2, max_length=10)
    scale: Annotated[str, Line] = Field(min_length=1, max_length=300)
    description: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)
    question: Annotated[str, Multiline] = Field(min_length=2, max_length=2000)
    contact_name: Annotated[str, Line] = Field(default="", max_length=60)
    contact_email: Annotated[str, Line] = Field(default="", max_length=200)
    on_behalf_of: int | None = Field(
        default=None, ge=1, le=2147483647, description="代理机构为委托企业登记时：委托企业编号"
    )


class AssignOfficer(SQLModel):
    officer_id: int = Field(ge=1, le=2147483647)


class SlotCreate(SQLModel):
    starts_at: datetime = Field(description="开始时间（带时区，或按北京时间理解）")
    minutes: int = Field(default=60, ge=15, le=240)
    mode: ConsultMode
    place: Annotated[str, Line] = Field(min_length=2, max_length=300)


class BookSlot(SQLModel):
    slot_id: int = Field(ge=1, le=2147483647)


class GuidanceCreate(SQLModel):
    item_code: Annotated[str, Line] = Field(min_length=2, max_length=20)
    eia_category: EiaCategory
    park_name: Annotated[str, Line] = Field(default="", max_length=100)
    in_sensitive_area: bool = False
    obstacles: Annotated[str, Multiline] = Field(min_length=2, max_length=4000)


class LinkApplication(SQLModel):
    application_id: int = Field(ge=1, le=2147483647)


class SlotPublic(SQLModel):
    id: int
    officer_name: str
    starts_at: datetime
    minutes: int
    mode: ConsultMode
    mode_label: str
    place: str
    booked: bool


class LinkedApplication(SQLModel):
    id: int
    number: str
    item_code: str
    status: str
    linked_at: datetime


class ConsultationPublic(SQLModel):
    id: int
    number: str
    enterprise_name: str
    project_name: str
    site: str
    district: str
    industry_code: str
    scale: str
    description: str
    question: str
    contact_name: str
    contact_email: str
    state: ConsultationState
    state_label: str
    requested_at: datetime
    officer_name: str | None
    slot: SlotPublic | None
    item_code: str | None
    item_name: str | None
    eia_category: EiaCategory | None
    eia_category_label: str | None
    materials: list[str]
    fast_track: bool | None
    fast_track_summary: str
    obstacles: str
    guided_at: datetime | None
    document_number: str | None
    document_url: str | None
    applications: list[LinkedApplication]


class CaseConsultation(SQLModel):
    """The consultation a case follows (its project's history), if any."""

    consultation: ConsultationPublic | None


class MonthRow(SQLModel):
    month: str  # YYYY-MM of the request
    requests: int
    guided: int
    median_working_days: float | None
    median_calendar_days: float | None


class ConsultationReport(SQLModel):
    requests: int
    guided: int
    open: int
    median_working_days: float | None
    median_calendar_days: float | None
    within_target: int  # guided within the rules' target
    target_working_days: int
    by_month: list[MonthRow]
