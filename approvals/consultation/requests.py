"""Registering a planned project and asking for guidance; assigning the officer; who sees a
consultation. Services flush; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from approvals import audit
from approvals.casework.queries import STAFF_ROLES
from approvals.catalogue.districts import validate_district
from approvals.catalogue.industry import validate_industry_code
from approvals.clock import Clock, local_date, to_utc
from approvals.consultation.rules import load_rules
from approvals.enterprise import agents
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.numbering import next_serial
from models import Consultation, ConsultationSlot, ConsultationState, OutboxMail, Role, User
from models.consultation import ConsultationCreate
from models.ids import id_of


def consultation_number(session: Session, year: int) -> str:
    """前期指导编号 QZ{year}-{serial:04d}, gapless per year (the caller's transaction)."""
    return f"QZ{year}-{next_serial(session, 'consultation', year):04d}"


def register(session: Session, clock: Clock, actor: User, data: ConsultationCreate) -> Consultation:
    """An enterprise (or an agent it authorised, ``on_behalf_of``) registers a planned project
    and its question; the section chiefs are mailed to assign an officer."""
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("由企业账号登记项目并申请指导", "only an enterprise registers")
    enterprise, agent_id = agents.applying_for(session, actor, data.on_behalf_of)
    district = validate_district(data.district.strip())
    industry = validate_industry_code(data.industry_code)
    now = clock.now()
    consultation = Consultation(
        number=consultation_number(session, local_date(now).year),
        enterprise_id=id_of(enterprise),
        agent_enterprise_id=agent_id,
        requested_by=id_of(actor),
        requested_at=to_utc(now),
        project_name=data.project_name.strip(),
        site=data.site.strip(),
        district=district,
        industry_code=industry.code,
        scale=data.scale.strip(),
        description=data.description.strip(),
        question=data.question.strip(),
        contact_name=data.contact_name.strip() or actor.display_name,
        contact_email=data.contact_email.strip() or actor.email,
        state=ConsultationState.REQUESTED,
    )
    session.add(consultation)
    session.flush()
    record(session, now, actor, consultation, "consultation_requested", "登记项目并申请前期指导")
    for chief in active_users(session, load_rules().assigners.roles - {Role.ADMIN}):
        queue_mail(
            session,
            now,
            f"consultation-{consultation.id}-new-{chief.id}",
            chief.email,
            f"【前期指导】{consultation.number} 待分派：{consultation.project_name}",
            f"{chief.display_name}：\n\n{enterprise.name}登记了拟建项目“{consultation.project_name}”"
            f"（{consultation.district}），申请前期指导。请登录系统在“前期指导”中分派承办人员。",
        )
    session.flush()
    return consultation


def assign(
    session: Session, clock: Clock, actor: User, consultation_id: int, officer_id: int
) -> Consultation:
    """The section chief (or the administrator) assigns an officer; the officer is mailed.
    Reassigning is allowed until the guidance is issued (a booked slot of the former officer
    is released)."""
    rules = load_rules().assigners
    if actor.role not in rules.roles:
        raise PermissionDenied("由科室负责人分派承办人员", "this role cannot assign")
    consultation = get_for(session, actor, consultation_id)
    if consultation.state is ConsultationState.GUIDED:
        raise InvalidTransition("已出具指导意见，不能再分派", "guidance already issued")
    officer = session.get(User, officer_id)
    if officer is None or not officer.is_active or officer.role not in rules.officers:
        raise InvalidInput(
            "请选择在岗的承办人或科室负责人",
            "the officer must be an active case officer or section chief",
            field="officer_id",
        )
    if consultation.officer_id not in (None, officer.id) and booked_slot_release(
        session, consultation
    ):
        consultation.state = ConsultationState.ASSIGNED  # the new officer offers its own times
    now = clock.now()
    consultation.officer_id, consultation.assigned_by = officer.id, actor.id
    consultation.assigned_at = to_utc(now)
    if consultation.state is ConsultationState.REQUESTED:
        consultation.state = ConsultationState.ASSIGNED
    session.add(consultation)
    record(
        session, now, actor, consultation, "consultation_assigned", f"分派{officer.display_name}"
    )
    queue_mail(
        session,
        now,
        f"consultation-{consultation.id}-assigned-{officer.id}",
        officer.email,
        f"【前期指导】{consultation.number} 已分派给您：{consultation.project_name}",
        f"{officer.display_name}：\n\n前期指导“{consultation.project_name}”已分派给您。"
        "请在“前期指导”中发布可预约的会商时段，会商后出具书面指导意见。",
    )
    session.flush()
    return consultation


def booked_slot_release(session: Session, consultation: Consultation) -> bool:
    """Free the consultation's booked slot (its officer changed); True when there was one."""
    slot = session.exec(
        select(ConsultationSlot).where(ConsultationSlot.consultation_id == consultation.id)
    ).first()
    if slot is None:
        return False
    slot.consultation_id, slot.booked_at, slot.reminded_on = None, None, None
    session.add(slot)
    session.flush()
    return True


def may_see(session: Session, actor: User, consultation: Consultation) -> bool:
    if actor.role in STAFF_ROLES:
        return True
    if actor.role is not Role.APPLICANT or actor.enterprise_id is None:
        return False
    if actor.enterprise_id == consultation.enterprise_id:
        return True
    return actor.enterprise_id == consultation.agent_enterprise_id and agents.acts_for(
        session, actor.enterprise_id, consultation.enterprise_id
    )


def get_for(session: Session, actor: User, consultation_id: int) -> Consultation:
    """The consultation if ``actor`` may see it (staff; its enterprise; its authorised agent)."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or not may_see(session, actor, consultation):
        raise NotFound(
            f"前期指导{consultation_id}不存在", f"consultation {consultation_id} not found"
        )
    return consultation


def visible(session: Session, actor: User) -> list[Consultation]:
    """Newest first: staff see every consultation (an officer those assigned to it first),
    an enterprise its own and those it registered as an authorised agent."""
    query = select(Consultation)
    if actor.role is Role.APPLICANT:
        query = query.where(
            or_(
                col(Consultation.enterprise_id) == actor.enterprise_id,
                col(Consultation.agent_enterprise_id) == actor.enterprise_id,
            )
        )
        rows = list(session.exec(query.order_by(col(Consultation.id).desc())))
        return [c for c in rows if may_see(session, actor, c)]
    if actor.role not in STAFF_ROLES:
        return []
    rows = list(session.exec(query.order_by(col(Consultation.id).desc())))
    return sorted(rows, key=lambda c: c.officer_id != actor.id)  # stable: mine first


def officers(session: Session) -> list[User]:
    """Who may be assigned."""
    return active_users(session, load_rules().assigners.officers)


def active_users(session: Session, roles: frozenset[Role]) -> list[User]:
    query = select(User).where(col(User.role).in_(roles), User.is_active == True)  # noqa: E712
    return list(session.exec(query.order_by(col(User.id))))


def record(
    session: Session, now: datetime, actor: User | None, consultation: Consultation, action: str,
    comment: str,
) -> None:  # fmt: skip
    """Audit a change of a consultation (it concerns no case): the number leads the comment."""
    text = f"前期指导{consultation.number}：{comment}"
    audit.record_case(session, to_utc(now), None, actor, action, text)


def queue_mail(
    session: Session, now: datetime, key: str, to_addr: str, subject: str, text: str,
    attachments: list[dict[str, str]] | None = None,
) -> None:  # fmt: skip
    """Queue one mail in the outbox (stable Message-ID from ``key``: a retry is the same)."""
    session.add(
        OutboxMail(
            message_id=f"<{key}@eia.local>",
            to_addr=to_addr,
            subject=subject,
            body=f"{text}\n\n本邮件由系统自动发送（{now:%Y-%m-%d %H:%M}），请勿直接回复。\n",
            attachments=attachments or [],
            created_at=to_utc(now),
        )
    )
