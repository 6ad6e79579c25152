"""公众参与: the public notices (no account), comments on them, and the case officer's side."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response, UploadFile
from sqlmodel import Session

from api.auth import client_of, wall_now
from api.contract import PDF_RESPONSE
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from api.services import AppServices
from approvals.casework.queries import get_application_for
from approvals.clock import local_date
from approvals.errors import DomainError, NotFound
from approvals.participation import challenge
from approvals.participation import comments as comment_service
from approvals.participation.notices import NoticeFilter, days_left, get_notice, list_notices
from approvals.uploads import check_upload
from models import (
    NOTICE_KIND_LABELS,
    PERIOD_KINDS,
    Material,
    NoticeKind,
    NoticeStatus,
    PublicNotice,
    Role,
)
from models.ids import id_of
from models.participation import (
    ChallengePublic,
    CommentHideIn,
    CommentReceipt,
    CommentResponseIn,
    CommentStaffView,
    NoticePublic,
)
from models.text_input import clean_line, clean_text

router = APIRouter(prefix="/api", tags=["公众参与 public participation"])
CASE_READERS = require_roles(
    Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN, Role.AUDITOR
)
HOW_TO_COMMENT = (
    "公示期间，公众可在本页面（无需注册登录）填写姓名、联系方式和意见提交，可附PDF材料；"
    "承办人将逐条研究答复，答复情况载入审批案卷。"
)


def notice_public(services: AppServices, notice: PublicNotice) -> NoticePublic:
    today = local_date(services.clock.now())
    base = f"/api/public/notices/{notice.id}"
    return NoticePublic(
        id=id_of(notice),
        kind=notice.kind,
        kind_label=NOTICE_KIND_LABELS[notice.kind],
        item_name=notice.item_name,
        project_name=notice.project_name,
        builder=notice.builder,
        site=notice.site,
        district=notice.district,
        consultant=notice.consultant,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        days=notice.days,
        status=NoticeStatus.OPEN if today <= notice.ends_on else NoticeStatus.ENDED,
        working_days_left=days_left(services.calendar, notice, today),
        report_url=f"{base}/report" if notice.public_material_id else None,
        participation_url=f"{base}/participation" if notice.participation_material_id else None,
        page_url=f"/public/notices/{notice.id}",
        how_to_comment=HOW_TO_COMMENT if notice.kind in PERIOD_KINDS else "",
        published_at=notice.published_at,
        event_on=notice.event_on,
        overview=notice.overview,
        measures=notice.measures,
        participation_summary=notice.participation_summary,
        hearing_right=notice.hearing_right,
        hearing_request_url=(  # 听证 (api.routers.hearings): interested parties ask here
            f"{base}/hearing-requests" if notice.kind is NoticeKind.PRE_APPROVAL else None
        ),
        document_number=notice.document_number,
        conclusion=notice.conclusion,
        document_url=f"{base}/document" if notice.document_id else None,
        appeal_note=notice.appeal_note,
        hearing_at=notice.hearing_at,
        hearing_place=notice.hearing_place,
    )


@router.get(
    "/public/notices", response_model=list[NoticePublic], summary="公示列表 / public notices"
)
def notices(
    session: SessionDep,
    services: ServicesDep,
    kind: NoticeKind | None = None,
    status: NoticeStatus | None = None,
    q: Annotated[str, Query(max_length=50, description="项目名称、建设单位或建设地点包含")] = "",
    district: Annotated[str, Query(max_length=40, description="所在区县（全称）")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[NoticePublic]:
    """For 政务公开 sites to pull: open notices end soonest first, ended ones newest first.
    Kinds: acceptance 受理公示, pre_approval 拟批准公示, decision 审批决定公告,
    revocation 撤销公告, hearing 听证公告."""
    today = local_date(services.clock.now())
    running = None if status is None else status is NoticeStatus.OPEN
    flt = NoticeFilter(kind=kind, open=running, text=clean_line(q), district=clean_line(district))
    rows = list_notices(session, today, flt, limit)
    return [notice_public(services, n) for n in rows]


@router.get("/public/notices/{notice_id}", response_model=NoticePublic, summary="一则公示")
def notice(notice_id: Id, session: SessionDep, services: ServicesDep) -> NoticePublic:
    return notice_public(services, get_notice(session, notice_id))


def _pdf(session: Session, services: AppServices, material_id: int | None) -> Response:
    material = session.get(Material, material_id) if material_id else None
    if material is None:
        raise NotFound("该公示没有此文件", "the notice has no such file")
    return Response(
        services.store.get(material.object_key),
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(material.filename)}"},
    )


@router.get(
    "/public/notices/{notice_id}/report",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载环评文件公开版本 / the public version of the report",
)
def report(notice_id: Id, session: SessionDep, services: ServicesDep) -> Response:
    """The public version only: no other material of the case is reachable from a notice."""
    return _pdf(session, services, get_notice(session, notice_id).public_material_id)


@router.get(
    "/public/notices/{notice_id}/participation",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载公众参与说明 / the public participation statement",
)
def participation(notice_id: Id, session: SessionDep, services: ServicesDep) -> Response:
    return _pdf(session, services, get_notice(session, notice_id).participation_material_id)


@router.get(
    "/public/notices/{notice_id}/challenge",
    response_model=ChallengePublic,
    summary="评论验证问题 / the comment form's challenge",
)
def comment_challenge(notice_id: Id, session: SessionDep, services: ServicesDep) -> ChallengePublic:
    get_notice(session, notice_id)
    issued = challenge.issue(services.settings.secret_key.encode(), notice_id, wall_now())
    return ChallengePublic(question=issued.question, token=issued.token)


def post_comment(
    request: Request,
    session: Session,
    services: AppServices,
    notice_id: int,
    fields: comment_service.CommentIn,
    answer: tuple[str, str, str],
    upload: tuple[str, bytes] | None,
) -> CommentReceipt:
    """Throttle first (counted even when a later check refuses), then challenge, fields, file.
    ``answer`` is (token, answer, honeypot); ``upload`` is (file name, bytes) already bounded."""
    address = client_of(request).address
    try:
        comment_service.admit_comment(session, notice_id, address, wall_now())
        token, given, honeypot = answer
        challenge.check(
            services.settings.secret_key.encode(), notice_id, token, given, honeypot, wall_now()
        )
        comment_service.check_fields(fields)
        attachment = None
        if upload is not None:
            checked = check_upload(upload[0], upload[1], comment_service.MAX_ATTACHMENT_BYTES)
            key = f"public-comments/{notice_id}/{checked.sha256}"
            services.store.put(key, upload[1], checked.content_type)
            attachment = comment_service.Attachment(
                checked.filename, checked.sha256, checked.size, key
            )
        row = comment_service.submit_comment(
            session, notice_id, fields, attachment, address, services.clock.now()
        )
    except DomainError:
        session.commit()  # the throttle counts refused comments too
        raise
    session.commit()
    return CommentReceipt(
        id=id_of(row),
        notice_id=notice_id,
        submitted_at=row.submitted_at,
        late=row.late,
        message="意见已收到，逾期提交，已记录并标注"
        if row.late
        else "意见已收到，承办人将逐条研究答复",
    )


@router.post(
    "/public/notices/{notice_id}/comments",
    response_model=CommentReceipt,
    status_code=201,
    summary="提交公众意见（无需登录） / comment on a notice",
)
async def comment(
    notice_id: Id,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    name: Annotated[str, Form(max_length=comment_service.MAX_NAME)],
    contact: Annotated[str, Form(max_length=comment_service.MAX_CONTACT)],
    text: Annotated[str, Form(max_length=comment_service.MAX_TEXT)],
    challenge_token: Annotated[str, Form(max_length=200)],
    challenge_answer: Annotated[str, Form(max_length=10)],
    website: Annotated[str, Form(max_length=200, description="留空（防机器人）")] = "",
    file: UploadFile | None = None,
) -> CommentReceipt:
    """Anyone, no account: 5 comments per address in 10 minutes (429 with Retry-After
    beyond); a signed arithmetic question; an optional PDF checked like every upload."""
    upload = None
    if file is not None and file.filename:
        data = await file.read(comment_service.MAX_ATTACHMENT_BYTES + 1)
        upload = (file.filename, data)
    fields = comment_service.CommentIn(clean_line(name), clean_line(contact), clean_text(text))
    return post_comment(
        request,
        session,
        services,
        notice_id,
        fields,
        (challenge_token, challenge_answer, website),
        upload,
    )


@router.get(
    "/applications/{application_id}/public-comments",
    response_model=list[CommentStaffView],
    dependencies=[CASE_READERS],
    summary="公众意见处理情况 / the public's comments on a case",
)
def case_comments(
    application_id: Id, user: CurrentUser, session: SessionDep
) -> list[CommentStaffView]:
    get_application_for(session, user, application_id)
    return [
        CommentStaffView.model_validate(c, from_attributes=True)
        for c in comment_service.comments_of(session, application_id)
    ]


@router.post(
    "/applications/{application_id}/public-comments/{comment_id}/response",
    response_model=CommentStaffView,
    summary="答复一条公众意见 / respond to a comment",
)
def respond(
    application_id: Id,
    comment_id: Id,
    body: CommentResponseIn,
    user: CurrentUser,
    session: SessionDep,
) -> CommentStaffView:
    get_application_for(session, user, application_id)
    row = comment_service.respond(
        session, user, application_id, comment_id, body.response, wall_now()
    )
    session.commit()
    return CommentStaffView.model_validate(row, from_attributes=True)


@router.post(
    "/applications/{application_id}/public-comments/{comment_id}/hide",
    response_model=CommentStaffView,
    summary="屏蔽一条滥用的公众意见 / hide an abusive comment",
)
def hide(
    application_id: Id,
    comment_id: Id,
    body: CommentHideIn,
    user: CurrentUser,
    session: SessionDep,
) -> CommentStaffView:
    get_application_for(session, user, application_id)
    row = comment_service.hide(session, user, application_id, comment_id, body.reason, wall_now())
    session.commit()
    return CommentStaffView.model_validate(row, from_attributes=True)
