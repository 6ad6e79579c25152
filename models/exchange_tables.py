"""Tables of the exchange features: what an application declares for the outside platforms
(project code, EIA consultancy and engineers), the credit platform's lists as staff loaded
them, the bureau's 失信记分 observations, and the outbox of deliveries to other systems."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import StrEnumType


class ProjectDeclaration(SQLModel, table=True):
    """The applicant's declaration for the outside platforms, one per application."""

    __tablename__ = "project_declaration"

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    project_code: str | None = Field(default=None, max_length=24)
    region_reason: str = Field(default="", max_length=500)  # a project outside the area: why
    consultancy_uscc: str | None = Field(default=None, max_length=18)  # 编制单位
    consultancy_name: str = Field(default="", max_length=200)
    # [{"name": 姓名, "number": 信用编号或职业资格证书管理号}]
    engineers: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON))
    lookup: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))  # platform says
    updated_at: datetime


class CreditListKind(StrEnum):
    RECTIFICATION = "rectification"  # 限期整改名单
    BLACKLIST = "blacklist"  # 环境影响评价失信“黑名单”


CREDIT_LIST_LABELS = {
    CreditListKind.RECTIFICATION: "限期整改名单",
    CreditListKind.BLACKLIST: "失信“黑名单”",
}


class CreditList(SQLModel, table=True):
    """One version of a list, loaded by staff from the platform's export (never edited)."""

    __tablename__ = "credit_list"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_credit_list_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: CreditListKind = Field(sa_type=StrEnumType(CreditListKind))
    version: int
    list_date: date  # the export's date (as of which the platform listed these parties)
    filename: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    entries: int
    loaded_by: int = Field(foreign_key="app_user.id")
    loaded_at: datetime


class CreditListEntry(SQLModel, table=True):
    __tablename__ = "credit_list_entry"
    __table_args__ = (Index("ix_credit_list_entry_lookup", "list_id", "identifier"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="credit_list.id")
    party: str = Field(max_length=10)  # unit 编制单位 / person 编制人员
    identifier: str = Field(max_length=40)  # USCC, or the person's 信用编号 / 证书管理号
    name: str = Field(max_length=200)
    reason: str = Field(default="", max_length=500)
    starts_on: date | None = None
    ends_on: date | None = None


class CreditObservation(SQLModel, table=True):
    """A 失信记分 the bureau decided on a case's report, to be uploaded to the platform within
    five working days of the decision (生态环境部公告2019年第39号)."""

    __tablename__ = "credit_observation"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    party: str = Field(max_length=10)
    identifier: str = Field(max_length=40)
    name: str = Field(max_length=200)
    behaviour: str = Field(max_length=500)  # 失信行为
    points: int
    decided_on: date
    upload_due_on: date
    recorded_by: int = Field(foreign_key="app_user.id")
    recorded_at: datetime
    exported_at: datetime | None = None


class ExchangeKind(StrEnum):
    NATIONAL_REPORT = "national_report"  # 环评审批基础信息 to the national system
    PROJECT_DECISION = "project_decision"  # the decision pushed back to the investment platform


class ExchangeMessage(SQLModel, table=True):
    """The outbox of deliveries to other systems: written in the transaction of the decision,
    delivered by the relay with retries (at least once; the key makes a repeat recognisable)."""

    __tablename__ = "exchange_message"
    __table_args__ = (Index("ix_exchange_message_due", "sent_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    kind: ExchangeKind = Field(sa_type=StrEnumType(ExchangeKind))
    application_id: int = Field(foreign_key="application.id", index=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON))
    created_at: datetime
    attempts: int = 0
    last_error: str = Field(default="", max_length=1000)
    last_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    receipt: str = Field(default="", max_length=300)
