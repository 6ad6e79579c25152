"""听证 on the case page: everyone who may see the case sees the hearing (requests, time, place,
主持人, state; the 听证通知书 and 听证笔录 are in the documents list); the applicant asks for one
or withdraws its request and confirms the record; staff record the notice of the right, and the
case officer schedules it. Every POST calls the same domain functions as the JSON API
(``api/routers/hearings.py``), commits, and launches the issuing after the commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Request, Response
from sqlalchemy import exists
from sqlmodel import Session, col, select

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.case import run_step
from api.pages.case_sections import Facts, register_section
from api.pages.display import FLASH_MESSAGES, redirect_with
from api.pages.forms import build, lines
from api.pages.security import ApplicantUser, PageUser, StaffUser
from api.params import Id
from api.routers.hearings import hearing_view
from api.services import AppServices
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.errors import InvalidInput
from approvals.participation.hearings import conduct, requests
from approvals.participation.hearings.lookup import hearings_of, last_told, live_hearing
from approvals.timekeeping.date_bounds import local_moment
from models import Application, Hearing, HearingState, Role, User
from models.hearings import MODE_LABELS, HearingMode, HearingRecordIn, HearingScheduleIn
from models.text_input import clean_line, clean_text

FLASH_MESSAGES.update(
    {
        "hearing_right": "已登记告知听证权利。",
        "hearing_requested": "听证申请已提交，计时暂停，特别程序告知书正在制发。",
        "hearing_withdrawn": "已撤回听证申请。",
        "hearing_scheduled": "听证已安排，听证通知书正在制发并送达。",
        "hearing_confirmed": "已登记听证笔录确认。",
        "hearing_held": "听证笔录已录入，待听证参加人确认。",
    }
)
RECORD_LABELS = {
    "held_at": "举行时间",
    "participants": "听证参加人",
    "review_opinion": "初步审查意见",
    "statements": "陈述、申辩和质证",
    "evidence": "证据",
    "adoption_note": "对主要观点的采纳情况",
}
SCHEDULE_LABELS = {
    "scheduled_at": "听证时间",
    "mode": "听证方式",
    "place": "地点或会议链接",
    "presiding_officer_id": "听证主持人",
    "recorder": "记录员",
}


def section(
    session: Session, services: AppServices, user: User, application: Application, facts: Facts
) -> dict[str, Any] | None:
    """The hearing card's figures, or None for an item without hearings. ``facts``: whether
    the case has a hearing, and the day its right to one was last told."""
    item = item_of(session, application)
    if item.hearing is None:
        return None
    staff = user.role is not Role.APPLICANT
    live = live_hearing(session, application.id or 0) if facts["any"] else None
    spec = item.hearing
    deadline = requests.deadline_after(services.calendar, facts["told"], spec)
    undecided = application.status in requests.UNDECIDED
    open_ = live is None or live.state in (HearingState.REQUESTED, HearingState.SCHEDULED)
    presiding = (
        [
            {"id": u.id, "name": u.display_name}
            for u in session.exec(
                select(User)
                .where(col(User.role).in_(list(conduct.PRESIDING)), col(User.is_active))
                .order_by(col(User.id))
            )
            if u.id not in conduct.reviewers(session, application) | {user.id}
        ]
        if staff
        else []
    )
    return {
        "hearings": [hearing_view(session, h) for h in hearings_of(session, application.id or 0)]
        if facts["any"]
        else [],
        "live": live,
        "deadline": deadline,
        "spec": spec,
        "modes": MODE_LABELS,
        "can_tell": staff and user.role in requests.OFFICERS and undecided,
        "can_request": user.role is Role.APPLICANT and undecided and open_ and deadline,
        "can_schedule": staff
        and user.role in conduct.SCHEDULERS
        and live is not None
        and live.state in (HearingState.REQUESTED, HearingState.SCHEDULED),
        "can_confirm": user.role is Role.APPLICANT
        and live is not None
        and live.state is HearingState.HELD,
        "can_record": staff
        and user.role in conduct.SCHEDULERS
        and live is not None
        and live.state in (HearingState.SCHEDULED, HearingState.HELD),
        "to_confirm": conduct.parties_to_confirm(session, application, live)
        if staff and live is not None and live.state is HearingState.HELD
        else [],
        "presiding": presiding,
    }


register_section(  # 听证 on the case page
    "hr",
    section,
    {"any": lambda a: exists().where(col(Hearing.application_id) == a), "told": last_told},
)


def _act(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    values: Mapping[str, str],
    step: Callable[[], object],
    message: str,
    background: BackgroundTasks,
) -> Response:
    done = redirect_with(f"/cases/{application_id}", message, "hearing")
    return run_step(
        request,
        session,
        services,
        user,
        application_id,
        values,
        step,
        done,
        background=background,
    )


@router.post("/cases/{application_id}/hearing-right")
def tell_right(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    def step() -> object:
        application = get_application_for(session, user, application_id)
        return requests.tell_right(
            session, services.calendar, services.clock.now(), user, application, None
        )

    return _act(
        request, session, services, user, application_id, {}, step, "hearing_right", background
    )


@router.post("/cases/{application_id}/hearing-requests")
def ask(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    reasons: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def step() -> object:
        if not reasons.strip():
            raise InvalidInput("请填写申请听证的理由", "reasons are required")
        application = get_application_for(session, user, application_id)
        return requests.request_as_applicant(
            session,
            services.calendar,
            services.clock.now(),
            user,
            application,
            clean_text(reasons),
            "",
        )

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"reasons": reasons},
        step,
        "hearing_requested",
        background,
    )


@router.post("/cases/{application_id}/hearing-requests/{request_id}/withdraw")
def withdraw(
    application_id: Id,
    request_id: Id,
    request: Request,
    user: PageUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def step() -> object:
        application = get_application_for(session, user, application_id)
        return requests.withdraw(
            session, services.clock.now(), user, application, request_id, clean_line(note)
        )

    return _act(
        request, session, services, user, application_id, {}, step, "hearing_withdrawn", background
    )


@router.post("/cases/{application_id}/hearing/schedule")
def schedule(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    scheduled_at: Annotated[str, Form(max_length=40)] = "",
    mode: Annotated[str, Form(max_length=20)] = "",
    place: Annotated[str, Form(max_length=300)] = "",
    presiding_officer_id: Annotated[str, Form(max_length=12)] = "",
    recorder: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    values = {
        "scheduled_at": scheduled_at,
        "mode": mode,
        "place": place,
        "presiding_officer_id": presiding_officer_id,
        "recorder": recorder,
    }

    def step() -> object:
        body = build(HearingScheduleIn, values, labels=SCHEDULE_LABELS)
        application = get_application_for(session, user, application_id)
        return conduct.schedule(
            session,
            services.calendar,
            services.clock.now(),
            user,
            application,
            scheduled_at=local_moment(body.scheduled_at),
            mode=HearingMode(body.mode),
            place=clean_line(body.place),
            presiding_officer_id=body.presiding_officer_id,
            recorder=clean_line(body.recorder),
        )

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        values,
        step,
        "hearing_scheduled",
        background,
    )


@router.post("/cases/{application_id}/hearing/confirm")
def confirm(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    def step() -> object:
        application = get_application_for(session, user, application_id)
        return conduct.confirm(
            session, services.clock.now(), user, application, name="", confirmed=True, note=""
        )

    return _act(
        request, session, services, user, application_id, {}, step, "hearing_confirmed", background
    )


def _pairs(value: str, first: str, second: str, label: str) -> list[dict[str, str]]:
    """Textarea lines ``A：B`` as [{first: A, second: B}]; a line without a colon is refused."""
    out: list[dict[str, str]] = []
    for line in lines(value):
        head, sep, tail = line.replace(":", "：").partition("：")
        if not sep or not head.strip() or not tail.strip():
            raise InvalidInput(
                f"{label}每行应写成“名称：内容”（第{len(out) + 1}行不符合）",
                f"{first}: a line without a colon",
            )
        out.append({first: head.strip(), second: tail.strip()})
    return out


@router.post("/cases/{application_id}/hearing/record")
def record(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    held_at: Annotated[str, Form(max_length=40)] = "",
    participants: Annotated[str, Form(max_length=5000)] = "",
    review_opinion: Annotated[str, Form(max_length=4000)] = "",
    statements: Annotated[str, Form(max_length=60000)] = "",
    evidence: Annotated[str, Form(max_length=20000)] = "",
    adoption_note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """录入听证笔录: one participant per line (姓名：身份), one statement per line (发言人：内容),
    one piece of evidence per line (提交人：证据)."""
    values = {
        "held_at": held_at,
        "participants": participants,
        "review_opinion": review_opinion,
        "statements": statements,
        "evidence": evidence,
        "adoption_note": adoption_note,
    }

    def step() -> object:
        body = build(
            HearingRecordIn,
            {
                "held_at": held_at.strip(),
                "participants": _pairs(participants, "name", "role", "听证参加人"),
                "review_opinion": clean_text(review_opinion),
                "statements": _pairs(statements, "speaker", "text", "陈述、申辩和质证"),
                "evidence": _pairs(evidence, "party", "text", "证据"),
                "adoption_note": clean_text(adoption_note),
            },
            labels=RECORD_LABELS,
        )
        application = get_application_for(session, user, application_id)
        return conduct.record(session, services.clock.now(), user, application, body)

    return _act(
        request, session, services, user, application_id, values, step, "hearing_held", background
    )


@router.post("/cases/{application_id}/hearing/confirmations")
def record_confirmation(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    name: Annotated[str, Form(max_length=100)] = "",
    confirmed: Annotated[str, Form(max_length=5)] = "yes",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Staff record a party's signature on the paper record, or its refusal to sign."""

    def step() -> object:
        application = get_application_for(session, user, application_id)
        return conduct.confirm(
            session,
            services.clock.now(),
            user,
            application,
            name=clean_line(name),
            confirmed=confirmed != "no",
            note=clean_text(note),
        )

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"note": note},
        step,
        "hearing_confirmed",
        background,
    )
