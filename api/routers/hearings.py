"""听证 (行政许可法第46–48条): the right told, requests (the applicant's account, or an interested
party on the public form with the comments' abuse protections), the bureau's order, withdrawal,
scheduling (听证通知书), the record and the parties' confirmations (听证笔录)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from sqlmodel import Session

from api.auth import client_of, wall_now
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.dispatching import after_commit
from api.params import Id
from api.services import AppServices
from approvals.casework.queries import get_application_for
from approvals.enterprise.throttle import admit
from approvals.errors import DomainError, InvalidInput
from approvals.participation import challenge
from approvals.participation.hearings import conduct, requests
from approvals.participation.hearings.lookup import get_live_hearing, hearings_of, requests_of
from approvals.participation.notices import get_notice
from models import Application, Hearing, RequestKind, User
from models.hearings import (
    HEARING_STATE_LABELS,
    PARTY_LABELS,
    ConfirmationIn,
    HearingOrderIn,
    HearingRecordIn,
    HearingRequestIn,
    HearingRequestReceipt,
    HearingRequestView,
    HearingRightIn,
    HearingScheduleIn,
    HearingView,
    HearingWithdrawIn,
)
from models.ids import id_of
from models.text_input import clean_line, clean_text

router = APIRouter(prefix="/api", tags=["听证 hearings"])


def hearing_view(session: Session, hearing: Hearing) -> HearingView:
    presiding = (
        session.get(User, hearing.presiding_officer_id) if hearing.presiding_officer_id else None
    )
    return HearingView(
        id=id_of(hearing),
        origin=hearing.origin,
        state=hearing.state,
        state_label=HEARING_STATE_LABELS[hearing.state],
        requested_on=hearing.requested_on,
        hold_by=hearing.hold_by,
        scheduled_at=hearing.scheduled_at,
        mode=hearing.mode,
        place=hearing.place,
        presiding_officer=presiding.display_name if presiding else "",
        recorder=hearing.recorder,
        held_at=hearing.held_at,
        confirmations=[
            {"name": c["name"], "confirmed": c["confirmed"], "note": c["note"]}
            for c in hearing.confirmations
        ],
        requests=[
            HearingRequestView(
                id=id_of(r),
                party=r.party,
                party_label=PARTY_LABELS[r.party],
                name=r.name,
                relation=r.relation,
                reasons=r.reasons,
                requested_at=r.requested_at,
                withdrawn_at=r.withdrawn_at,
            )
            for r in requests_of(session, id_of(hearing))
        ],
    )


def _done(
    session: Session, services: AppServices, background: BackgroundTasks, application_id: int
) -> HearingView:
    """Commit, launch the issuing of any queued document, answer the case's live hearing."""
    session.commit()
    after_commit(background, services, application_id)
    return hearing_view(session, get_live_hearing(session, application_id))


@router.get(
    "/applications/{application_id}/hearings",
    response_model=list[HearingView],
    summary="本案听证 / the case's hearings",
)
def case_hearings(application_id: Id, user: CurrentUser, session: SessionDep) -> list[HearingView]:
    get_application_for(session, user, application_id)
    return [hearing_view(session, h) for h in hearings_of(session, application_id)]


@router.post(
    "/applications/{application_id}/hearing-right",
    response_model=HearingRequestReceipt,
    status_code=201,
    summary="登记已告知听证权利 / record that the right to a hearing was told",
)
def hearing_right(
    application_id: Id,
    body: HearingRightIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> HearingRequestReceipt:
    application = get_application_for(session, user, application_id)
    row, last = requests.tell_right(
        session, services.calendar, services.clock.now(), user, application, body.notified_on
    )
    session.commit()
    return HearingRequestReceipt(
        id=id_of(row),
        hearing_id=0,
        requested_at=row.recorded_at,
        message=f"已登记告知听证权利，申请人、利害关系人可于{last.year}年{last.month}月{last.day}日前申请听证",
    )


@router.post(
    "/applications/{application_id}/hearing-requests",
    response_model=HearingRequestReceipt,
    status_code=201,
    summary="申请人申请听证 / the applicant asks for a hearing",
)
def applicant_request(
    application_id: Id,
    body: HearingRequestIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingRequestReceipt:
    application = get_application_for(session, user, application_id)
    row = requests.request_as_applicant(
        session,
        services.calendar,
        services.clock.now(),
        user,
        application,
        body.reasons,
        clean_line(body.contact),
    )
    session.commit()
    after_commit(background, services, application_id)
    return HearingRequestReceipt(
        id=id_of(row),
        hearing_id=row.hearing_id,
        requested_at=row.requested_at,
        message="听证申请已收到，本机关将依法组织听证并提前通知",
    )


@router.post(
    "/applications/{application_id}/hearing/order",
    response_model=HearingView,
    status_code=201,
    summary="本机关决定举行听证 / the bureau orders a hearing (§46)",
)
def order(
    application_id: Id,
    body: HearingOrderIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingView:
    application = get_application_for(session, user, application_id)
    requests.order(
        session, services.calendar, services.clock.now(), user, application, body.reasons
    )
    return _done(session, services, background, application_id)


@router.post(
    "/applications/{application_id}/hearing-requests/{request_id}/withdraw",
    response_model=HearingView,
    summary="撤回听证申请 / withdraw a hearing request",
)
def withdraw(
    application_id: Id,
    request_id: Id,
    body: HearingWithdrawIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingView:
    application = get_application_for(session, user, application_id)
    hearing = requests.withdraw(
        session, services.clock.now(), user, application, request_id, clean_line(body.note)
    )
    session.commit()
    after_commit(background, services, application_id)
    return hearing_view(session, hearing)


@router.post(
    "/applications/{application_id}/hearing/schedule",
    response_model=HearingView,
    summary="安排听证并制发听证通知书 / schedule the hearing",
)
def schedule(
    application_id: Id,
    body: HearingScheduleIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingView:
    application = get_application_for(session, user, application_id)
    conduct.schedule(
        session,
        services.calendar,
        services.clock.now(),
        user,
        application,
        scheduled_at=body.scheduled_at,
        mode=body.mode,
        place=clean_line(body.place),
        presiding_officer_id=body.presiding_officer_id,
        recorder=clean_line(body.recorder),
    )
    return _done(session, services, background, application_id)


@router.post(
    "/applications/{application_id}/hearing/record",
    response_model=HearingView,
    summary="录入听证笔录 / record the hearing",
)
def record(
    application_id: Id,
    body: HearingRecordIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingView:
    application = get_application_for(session, user, application_id)
    conduct.record(session, services.clock.now(), user, application, body)
    return _done(session, services, background, application_id)


@router.post(
    "/applications/{application_id}/hearing/confirmations",
    response_model=HearingView,
    summary="听证参加人确认笔录 / a party confirms the record",
)
def confirm(
    application_id: Id,
    body: ConfirmationIn,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> HearingView:
    application = get_application_for(session, user, application_id)
    conduct.confirm(
        session,
        services.clock.now(),
        user,
        application,
        name=clean_line(body.name),
        confirmed=body.confirmed,
        note=clean_text(body.note),
    )
    return _done(session, services, background, application_id)


@router.post(
    "/public/notices/{notice_id}/hearing-requests",
    response_model=HearingRequestReceipt,
    status_code=201,
    summary="利害关系人申请听证（无需登录） / an interested party asks for a hearing",
)
def party_request(
    notice_id: Id,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    name: Annotated[str, Form(max_length=100)],
    contact: Annotated[str, Form(max_length=100)],
    relation: Annotated[str, Form(max_length=300)],
    reasons: Annotated[str, Form(max_length=2000)],
    challenge_token: Annotated[str, Form(max_length=200)],
    challenge_answer: Annotated[str, Form(max_length=10)],
    email: Annotated[str, Form(max_length=254)] = "",
    website: Annotated[str, Form(max_length=200, description="留空（防机器人）")] = "",
) -> HearingRequestReceipt:
    """Anyone concerned, no account: 3 requests per address in 10 minutes (429 beyond), the
    comment form's signed question (GET /api/public/notices/{notice_id}/challenge)."""
    address = client_of(request).address
    fields = requests.PartyIn(
        clean_line(name),
        clean_line(contact),
        clean_line(email),
        clean_line(relation),
        clean_text(reasons),
    )
    try:
        notice = get_notice(session, notice_id)
        admit(session, RequestKind.HEARING_REQUEST, address, wall_now())
        challenge.check(
            services.settings.secret_key.encode(),
            notice_id,
            challenge_token,
            challenge_answer,
            website,
            wall_now(),
        )
        _check_party(fields)
        application = session.get(Application, notice.application_id)
        assert application is not None
        row = requests.request_as_party(
            session, services.calendar, services.clock.now(), application, fields, address
        )
    except DomainError:
        session.commit()  # the throttle counts refused requests too
        raise
    session.commit()
    after_commit(background, services, notice.application_id)
    return HearingRequestReceipt(
        id=id_of(row),
        hearing_id=row.hearing_id,
        requested_at=row.requested_at,
        message="听证申请已收到，本机关将依法组织听证，并于举行听证七日前通知您",
    )


def _check_party(fields: requests.PartyIn) -> None:
    problems = [
        {"field": field, "problem": f"请填写{label}"}
        for field, label, value in (
            ("name", "姓名或名称", fields.name),
            ("contact", "联系方式", fields.contact),
            ("relation", "与本项目的利害关系", fields.relation),
            ("reasons", "申请听证的理由", fields.reasons),
        )
        if not value.strip()
    ]
    if fields.email and "@" not in fields.email:
        problems.append({"field": "email", "problem": "电子邮箱格式不正确"})
    if problems:
        raise InvalidInput(
            "；".join(p["problem"] for p in problems),
            "the hearing request does not validate",
            problems=problems,
        )
