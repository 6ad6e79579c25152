"""SQLModel tables: the system of record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.accounts import MemberKind
from models.enums import (
    DispatchState,
    DocumentKind,
    DocumentState,
    Outcome,
    ProcessKind,
    Role,
    Status,
    Track,
    WarningLevel,
)
from models.types import StrEnumType


class Enterprise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, unique=True, index=True)  # 统一社会信用代码
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    address: str = Field(default="", max_length=300)  # 住所 (registered address)
    legal_representative: str = Field(default="", max_length=50)  # 法定代表人 (or 主要负责人)
    bad_credit: bool = False  # serious bad-credit record (严重失信), set by an administrator
    registered_at: datetime | None = None  # self-registered (None: created by the bureau)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    password_hash: str = Field(max_length=256)
    role: Role = Field(sa_type=StrEnumType(Role), index=True)
    email: str = Field(max_length=254)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    is_active: bool = True
    token_generation: int = 0  # bumped on each password change (tokens end via UserSession)
    phone: str = Field(default="", max_length=20)
    email_verified: bool = True  # False from self-registration until the mailed link is opened
    member_kind: MemberKind | None = Field(default=None, sa_type=StrEnumType(MemberKind))
    is_enterprise_admin: bool = False  # manages the enterprise's users and agents
    # 分局: staff of a district's branch work that district's cases (None: the bureau, 市局)
    branch_district: str | None = Field(default=None, max_length=40)


class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_application_idempotency"),
        # The bureau-wide turnaround report reads only this index (PostgreSQL index-only scan).
        Index(
            "ix_application_turnaround_report",
            "decided_on",
            postgresql_include=[
                "item_code",
                "turnaround_working_days",
                "turnaround_calendar_days",
                "process_kind",
                "track",
                "district",
                "case_officer_id",
            ],
            postgresql_where=text("decided_on IS NOT NULL AND turnaround_working_days IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, index=True)  # 办件编号
    item_code: str = Field(max_length=20, index=True)
    item_version: int
    process_kind: ProcessKind = Field(
        default=ProcessKind.STANDARD, sa_type=StrEnumType(ProcessKind, 20), index=True
    )
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    created_by: int = Field(foreign_key="app_user.id")
    # the agent (代理机构) that applied on the enterprise's behalf, under an AgentAuthorisation
    agent_enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    idempotency_key: str | None = Field(default=None, max_length=100)
    status: Status = Field(sa_type=StrEnumType(Status), index=True)
    version: int = 0  # optimistic lock: every transition bumps it

    project_name: str = Field(max_length=200)
    site: str = Field(max_length=300)
    district: str = Field(max_length=40)
    industry_code: str = Field(max_length=8)
    total_investment: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    env_investment: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    consultant: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    description: str = Field(default="", max_length=4000)  # 申请内容 / 诉求 (service items)
    licence_number: str | None = Field(default=None, max_length=40)  # the licence acted on

    created_at: datetime
    submitted_at: datetime | None = None
    received_on: date | None = None  # the day the complete application was received
    accepted_on: date | None = None
    decided_on: date | None = None
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id")

    # The statutory clock, cached for queues, sweeps and reports; always derivable from
    # clock_started_on, the item's limits and the ClockPause rows
    # (approvals.timekeeping.case_clock).
    track: Track = Field(default=Track.STANDARD, sa_type=StrEnumType(Track), index=True)
    clock_started_on: date | None = None
    due_on: date | None = Field(default=None, index=True)
    due_provisional: bool = False
    warning: WarningLevel = Field(
        default=WarningLevel.NONE, sa_type=StrEnumType(WarningLevel), index=True
    )
    case_officer_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    turnaround_working_days: int | None = None  # set when decided: used days, pauses excluded
    turnaround_calendar_days: int | None = None
    paused_working_days: int | None = None


class Material(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    material_code: str = Field(max_length=40)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    object_key: str = Field(max_length=300)
    uploaded_at: datetime
    uploaded_by: int = Field(foreign_key="app_user.id")
    superseded: bool = False  # replaced by a later upload of the same material


class Decision(SQLModel, table=True):
    """The case officer's draft, reviewed by the section chief and signed by a leader."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    outcome: Outcome = Field(sa_type=StrEnumType(Outcome))
    conditions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reasons: str = Field(default="", max_length=4000)
    legal_grounds: str = Field(default="", max_length=1000)
    drafted_by: int = Field(foreign_key="app_user.id")
    drafted_at: datetime
    reviewed_by: int | None = Field(default=None, foreign_key="app_user.id")
    reviewed_at: datetime | None = None
    signed_by: int | None = Field(default=None, foreign_key="app_user.id")
    signed_at: datetime | None = None


class Document(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("series", "year", "serial", name="uq_document_number"),)

    id: int | None = Field(default=None, primary_key=True)
    # A case's document; or, without a case, a pre-application consultation's (指导意见).
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    consultation_id: int | None = Field(default=None, foreign_key="consultation.id", index=True)
    kind: DocumentKind = Field(sa_type=StrEnumType(DocumentKind))
    state: DocumentState = Field(sa_type=StrEnumType(DocumentState), index=True)
    series: str = Field(max_length=20)  # 机关代字, e.g. 郑环审
    year: int
    serial: int | None = None  # allocated by the issuing flow, gapless per series and year
    number: str | None = Field(default=None, max_length=40)  # 郑环审〔2026〕7号
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    object_key: str | None = Field(default=None, max_length=300)
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    verify_code: str = Field(max_length=24, unique=True, index=True)
    created_at: datetime
    issued_at: datetime | None = None


class SerialCounter(SQLModel, table=True):
    """The last number used per scope (a document series, the day's application numbers) and
    period (a year, a date as YYYYMMDD). Incremented inside the transaction that uses the number,
    so a rolled-back transaction leaves no gap."""

    scope: str = Field(primary_key=True, max_length=40)
    period: int = Field(primary_key=True)
    last_value: int = 0


class PostalDispatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    courier: str = Field(max_length=40)
    waybill: str = Field(max_length=40)
    sent_on: date
    recorded_by: int = Field(foreign_key="app_user.id")
    recorded_at: datetime


class AuditEvent(SQLModel, table=True):
    """One row per transition; each row carries the hash of the row before (tamper evidence)."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")  # None: the system
    actor_name: str = Field(max_length=100)
    actor_role: str = Field(max_length=32)
    action: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    comment: str = Field(default="", max_length=4000)
    at: datetime
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class OutboxMail(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)  # stable: a retry is the same message
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    to_addr: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str
    attachments: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # [{"object_key", "filename", "content_type"}]
    created_at: datetime
    sent_at: datetime | None = Field(default=None, index=True)
    # a relay took it at this moment and is sending it (no lock held meanwhile); another relay
    # takes it again only once the lease has run out (approvals.outbox)
    claimed_at: datetime | None = None
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)


class FlowDispatch(SQLModel, table=True):
    """Automated work the committed state asks for: a worker claims it (``FOR UPDATE SKIP
    LOCKED``, a lease from ``dispatched_at``), runs it in process and marks it done."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    flow_name: str = Field(max_length=80)
    idempotency_key: str = Field(max_length=120, unique=True)
    state: DispatchState = Field(sa_type=StrEnumType(DispatchState), index=True)
    flow_run_id: str | None = Field(default=None, max_length=200)
    created_at: datetime
    dispatched_at: datetime | None = None  # when launched or claimed (the lease starts here)
    claimed_by: str = Field(default="", max_length=120)  # the worker (host:pid) holding it
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)


class HolidayDay(SQLModel, table=True):
    """A day of an officially published schedule loaded by staff; overrides the packaged
    schedule and the provisional fallback for that day."""

    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = Field(default="", max_length=40)  # e.g. 春节, 调休上班
    source: str = Field(default="", max_length=200)  # e.g. 国办发明电〔2026〕X号
    loaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    loaded_at: datetime


class ClockPause(SQLModel, table=True):
    """A stop of the statutory clock (行政许可法第45条): days in (start_on, end_on] do not count."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    reason: str = Field(max_length=40)  # one of the item's clock_stops, e.g. 专家评审
    start_on: date
    end_on: date | None = None  # None: still paused
    max_days: int  # at most how long, as told to the applicant in writing
    max_unit: str = Field(default="working", max_length=10)
    comment: str = Field(default="", max_length=2000)
    started_by: int | None = Field(default=None, foreign_key="app_user.id")
    ended_by: int | None = Field(default=None, foreign_key="app_user.id")


class StepRecord(SQLModel, table=True):
    """How long a case waited in each step (from the transitions; feeds the stage report)."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    status: Status = Field(sa_type=StrEnumType(Status), index=True)
    entered_at: datetime
    left_at: datetime | None = None
    working_days: int | None = None
    calendar_days: int | None = None
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")  # who left the step


class Reminder(SQLModel, table=True):
    """A warning already sent: one per case, step and level, so a sweep never repeats one."""

    __table_args__ = (UniqueConstraint("application_id", "step", "level", name="uq_reminder_once"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    step: str = Field(max_length=20)
    level: WarningLevel = Field(sa_type=StrEnumType(WarningLevel))
    created_at: datetime


class Licence(SQLModel, table=True):
    """A licence the bureau issued (排污许可证, 危险废物经营许可证, 辐射安全许可证, …)."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, index=True)
    kind: str = Field(max_length=30, index=True)  # approvals.catalogue.LicenceKind
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    holder_name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    scope: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_to: date = Field(index=True)
    status: str = Field(default="active", max_length=20, index=True)  # active|cancelled
    issued_by_application_id: int = Field(foreign_key="application.id")
    last_application_id: int = Field(foreign_key="application.id")
    copies: int = 1  # 1 + duplicates issued after a loss (遗失补领)
    created_at: datetime
    updated_at: datetime


class ItemVersion(SQLModel, table=True):
    """The catalogue item as it was when an application was made: a case in flight keeps the
    rules it was submitted under, whatever later edits to the item file say."""

    code: str = Field(primary_key=True, max_length=20)
    version: int = Field(primary_key=True)
    sha256: str = Field(max_length=64)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    first_used_at: datetime
    # Published by staff once every fact group is verified (approvals.casework.fact_checks).
    published_at: datetime | None = None
    published_by: int | None = Field(default=None, foreign_key="app_user.id")


class ItemFactCheck(SQLModel, table=True):
    """A staff verdict on one fact group (catalogue_schema.EVIDENCE_FACTS) of one item version.
    Append-only: the latest row per fact is its state, earlier rows its history; a fact with
    no row has the seed's state (approvals.catalogue.public_facts.seed_verified)."""

    __table_args__ = (Index("ix_itemfactcheck_code_version", "code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20)
    version: int
    fact: str = Field(max_length=40)
    verified: bool
    checked_by: int = Field(foreign_key="app_user.id")
    checked_at: datetime
    note: str = Field(default="", max_length=500)


class CommitmentCase(SQLModel, table=True):
    """The fast-track (告知承诺制) side of an application: the facts eligibility was judged on,
    the commitment letter the applicant accepted, and the post-approval check."""

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    eligible: bool = False
    findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    scope_version: int = 0
    letter_key: str | None = Field(default=None, max_length=300)
    letter_sha256: str | None = Field(default=None, max_length=64)
    letter_generated_at: datetime | None = None
    accepted_sha256: str | None = Field(default=None, max_length=64)
    accepted_at: datetime | None = None
    accepted_by: int | None = Field(default=None, foreign_key="app_user.id")
    check_due_on: date | None = Field(default=None, index=True)
    check_officer_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    check_assigned_at: datetime | None = None
    check_outcome: str | None = Field(default=None, max_length=20)  # conforms | not_conforming
    check_findings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    check_evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    checked_at: datetime | None = None
    converted_at: datetime | None = None  # converted to the standard review


class CommitmentBar(SQLModel, table=True):
    """An enterprise barred from the fast track after a revocation."""

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    until: date
    reason: str = Field(max_length=500)
    application_id: int = Field(foreign_key="application.id")
    created_at: datetime


class Expert(SQLModel, table=True):
    """A member of the bureau's expert pool (环境影响评价审查专家库)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", unique=True)
    name: str = Field(max_length=50)
    title: str = Field(max_length=50)  # e.g. 正高级工程师
    employer: str = Field(max_length=200, index=True)
    specialties: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    group_no: int = Field(ge=1, le=8, index=True)  # one of the bureau's 8 service expert groups
    available: bool = True
    email: str = Field(max_length=254)


class Panel(SQLModel, table=True):
    """A drawn expert panel for a joint review (远程会审); replayable from seed + candidates."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    seed: int
    size: int
    needed_specialties: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    candidates: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excluded: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    drawn_at: datetime
    drawn_by: int = Field(foreign_key="app_user.id")
    status: str = Field(default="open", max_length=20)  # open | closed
    meeting_at: datetime | None = None
    video_link: str | None = Field(default=None, max_length=300)
    closed_at: datetime | None = None
    conclusion: str | None = Field(default=None, max_length=30)  # pass|revise|fail
    revision_confirmed_at: datetime | None = None


class PanelMember(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("panel_id", "expert_id", name="uq_panel_member"),)

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    expert_id: int = Field(foreign_key="expert.id", index=True)
    chair: bool = False
    state: str = Field(default="invited", max_length=20)  # invited|declined|replaced
    replaces_id: int | None = Field(default=None, foreign_key="panelmember.id")
    draw_order: int = 0
    conclusion: str | None = Field(default=None, max_length=30)  # pass|revise|fail
    opinion: str = Field(default="", max_length=8000)
    submitted_at: datetime | None = None
    reminded_at: datetime | None = None


class SiteInspection(SQLModel, table=True):
    """A video site inspection (视频踏勘): when, who, and the photos and video kept."""

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    at: datetime
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", max_length=4000)
    media: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    recorded_by: int = Field(foreign_key="app_user.id")


class GreenChannel(SQLModel, table=True):
    """特事特办: a case flagged for the green channel, with who approved it and why."""

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    justification: str = Field(max_length=2000)
    flagged_by: int = Field(foreign_key="app_user.id")
    flagged_at: datetime
