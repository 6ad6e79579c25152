"""万人助万企: key enterprises with their liaison (包联干部), the problem ledger (问题台账) with
its replies, and 帮办代办 authorisations (an enterprise lets a named helper act for it)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.text_input import Line, Multiline
from models.types import StrEnumType


class KeyEnterprise(SQLModel, table=True):
    """An enterprise the bureau serves closely, and the staff member assigned to it."""

    __tablename__ = "key_enterprise"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", unique=True)
    liaison_id: int = Field(foreign_key="app_user.id", index=True)
    note: str = Field(default="", max_length=300)
    assigned_by: int = Field(foreign_key="app_user.id")
    assigned_at: datetime


class ProblemState(StrEnum):
    OPEN = "open"  # 办理中
    RESOLVED = "resolved"  # 已办结，待企业确认
    CLOSED = "closed"  # 企业确认，销号


PROBLEM_STATE_LABELS: dict[ProblemState, str] = {
    ProblemState.OPEN: "办理中",
    ProblemState.RESOLVED: "已办结，待企业确认",
    ProblemState.CLOSED: "已销号",
}


class LedgerProblem(SQLModel, table=True):
    """One problem in the ledger; ``due_on`` is ``deadline_days`` working days after raising."""

    __tablename__ = "ledger_problem"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    raised_by: int = Field(foreign_key="app_user.id")
    raised_by_liaison: bool = False  # raised by the liaison (else by the enterprise)
    raised_at: datetime
    title: str = Field(max_length=200)
    description: str = Field(max_length=4000)
    category: str = Field(max_length=40)
    responsible_unit: str = Field(max_length=100)
    deadline_days: int
    due_on: date = Field(index=True)
    state: ProblemState = Field(sa_type=StrEnumType(ProblemState), index=True)
    resolved_on: date | None = None  # the last 办结 (before the enterprise confirmed)
    closed_on: date | None = None
    escalated_on: date | None = None  # the sweep found it overdue and told the chief
    reopened: int = 0


class ProblemReply(SQLModel, table=True):
    """The thread of a problem: replies, 办结, the enterprise's confirmation or reopening, the
    sweep's escalation."""

    __tablename__ = "problem_reply"

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="ledger_problem.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_name: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # reply | resolve | confirm | reopen | escalate
    text: str = Field(max_length=4000)
    at: datetime


class HelperAuthorisation(SQLModel, table=True):
    """帮办代办: the enterprise lets the helper (a staff user) take the ``actions`` (for the
    ``item_codes``, empty: any item) from ``valid_from`` to ``valid_to``, until revoked."""

    __tablename__ = "helper_authorisation"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    helper_id: int = Field(foreign_key="app_user.id", index=True)
    actions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    item_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_to: date
    granted_by: int = Field(foreign_key="app_user.id")
    granted_at: datetime
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="app_user.id")


class HelperDesignation(SQLModel, table=True):
    """A staff user the administrator named 帮办员."""

    __tablename__ = "helper_designation"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    designated_by: int = Field(foreign_key="app_user.id")
    designated_at: datetime


# API schemas


class KeyEnterpriseAssign(SQLModel):
    enterprise_id: int = Field(ge=1, le=2147483647)
    liaison_id: int = Field(ge=1, le=2147483647)
    note: Annotated[str, Line] = Field(default="", max_length=300)


class KeyEnterprisePublic(SQLModel):
    enterprise_id: int
    enterprise_name: str
    uscc: str
    liaison_id: int
    liaison_name: str
    note: str
    assigned_at: datetime


class LiaisonCase(SQLModel):
    id: int
    number: str
    project_name: str
    item_code: str
    status: str
    status_label: str
    due_on: date | None
    warning: str
    warning_label: str


class ProblemCreate(SQLModel):
    enterprise_id: int | None = Field(default=None, ge=1, le=2147483647)  # the liaison names it
    title: Annotated[str, Line] = Field(min_length=2, max_length=200)
    description: Annotated[str, Multiline] = Field(min_length=2, max_length=4000)
    category: str = Field(max_length=40)
    responsible_unit: Annotated[str, Line] = Field(default="", max_length=100)
    deadline_days: int | None = Field(default=None, ge=1, le=60)


class ProblemText(SQLModel):
    text: Annotated[str, Multiline] = Field(min_length=2, max_length=4000)


class ProblemUnit(SQLModel):
    responsible_unit: Annotated[str, Line] = Field(min_length=2, max_length=100)


class ProblemConfirm(SQLModel):
    solved: bool
    text: Annotated[str, Multiline] = Field(default="", max_length=4000)


class ProblemReplyPublic(SQLModel):
    author_name: str
    kind: str
    kind_label: str
    text: str
    at: datetime


class ProblemPublic(SQLModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    raised_by_liaison: bool
    raised_at: datetime
    title: str
    description: str
    category: str
    category_label: str
    responsible_unit: str
    deadline_days: int
    due_on: date
    state: ProblemState
    state_label: str
    overdue: bool
    escalated_on: date | None
    resolved_on: date | None
    closed_on: date | None
    closed_on_time: bool | None
    reopened: int
    replies: list[ProblemReplyPublic]


class LedgerReport(SQLModel):
    total: int
    open: int
    overdue: int
    escalated: int
    closed: int
    closed_on_time: int
    closed_late: int
    closed_on_time_share: float | None
    by_category: dict[str, int]


class HelperGrant(SQLModel):
    helper_username: Annotated[str, Line] = Field(min_length=1, max_length=64)
    actions: list[str] = Field(min_length=1, max_length=10)
    item_codes: list[str] = Field(default_factory=list, max_length=60)
    valid_from: date
    valid_to: date


class HelperAuthorisationPublic(SQLModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    helper_id: int
    helper_name: str
    actions: list[str]
    action_labels: list[str]
    item_codes: list[str]
    valid_from: date
    valid_to: date
    granted_at: datetime
    revoked_at: datetime | None
    active: bool
