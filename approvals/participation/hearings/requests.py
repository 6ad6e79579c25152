"""Asking for a hearing: the right told (§47), a party's request within the item's period, the
bureau's own order (§46), and withdrawal (the clock resumes when no request is left)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from approvals import audit
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.schema import DayUnit, HearingSpec
from approvals.clock import local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.participation.hearings import clock_stop
from approvals.participation.hearings.lookup import (
    active_requests,
    latest_right,
    live_hearing,
    spec_of,
)
from approvals.timekeeping.calendar import WorkingCalendar
from models import (
    Application,
    Enterprise,
    Hearing,
    HearingOrigin,
    HearingRequest,
    HearingRight,
    HearingState,
    OutboxMail,
    PartyKind,
    Role,
    Status,
    User,
)
from models.ids import id_of

# Before the decision is signed: a hearing can still inform it.
UNDECIDED = frozenset(
    {
        Status.DRAFTING,
        Status.REVIEWING,
        Status.SIGNING,
        Status.JOINT_REVIEW,
        Status.REVISION,
        Status.REVISION_REVIEW,
    }
)
OFFICERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
ORDERING = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})


@dataclass(frozen=True)
class PartyIn:
    """An interested party's request from the public form (fields already cleaned)."""

    name: str
    contact: str
    email: str
    relation: str
    reasons: str


PUBLIC_PARTY = ("利害关系人（网上申请）", "公众")  # who asks on the public form


def _unit(unit: DayUnit) -> str:
    return "个工作日" if unit is DayUnit.WORKING else "日"


def _audit(
    session: Session,
    now: datetime,
    application: Application,
    actor: User | None,
    action: str,
    comment: str,
) -> None:
    audit.record_case(
        session, to_utc(now), application.id, actor, action, comment, anonymous=PUBLIC_PARTY
    )


def notify_right(
    session: Session,
    now: datetime,
    application: Application,
    via: str,
    actor: User | None,
    notified_on: date | None = None,
) -> HearingRight:
    """Record that the applicant and interested parties were told of their right (a written
    notice, or the 拟批准公示 that states it); requests run from the latest such day."""
    item = item_of(session, application)
    spec_of(item)
    if application.status not in UNDECIDED:
        raise InvalidTransition("办件已作出决定或尚未受理，不能告知听证权利", "not undecided")
    day = notified_on or local_date(now)
    if day > local_date(now) or (application.accepted_on and day < application.accepted_on):
        raise InvalidInput(
            "告知日期应在受理日期与今天之间",
            "the notification day is outside acceptance..today",
            problems=[{"field": "notified_on", "problem": "告知日期应在受理日期与今天之间"}],
        )
    row = HearingRight(
        application_id=id_of(application),
        notified_on=day,
        via=via,
        recorded_by=actor.id if actor else None,
        recorded_at=to_utc(now),
    )
    session.add(row)
    _audit(session, now, application, actor, "hearing_right", f"{via}告知听证权利（{day}）")
    session.flush()
    return row


def tell_right(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    actor: User,
    application: Application,
    notified_on: date | None,
) -> tuple[HearingRight, date]:
    """An officer records the written notice of the right; returns it and the last day on
    which a request is on time."""
    if actor.role not in OFFICERS:
        raise PermissionDenied("只有承办人或科室负责人可以登记告知听证权利", "officers only")
    row = notify_right(session, now, application, "书面告知", actor, notified_on)
    spec = spec_of(item_of(session, application))
    last = calendar.due(row.notified_on, spec.request_days, spec.request_unit).day
    return row, last


def request_deadline(
    session: Session, calendar: WorkingCalendar, application: Application, spec: HearingSpec
) -> date | None:
    right = latest_right(session, id_of(application))
    return deadline_after(calendar, right.notified_on if right else None, spec)


def deadline_after(
    calendar: WorkingCalendar, told_on: date | None, spec: HearingSpec
) -> date | None:
    """The last day to ask for a hearing when the right was told on ``told_on`` (None: not told,
    no deadline running)."""
    if told_on is None:
        return None
    return calendar.due(told_on, spec.request_days, spec.request_unit).day


def _check_on_time(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    spec: HearingSpec,
    today: date,
) -> None:
    if application.status not in UNDECIDED:
        raise InvalidTransition(
            "该办件已作出决定或尚未进入审查，不能申请听证", "the case is not under review"
        )
    last_day = request_deadline(session, calendar, application, spec)
    if last_day is None:
        raise InvalidTransition(
            "本办件尚未告知听证权利，暂不能申请听证；告知后"
            f"{spec.request_days}{_unit(spec.request_unit)}内可以申请",
            "the right to a hearing has not been notified",
        )
    if today > last_day:
        raise InvalidTransition(
            f"听证申请已逾期：应当在被告知听证权利之日起{spec.request_days}{_unit(spec.request_unit)}"
            f"内提出（截止{last_day.year}年{last_day.month}月{last_day.day}日），"
            "依照《中华人民共和国行政许可法》第四十七条，本机关不再组织听证",
            "the hearing request is late",
            last_day=last_day.isoformat(),
        )


def _join(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    application: Application,
    origin: HearingOrigin,
    actor: User | None,
) -> Hearing:
    """The case's live hearing, or a new one (the clock stops with its notice)."""
    spec = spec_of(item_of(session, application))
    hearing = live_hearing(session, id_of(application))
    if hearing is not None:
        if hearing.state not in (HearingState.REQUESTED, HearingState.SCHEDULED):
            raise InvalidTransition("听证已经举行，不能再申请", "the hearing was held already")
        return hearing
    today = local_date(now)
    hearing = Hearing(
        application_id=id_of(application),
        origin=origin,
        state=HearingState.REQUESTED,
        requested_on=today,
        hold_by=calendar.due(today, spec.hold_days, spec.hold_unit).day,
        created_at=to_utc(now),
        created_by=actor.id if actor else None,
    )
    session.add(hearing)
    session.flush()
    clock_stop.ensure_stopped(session, now, application, hearing, spec, actor)
    return hearing


def request_as_applicant(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    actor: User,
    application: Application,
    reasons: str,
    contact: str,
) -> HearingRequest:
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("只有申请人可以通过本账号申请听证", "only the applicant")
    spec = spec_of(item_of(session, application))
    _check_on_time(session, calendar, application, spec, local_date(now))
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    hearing = _join(session, calendar, now, application, HearingOrigin.REQUESTED, actor)
    row = HearingRequest(
        hearing_id=id_of(hearing),
        application_id=id_of(application),
        party=PartyKind.APPLICANT,
        name=enterprise.name,
        contact=contact.strip() or actor.display_name,
        email=application.contact_email,
        relation="行政许可申请人",
        reasons=reasons.strip(),
        user_id=actor.id,
        requested_at=to_utc(now),
    )
    session.add(row)
    _audit(session, now, application, actor, "hearing_request", "申请人申请听证")
    session.flush()
    return row


def request_as_party(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    application: Application,
    party: PartyIn,
    address: str,
) -> HearingRequest:
    """An interested party, from the public form (throttled and challenged by the caller)."""
    spec = spec_of(item_of(session, application))
    _check_on_time(session, calendar, application, spec, local_date(now))
    hearing = _join(session, calendar, now, application, HearingOrigin.REQUESTED, None)
    row = HearingRequest(
        hearing_id=id_of(hearing),
        application_id=id_of(application),
        party=PartyKind.INTERESTED,
        name=party.name,
        contact=party.contact,
        email=party.email,
        relation=party.relation,
        reasons=party.reasons,
        client_address=address[:64],
        requested_at=to_utc(now),
    )
    session.add(row)
    _audit(session, now, application, None, "hearing_request", f"利害关系人{party.name}申请听证")
    session.flush()
    return row


def order(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    actor: User,
    application: Application,
    reasons: str,
) -> HearingRequest:
    """§46: the bureau holds a hearing on a matter of public interest of its own motion."""
    if actor.role not in ORDERING:
        raise PermissionDenied("只有承办人、科室负责人或分管领导可以决定举行听证", "may not order")
    if application.status not in UNDECIDED:
        raise InvalidTransition("该办件已作出决定，不能再决定听证", "the case is decided")
    hearing = _join(session, calendar, now, application, HearingOrigin.ORDERED, actor)
    row = HearingRequest(
        hearing_id=id_of(hearing),
        application_id=id_of(application),
        party=PartyKind.BUREAU,
        name=actor.display_name,
        relation="本机关依职权决定（行政许可法第四十六条）",
        reasons=reasons.strip(),
        user_id=actor.id,
        requested_at=to_utc(now),
    )
    if hearing.origin is not HearingOrigin.ORDERED:
        hearing.origin = HearingOrigin.ORDERED
        session.add(hearing)
    session.add(row)
    _audit(session, now, application, actor, "hearing_order", "本机关决定举行听证")
    session.flush()
    return row


def withdraw(
    session: Session,
    now: datetime,
    actor: User,
    application: Application,
    request_id: int,
    note: str,
) -> Hearing:
    """The applicant withdraws its own request; an officer records a party's written
    withdrawal. With no request left (and no order) the hearing is cancelled and the clock
    resumes; the applicant is told."""
    hearing = live_hearing(session, id_of(application))
    row = session.get(HearingRequest, request_id)
    if hearing is None or row is None or row.hearing_id != hearing.id:
        raise NotFound("听证申请不存在", "no such hearing request on this case")
    own = actor.role is Role.APPLICANT and row.party is PartyKind.APPLICANT
    if not own and actor.role not in OFFICERS:
        raise PermissionDenied("只能撤回本单位的听证申请", "may not withdraw this request")
    if row.withdrawn_at is not None:
        raise InvalidTransition("该听证申请已撤回", "already withdrawn")
    if hearing.state not in (HearingState.REQUESTED, HearingState.SCHEDULED):
        raise InvalidTransition("听证已经举行，不能撤回申请", "the hearing was held")
    row.withdrawn_at, row.withdrawal_note = to_utc(now), note.strip()[:500]
    session.add(row)
    session.flush()
    _audit(session, now, application, actor, "hearing_withdraw", f"撤回听证申请（{row.name}）")
    if not active_requests(session, id_of(hearing)):
        hearing.state = HearingState.CANCELLED
        session.add(hearing)
        clock_stop.resume(session, now, application, hearing, actor, "听证申请已全部撤回，恢复计时")
        session.add(
            OutboxMail(
                message_id=f"<hearing-{hearing.id}-cancelled@eia.local>",
                application_id=application.id,
                to_addr=application.contact_email,
                subject=f"【听证取消】{application.project_name}",
                body=(
                    f"“{application.project_name}”（办件编号 {application.number}）的听证申请已全部"
                    "撤回，本机关不再组织听证，审批时限自撤回之日的次日起继续计算。\n"
                ),
                created_at=to_utc(now),
            )
        )
        session.flush()
    return hearing
