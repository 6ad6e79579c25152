"""Reading cases: who may see what, queues per role, and a case's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, bindparam, or_
from sqlmodel import Session, col, select

from approvals.audit_labels import AUDIT_ACTION_LABELS
from approvals.catalogue.process.standard import ACTION_LABELS, HUMAN_STEP, Action
from approvals.clock import local_date
from approvals.enterprise import agents
from approvals.errors import NotFound
from approvals.timekeeping.calendar import WorkingCalendar, calendar_days_between
from core.db import keep
from models import Application, AuditEvent, Enterprise, Expert, Panel, PanelMember, Role, User
from models.enums import DOCUMENT_ISSUED

STAFF_ROLES = frozenset(
    {
        Role.INTAKE_OFFICER,
        Role.CASE_OFFICER,
        Role.SECTION_CHIEF,
        Role.LEADER,
        Role.AUDITOR,
        Role.ADMIN,
    }
)


# Built once: a statement made per call costs more CPU than its cached compilation saves
# (building the expression and its cache key); the values go in as bound parameters.
_CASE_AND_ENTERPRISE = (
    select(Application, Enterprise)
    .outerjoin(Enterprise, col(Enterprise.id) == col(Application.enterprise_id))
    .where(col(Application.id) == bindparam("application_id"))
)


def get_application_for(session: Session, actor: User, application_id: int) -> Application:
    """The case if ``actor`` may see it. An applicant sees only its own enterprise's cases;
    someone else's case is reported as not found, so its existence does not leak. The case's
    enterprise is read with it (same statement) and kept in the session, so its readers'
    ``session.get(Enterprise, …)`` costs no statement."""
    row = session.exec(_CASE_AND_ENTERPRISE, params={"application_id": application_id}).first()
    application, enterprise = row if row is not None else (None, None)
    keep(session, enterprise)
    visible = application is not None and (
        actor.role in STAFF_ROLES
        or (actor.role is Role.APPLICANT and application.enterprise_id == actor.enterprise_id)
        or (
            actor.role is Role.APPLICANT
            and application.agent_enterprise_id is not None
            and application.agent_enterprise_id == actor.enterprise_id
            and agents.acts_for(session, actor.enterprise_id, application.enterprise_id)
        )
        or (actor.role is Role.EXPERT and is_panel_member(session, actor, application_id))
    )
    if not visible or application is None:
        raise NotFound(f"办件{application_id}不存在", f"application {application_id} not found")
    return application


def is_panel_member(session: Session, actor: User, application_id: int) -> bool:
    """An expert sees a case only while it is on one of the case's panels (not declined)."""
    query = (
        select(PanelMember.id)
        .join(Panel, col(Panel.id) == col(PanelMember.panel_id))
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(
            Panel.application_id == application_id,
            Expert.user_id == actor.id,
            PanelMember.state == "invited",
        )
    )
    return session.exec(query).first() is not None


def get_application_by_number(session: Session, actor: User, number: str) -> Application:
    found = session.exec(select(Application.id).where(Application.number == number)).first()
    if found is None:
        raise NotFound(f"办件{number}不存在", f"application {number} not found")
    return get_application_for(session, actor, found)


def applications_of(session: Session, actor: User, limit: int = 200) -> list[Application]:
    """An applicant's own enterprise's cases and those it filed as an authorised agent,
    newest first."""
    query = (
        select(Application)
        .where(
            or_(
                col(Application.enterprise_id) == actor.enterprise_id,
                agents.visible_as_agent(actor),
            )
        )
        .order_by(col(Application.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def queue_for(
    session: Session, role: Role, limit: int = 200, district: str | None = None
) -> list[Application]:
    """Cases waiting for ``role``, oldest first (the order they must be worked in); a branch's
    staff (``district``: the branch's district) see the cases of their district only."""
    statuses = [s for s, r in HUMAN_STEP.items() if r is role and r is not Role.APPLICANT]
    if not statuses:
        return []
    where: list[ColumnElement[bool]] = [col(Application.status).in_(statuses)]
    if district:
        where.append(col(Application.district) == district)
    query = (
        select(Application)
        .where(*where)
        # 特事特办 first, then the order cases arrived in
        .order_by(
            (col(Application.track) == "green").desc(),
            col(Application.submitted_at),
            col(Application.id),
        )
        .limit(limit)
    )
    return list(session.exec(query))


def action_label(action: str) -> str:
    """The Chinese label of a recorded action: a step of the process graph, or any other
    recorded action (``approvals.audit_labels``)."""
    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return AUDIT_ACTION_LABELS.get(action, action)


@dataclass(frozen=True)
class TimelineStep:
    event: AuditEvent
    label: str
    calendar_days: int  # since the previous step
    working_days: int
    provisional: bool


_TIMELINE = (
    select(AuditEvent)
    .where(
        col(AuditEvent.application_id) == bindparam("application_id"),
        AuditEvent.action != DOCUMENT_ISSUED,  # the documents list shows those
    )
    .order_by(col(AuditEvent.id))
)


def timeline(
    session: Session, application: Application, calendar: WorkingCalendar
) -> list[TimelineStep]:
    events = session.exec(_TIMELINE, params={"application_id": application.id}).all()
    steps: list[TimelineStep] = []
    previous: date | None = None
    for event in events:
        day = local_date(event.at)
        start = previous or day
        working, provisional = calendar.working_days_between(start, day)
        label = action_label(event.action)
        steps.append(
            TimelineStep(event, label, calendar_days_between(start, day), working, provisional)
        )
        previous = day
    return steps
