"""Holding the hearing: scheduled within the period with the 听证通知书 at least the notice days
before (§47, §48(一)), a 主持人 who did not review the application (§48(三)), held and recorded,
the record confirmed by the parties (§48(五); a refusal to sign is recorded, 暂行办法第29条),
then the 听证笔录 issued and the clock resumed; the decision may be signed only after that."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from approvals import audit
from approvals.casework.transitions import queue_document
from approvals.catalogue import lawbook
from approvals.catalogue.item_versions import item_of
from approvals.clock import as_local, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, PermissionDenied
from approvals.participation.hearings import announcement, clock_stop
from approvals.participation.hearings.lookup import (
    active_requests,
    get_live_hearing,
    live_hearing,
    sign_facts,
    spec_of,
)
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.date_bounds import check_moment
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    AuditEvent,
    Decision,
    DocumentKind,
    Enterprise,
    Hearing,
    HearingMode,
    HearingState,
    OutboxMail,
    PartyKind,
    Role,
    User,
)
from models.enums import ROLE_LABELS
from models.hearings import MODE_LABELS
from models.ids import id_of

SCHEDULERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
PRESIDING = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN})


def _cn(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _audit(
    session: Session,
    now: datetime,
    application: Application,
    actor: User,
    action: str,
    comment: str,
) -> None:
    audit.record_case(session, to_utc(now), application.id, actor, action, comment)


def reviewers(session: Session, application: Application) -> set[int]:
    """Who reviews the application (审查该行政许可申请的工作人员): its case officer, whoever drafted
    the decision, and every case officer who acted on the case."""
    ids = {application.case_officer_id, application.assignee_id}
    decision = session.exec(
        select(Decision).where(Decision.application_id == application.id)
    ).first()
    if decision is not None:
        ids.add(decision.drafted_by)
    acted = session.exec(
        select(AuditEvent.actor_id).where(
            AuditEvent.application_id == application.id,
            AuditEvent.actor_role == ROLE_LABELS[Role.CASE_OFFICER],
        )
    )
    ids |= set(acted)
    return {i for i in ids if i is not None}


def schedule(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    actor: User,
    application: Application,
    *,
    scheduled_at: datetime,
    mode: HearingMode,
    place: str,
    presiding_officer_id: int,
    recorder: str,
) -> Hearing:
    if actor.role not in SCHEDULERS:
        raise PermissionDenied("只有承办人或科室负责人可以安排听证", "may not schedule")
    item = item_of(session, application)
    spec = spec_of(item)
    hearing = get_live_hearing(session, id_of(application))
    if hearing.state not in (HearingState.REQUESTED, HearingState.SCHEDULED):
        raise InvalidTransition("听证已经举行，不能重新安排", "the hearing was held")
    today = local_date(now)
    earliest = calendar.due(today, spec.notify_days, spec.notify_unit).day
    unit = "个工作日" if spec.notify_unit.value == "working" else "日"
    moment = check_moment(
        scheduled_at,
        field="scheduled_at",
        label="听证时间",
        earliest=earliest,
        earliest_is=f"通知送达后满{spec.notify_days}{unit}（{_cn(earliest)}）",
        latest=hearing.hold_by,
        latest_is=f"收到听证申请之日起{spec.hold_days}{unit}内（{_cn(hearing.hold_by)}）",
    )
    presiding = session.get(User, presiding_officer_id)
    if presiding is None or not presiding.is_active or presiding.role not in PRESIDING:
        raise InvalidInput(
            "听证主持人应为本机关在岗工作人员",
            "the presiding officer must be active bureau staff",
            problems=[{"field": "presiding_officer_id", "problem": "请选择本机关工作人员"}],
        )
    if presiding.id in reviewers(session, application) | {actor.id}:
        raise InvalidInput(
            "听证主持人应当由审查该行政许可申请的工作人员以外的人员担任"
            "（《中华人民共和国行政许可法》第四十八条第一款第（三）项），请另行指定",
            "the presiding officer may not be the case officer",
            problems=[{"field": "presiding_officer_id", "problem": "主持人不能是本案承办人"}],
        )
    hearing.scheduled_at = to_utc(moment)
    hearing.mode, hearing.place, hearing.recorder = mode, place.strip(), recorder.strip()
    hearing.presiding_officer_id, hearing.reviewer_id = presiding.id, actor.id
    hearing.notified_at = to_utc(now)
    hearing.state = HearingState.SCHEDULED
    session.add(hearing)
    session.flush()
    clock_stop.ensure_stopped(session, now, application, hearing, spec, actor)
    clock_stop.bump_version(session, application)
    queue_document(
        session,
        to_utc(now),
        application,
        DocumentKind.HEARING_NOTICE,
        {"hearing_id": hearing.id},
    )
    _notify_parties(session, now, application, hearing, presiding)
    announcement.announce(session, application, item.name_zh, hearing, to_utc(now))  # §46
    _audit(
        session,
        now,
        application,
        actor,
        "hearing_scheduled",
        f"听证定于{as_local(hearing.scheduled_at):%Y-%m-%d %H:%M}，{MODE_LABELS[mode]}，"
        f"主持人{presiding.display_name}",
    )
    return hearing


def _notify_parties(
    session: Session, now: datetime, application: Application, hearing: Hearing, presiding: User
) -> None:
    """The 听证通知书 goes to the applicant with the issuing flow; interested parties who left
    an e-mail address are told the same particulars by mail now (others by 公告/phone)."""
    assert hearing.scheduled_at is not None and hearing.mode is not None
    when = as_local(hearing.scheduled_at)
    for row in active_requests(session, id_of(hearing)):
        if row.party is not PartyKind.INTERESTED or not row.email:
            continue
        session.add(
            OutboxMail(
                message_id=f"<hearing-{hearing.id}-{row.id}-{int(when.timestamp())}@eia.local>",
                application_id=application.id,
                to_addr=row.email,
                subject=f"【听证通知】{application.project_name}",
                body=(
                    f"{row.name}：\n\n您申请听证的“{application.project_name}”（办件编号 "
                    f"{application.number}）定于{when.year}年{when.month}月{when.day}日"
                    f"{when.hour}时{when.minute:02d}分以{MODE_LABELS[hearing.mode]}举行听证，"
                    f"地点（或会议链接）：{hearing.place}；听证主持人：{presiding.display_name}。\n"
                    "请携带身份证明及证据材料按时参加；无正当理由不参加的，视为放弃听证权利。\n"
                ),
                created_at=to_utc(now),
            )
        )


def record(
    session: Session, now: datetime, actor: User, application: Application, data: Any
) -> Hearing:
    """The hearing was held: the record (participants, the reviewers' opinion, statements,
    evidence, the adoption note) waits for the parties' confirmation."""
    hearing = get_live_hearing(session, id_of(application))
    if actor.role not in SCHEDULERS and actor.id != hearing.presiding_officer_id:
        raise PermissionDenied("只有承办人、科室负责人或听证主持人可以录入听证笔录", "no")
    if hearing.state not in (HearingState.SCHEDULED, HearingState.HELD):
        raise InvalidTransition("听证尚未安排或笔录已确认", "not scheduled or already recorded")
    assert hearing.scheduled_at is not None
    held = check_moment(
        data.held_at,
        field="held_at",
        label="听证举行时间",
        earliest=local_date(as_local(hearing.scheduled_at)),
        earliest_is="通知的听证日期",
        latest=local_date(now),
        latest_is="今天",
    )
    hearing.held_at = to_utc(held)
    hearing.participants = [p.model_dump() for p in data.participants]
    hearing.statements = [s.model_dump() for s in data.statements]
    hearing.evidence = [e.model_dump() for e in data.evidence]
    hearing.review_opinion = data.review_opinion.strip()
    hearing.adoption_note = data.adoption_note.strip()
    hearing.confirmations = []
    hearing.state = HearingState.HELD
    session.add(hearing)
    _audit(session, now, application, actor, "hearing_held", "听证已举行，笔录待确认")
    session.flush()
    return hearing


def parties_to_confirm(session: Session, application: Application, hearing: Hearing) -> list[str]:
    """Who must confirm the record: the applicant and every interested party that asked."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    names = [enterprise.name]
    for row in active_requests(session, id_of(hearing)):
        if row.party is PartyKind.INTERESTED and row.name not in names:
            names.append(row.name)
    return names


def confirm(
    session: Session,
    now: datetime,
    actor: User,
    application: Application,
    *,
    name: str,
    confirmed: bool,
    note: str,
) -> Hearing:
    """One party's confirmation (签字确认), or its refusal recorded. The applicant confirms for
    itself online; staff record the others' signatures. The last one issues the record."""
    hearing = get_live_hearing(session, id_of(application))
    if hearing.state is not HearingState.HELD:
        raise InvalidTransition("听证笔录尚未录入或已确认完毕", "no record waiting")
    needed = parties_to_confirm(session, application, hearing)
    if actor.role is Role.APPLICANT:
        name = needed[0]
    elif actor.role not in SCHEDULERS and actor.id != hearing.presiding_officer_id:
        raise PermissionDenied("无权登记听证笔录确认", "may not record a confirmation")
    if name not in needed:
        raise InvalidInput(
            f"“{name}”不是需要确认笔录的听证参加人（{'、'.join(needed)}）",
            "not a party to confirm",
            problems=[{"field": "name", "problem": "不是需要确认笔录的听证参加人"}],
        )
    if not confirmed and not note.strip():
        raise InvalidInput(
            "拒绝签字的，请记明情况",
            "a refusal needs a note",
            problems=[{"field": "note", "problem": "请记明拒绝签字的情况"}],
        )
    entry = {
        "name": name,
        "confirmed": confirmed,
        "note": note.strip()[:500],
        "at": to_utc(now).isoformat(),
        "by": actor.display_name,
    }
    hearing.confirmations = [c for c in hearing.confirmations if c["name"] != name] + [entry]
    session.add(hearing)
    _audit(
        session,
        now,
        application,
        actor,
        "hearing_confirmation",
        f"{name}{'确认听证笔录无误' if confirmed else '拒绝签字（已记明）'}",
    )
    if {c["name"] for c in hearing.confirmations} >= set(needed):
        hearing.state, hearing.recorded_at = HearingState.RECORDED, to_utc(now)
        clock_stop.bump_version(session, application)
        queue_document(
            session,
            to_utc(now),
            application,
            DocumentKind.HEARING_RECORD,
            {"hearing_id": hearing.id},
        )
        clock_stop.resume(
            session, now, application, hearing, actor, "听证笔录已经听证参加人确认，恢复计时"
        )
    session.flush()
    return hearing


def check_may_sign(session: Session, application: Application, today: date) -> None:
    """The decision rests on the record (§48): refused while a hearing is pending, and while
    the period to ask for one after the right was told still runs (a request may yet come)."""
    state, told = sign_facts(session, id_of(application))
    if state is None:
        spec = item_of(session, application).hearing if told is not None else None
        if told is None or spec is None:
            return
        last = shared_calendar().due(told, spec.request_days, spec.request_unit).day
        if today <= last:
            raise InvalidTransition(
                f"暂不能签发：申请听证的期限至{_cn(last)}届满，期限届满前申请人、利害关系人"
                "仍可申请听证（《中华人民共和国行政许可法》第四十七条）",
                "signing waits for the hearing request period",
                request_period_ends=last.isoformat(),
            )
        return
    if state is HearingState.RECORDED:
        return
    raise InvalidTransition(
        "暂不能签发：本案听证尚未举行或听证笔录尚未经听证参加人确认；"
        "行政机关应当根据听证笔录作出行政许可决定（《中华人民共和国行政许可法》第四十八条）",
        "signing waits for the hearing record",
        hearing_state=state.value,
    )


def decision_note(session: Session, application_id: int, record_number: str | None) -> str:
    """The line the decision carries where a hearing was held (lawbook.HEARING_CLAUSE)."""
    hearing = live_hearing(session, application_id)
    if hearing is None or hearing.state is not HearingState.RECORDED or hearing.held_at is None:
        return ""
    return lawbook.HEARING_CLAUSE.format(
        held=_cn(local_date(as_local(hearing.held_at))),
        record=f"（{record_number}）" if record_number else "",
        adoption=hearing.adoption_note.rstrip("。"),
    )
