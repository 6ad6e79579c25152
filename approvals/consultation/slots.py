"""Consultation slots: an officer offers times (video or on site), the enterprise books one of
its officer's, both are mailed on booking and reminded on the working day before (the
deadline sweep). Services flush; callers commit."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals.clock import SHANGHAI, Clock, as_local, local_date, to_utc
from approvals.consultation.requests import get_for, queue_mail, record
from approvals.consultation.rules import load_rules
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.timekeeping.calendar import WorkingCalendar
from models import Consultation, ConsultationSlot, ConsultationState, Role, User
from models.consultation import CONSULT_MODE_LABELS, SlotCreate
from models.ids import id_of

OFFERING_ROLES = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
HORIZON_DAYS = 180  # a slot is offered at most this far ahead


def offer(session: Session, clock: Clock, actor: User, data: SlotCreate) -> ConsultationSlot:
    """The officer offers a time of its own calendar; it must lie ahead and not overlap
    another of its slots."""
    if actor.role not in OFFERING_ROLES:
        raise PermissionDenied("由承办人员发布会商时段", "only officers offer slots")
    starts = data.starts_at if data.starts_at.tzinfo else data.starts_at.replace(tzinfo=SHANGHAI)
    now = clock.now()
    if starts <= now or (local_date(starts) - local_date(now)).days > HORIZON_DAYS:
        raise InvalidInput(
            f"会商时间须在当前时间之后、{HORIZON_DAYS}日以内",
            "a slot lies ahead, within the horizon",
            field="starts_at",
        )
    start, end = to_utc(starts), to_utc(starts).timestamp() + data.minutes * 60
    for other in _slots_of(session, id_of(actor), local_date(starts)):
        other_start = to_utc(as_local(other.starts_at))
        if other_start.timestamp() < end and start.timestamp() < (
            other_start.timestamp() + other.minutes * 60
        ):
            raise InvalidInput("与您已发布的时段重叠", "overlaps another slot", field="starts_at")
    slot = ConsultationSlot(
        officer_id=id_of(actor),
        starts_at=start,
        minutes=data.minutes,
        mode=data.mode,
        place=data.place.strip(),
        created_at=to_utc(now),
    )
    session.add(slot)
    session.flush()
    return slot


def _slots_of(session: Session, officer_id: int, day: date) -> list[ConsultationSlot]:
    rows = session.exec(select(ConsultationSlot).where(ConsultationSlot.officer_id == officer_id))
    return [s for s in rows if local_date(s.starts_at) == day]


def open_slots(
    session: Session, clock: Clock, consultation: Consultation
) -> list[ConsultationSlot]:
    """The assigned officer's free slots still ahead, earliest first."""
    if consultation.officer_id is None:
        return []
    query = select(ConsultationSlot).where(
        ConsultationSlot.officer_id == consultation.officer_id,
        col(ConsultationSlot.consultation_id).is_(None),
        col(ConsultationSlot.starts_at) > to_utc(clock.now()),
    )
    return list(session.exec(query.order_by(col(ConsultationSlot.starts_at))))


def officer_slots(session: Session, clock: Clock, officer_id: int) -> list[ConsultationSlot]:
    """An officer's slots from today on, earliest first (booked or free)."""
    today = to_utc(clock.now().replace(hour=0, minute=0, second=0, microsecond=0))
    query = select(ConsultationSlot).where(
        ConsultationSlot.officer_id == officer_id, col(ConsultationSlot.starts_at) >= today
    )
    return list(session.exec(query.order_by(col(ConsultationSlot.starts_at))))


def booked_slot(session: Session, consultation_id: int) -> ConsultationSlot | None:
    query = select(ConsultationSlot).where(ConsultationSlot.consultation_id == consultation_id)
    return session.exec(query).first()


def book(
    session: Session, clock: Clock, actor: User, consultation_id: int, slot_id: int
) -> ConsultationSlot:
    """The enterprise books one free slot of its officer (or moves its booking to another);
    the enterprise and the officer are mailed the time, the way and the place."""
    consultation = get_for(session, actor, consultation_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("由咨询企业预约会商", "only the enterprise books")
    if consultation.state not in (ConsultationState.ASSIGNED, ConsultationState.BOOKED):
        raise InvalidTransition("分派承办人员后、出具指导意见前可以预约", "not bookable now")
    slot = session.get(ConsultationSlot, slot_id, with_for_update=True)
    if slot is None or slot.officer_id != consultation.officer_id:
        raise NotFound("该会商时段不存在", "no such slot of the assigned officer")
    if slot.consultation_id is not None or as_local(slot.starts_at) <= clock.now():
        raise InvalidTransition("该时段已被预约或已过，请另选时段", "the slot is taken or past")
    previous = booked_slot(session, consultation_id)
    if previous is not None:  # moving the booking frees the old time
        previous.consultation_id, previous.booked_at, previous.reminded_on = None, None, None
        session.add(previous)
        session.flush()
    now = clock.now()
    slot.consultation_id, slot.booked_at = consultation.id, to_utc(now)
    consultation.state = ConsultationState.BOOKED
    session.add_all([slot, consultation])
    session.flush()
    when = _when(slot)
    record(session, now, actor, consultation, "consultation_booked", f"预约{when}")
    _mail_both(session, now, consultation, slot, "booked", "会商预约成功", f"已预约：{when}")
    session.flush()
    return slot


def _when(slot: ConsultationSlot) -> str:
    local = as_local(slot.starts_at)
    return f"{local:%Y-%m-%d %H:%M}起{slot.minutes}分钟，{CONSULT_MODE_LABELS[slot.mode]}"


def _mail_both(
    session: Session, now: datetime, consultation: Consultation, slot: ConsultationSlot,
    kind: str, title: str, lead: str,
) -> None:  # fmt: skip
    officer = session.get(User, slot.officer_id)
    assert officer is not None
    where = "会议链接" if slot.mode.value == "video" else "地点"
    text = (
        f"{lead}\n\n项目：{consultation.project_name}（前期指导编号 {consultation.number}）\n"
        f"方式：{CONSULT_MODE_LABELS[slot.mode]}\n{where}：{slot.place}\n"
        f"承办人员：{officer.display_name}\n联系人：{consultation.contact_name}"
    )
    stamp = f"{slot.id}-{int(slot.starts_at.timestamp())}"
    subject = f"【前期指导】{title}：{consultation.project_name}"
    queue_mail(
        session, now, f"consultation-{consultation.id}-{kind}-{stamp}-e",
        consultation.contact_email, subject, f"{consultation.contact_name}：\n\n{text}",
    )  # fmt: skip
    queue_mail(
        session, now, f"consultation-{consultation.id}-{kind}-{stamp}-o",
        officer.email, subject, f"{officer.display_name}：\n\n{text}",
    )  # fmt: skip


def queue_reminders(session: Session, clock: Clock, calendar: WorkingCalendar) -> int:
    """The deadline sweep: remind both sides of each booked consultation on the working day(s)
    before it (the rules' lead), once; returns how many were reminded."""
    today = local_date(clock.now())
    horizon = calendar.add_working_days(today, load_rules().reminder.working_days_before).day
    now = clock.now()
    query = select(ConsultationSlot).where(
        col(ConsultationSlot.consultation_id).is_not(None),
        col(ConsultationSlot.reminded_on).is_(None),
        col(ConsultationSlot.starts_at) > to_utc(now),
    )
    reminded = 0
    for slot in session.exec(query).all():
        day = local_date(slot.starts_at)
        if not today < day <= horizon:
            continue
        consultation = session.get(Consultation, slot.consultation_id)
        if consultation is None or consultation.state is not ConsultationState.BOOKED:
            continue
        slot.reminded_on = today
        session.add(slot)
        _mail_both(
            session, now, consultation, slot, "reminder", "会商提醒", f"会商提醒：{_when(slot)}"
        )
        reminded += 1
    session.flush()
    return reminded
