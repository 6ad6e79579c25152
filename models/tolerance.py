"""容缺受理: an application accepted with named non-key materials owed on the applicant's
signed commitment, and the bad-credit list (loaded by staff) that bars it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.text_input import Line
from models.types import StrEnumType


class ToleranceState(StrEnum):
    OWED = "owed"  # signed; the named materials are still owed
    SUPPLIED = "supplied"  # every owed material arrived
    SUSPENDED = "suspended"  # overdue: the case is suspended (clock stopped) until they arrive
    RETURNED = "returned"  # overdue: the case was returned (退件), final


TOLERANCE_STATE_LABELS: dict[ToleranceState, str] = {
    ToleranceState.OWED: "待补齐",
    ToleranceState.SUPPLIED: "已补齐",
    ToleranceState.SUSPENDED: "逾期未补齐，暂停办理",
    ToleranceState.RETURNED: "逾期未补齐，已退件",
}


class ToleranceCommitment(SQLModel, table=True):
    """One per case: what is owed, by when, the signed text (and its SHA-256), and what the
    rule did when the date passed."""

    __tablename__ = "tolerance_commitment"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    material_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    supply_by: date
    overdue_rule: str = Field(max_length=20)  # the item's rule when signed (suspend | return)
    return_after_days: int | None = None  # suspend: 退件 after this many working days
    text: str = Field(max_length=4000)  # the 容缺受理承诺书 as signed
    text_sha256: str = Field(max_length=64)
    signed_by: int = Field(foreign_key="app_user.id")
    signed_at: datetime
    state: ToleranceState = Field(sa_type=StrEnumType(ToleranceState), index=True)
    overdue_on: date | None = None  # the day the sweep applied the rule
    pause_id: int | None = Field(default=None, foreign_key="clockpause.id")
    settled_on: date | None = None  # all supplied, or returned


class BadCreditEntry(SQLModel, table=True):
    """An enterprise on the bad-credit list (严重失信主体名单) as staff loaded it; a newer load
    ends the entries it no longer lists (ended_at), so the history stays."""

    __tablename__ = "bad_credit_entry"

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, index=True)
    name: str = Field(max_length=200)
    reason: str = Field(default="", max_length=500)
    listed_on: date | None = None
    loaded_by: int = Field(foreign_key="app_user.id")
    loaded_at: datetime
    ended_at: datetime | None = Field(default=None, index=True)


# API schemas (the staff-only parts are optional and absent for applicants)


class ToleranceDeclare(SQLModel):
    """The applicant's 容缺受理承诺: which materials it will supply later, and by when."""

    material_codes: list[str] = Field(min_length=1, max_length=10)
    supply_by: date
    agree: bool = Field(description="签署承诺书：须为 true")


class OwedMaterial(SQLModel):
    code: str
    name: str
    supplied: bool
    material_id: int | None = None


class RuleSource(SQLModel):
    """Where an adopted rule comes from (staff only)."""

    rule: str
    evidence: str
    sources: list[str]


class TolerancePublic(SQLModel):
    application_id: int
    state: ToleranceState
    state_label: str
    supply_by: date
    overdue_rule: str
    overdue_rule_label: str
    owed: list[OwedMaterial]
    text: str
    signed_at: datetime
    overdue_on: date | None = None
    settled_on: date | None = None
    rule_sources: list[RuleSource] | None = None  # staff only


class ToleranceOption(SQLModel):
    """What the applicant may declare for its case (empty ``materials``: not for this item)."""

    allowed: bool
    reason: str
    materials: list[OwedMaterial]
    latest_supply_by: date | None = None
    overdue_rule_label: str = ""
    rule_sources: list[RuleSource] | None = None  # staff only


class CreditEntryIn(SQLModel):
    uscc: str = Field(min_length=18, max_length=18)
    name: Annotated[str, Line] = Field(min_length=1, max_length=200)
    reason: Annotated[str, Line] = Field(default="", max_length=500)
    listed_on: date | None = None


class CreditListLoad(SQLModel):
    entries: list[CreditEntryIn] = Field(max_length=5000)


class CreditEntryPublic(SQLModel):
    id: int
    uscc: str
    name: str
    reason: str
    listed_on: date | None
    loaded_at: datetime


class CreditListResult(SQLModel):
    active: int
    added: int
    ended: int
