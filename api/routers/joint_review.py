"""Remote joint review (远程会审), the expert portal's API, and the green channel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import col, select

from api.applicant_view import panel_for_applicant
from api.body_limit import MAX_FILES_PER_REQUEST, accepts_uploads
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.dispatching import after_commit
from api.params import Id
from approvals.casework import green_channel
from approvals.casework.queries import get_application_for
from approvals.errors import NotFound
from approvals.evidence import check_evidence
from approvals.joint_review import expert_draw, expert_pool
from approvals.joint_review import service as joint_review
from models import Expert, Panel, PanelMember, Role, text_input
from models.responses import (
    Assignment,
    CloseResult,
    DeclineResult,
    DrawReplay,
    GreenChannelPublic,
    OpinionResult,
    PanelView,
    RevisionResult,
    SiteInspectionPublic,
)

router = APIRouter(prefix="/api", tags=["远程会审 joint review"])
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), text_input.Line
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JointReviewStart(Strict):
    needed: list[
        Literal[
            "air",
            "water",
            "noise",
            "solid_waste",
            "soil_groundwater",
            "ecology",
            "environmental_risk",
            "radiation",
            "eia_generalist",
        ]
    ] = Field(min_length=1, max_length=9, description="项目需要覆盖的专业")
    size: int | None = Field(default=None, ge=3, le=9, description="专家人数（奇数）")
    seed: int | None = Field(
        default=None, ge=0, le=2**31 - 1, description="随机种子（留空自动生成）"
    )
    meeting_at: datetime
    video_link: Line


class Opinion(Strict):
    conclusion: Literal["pass", "revise", "fail"]
    opinion: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=8000),
        text_input.Multiline,
    ]


class RevisionReview(Strict):
    confirmed: bool
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), text_input.Multiline
    ] = ""


class GreenChannelFlag(Strict):
    justification: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), text_input.Multiline
    ]


def panel_view(session: Any, panel: Panel, *, show_votes: bool) -> dict[str, Any]:
    members = session.exec(
        select(PanelMember, Expert)
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(PanelMember.panel_id == panel.id)
        .order_by(col(PanelMember.draw_order))
    ).all()
    draw = (  # the draw record is the bureau's: staff and auditors only (api.applicant_view)
        {"seed": panel.seed, "candidates": len(panel.candidates), "excluded": panel.excluded}
        if show_votes
        else {}
    )
    return {
        "panel_id": panel.id,
        **draw,
        "size": panel.size,
        "needed": panel.needed_specialties,
        "meeting_at": panel.meeting_at,
        "video_link": panel.video_link,
        "status": panel.status,
        "conclusion": panel.conclusion,
        "members": [
            {
                "expert_id": e.id,
                "name": e.name,
                "title": e.title,
                "employer": e.employer,
                "chair": m.chair,
                "state": m.state,
                "submitted": m.submitted_at is not None,
                **({"conclusion": m.conclusion, "opinion": m.opinion} if show_votes else {}),
            }
            for m, e in members
        ],
    }


@router.post(
    "/applications/{application_id}/joint-review",
    status_code=201,
    response_model=PanelView,
    response_model_exclude_unset=True,
    summary="抽取专家并启动远程会审（暂停计时，书面告知申请人）",
)
def start(
    application_id: Id,
    body: JointReviewStart,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    panel = joint_review.start(
        session,
        services.clock,
        services.catalogue,
        user,
        application_id,
        needed=list(body.needed),
        size=body.size,
        seed=body.seed,
        meeting_at=body.meeting_at,
        video_link=body.video_link,
    )
    session.commit()
    after_commit(background, services, application_id)
    return panel_view(session, panel, show_votes=True)


@router.get(
    "/applications/{application_id}/joint-review",
    response_model=list[PanelView],
    response_model_exclude_unset=True,
    summary="会审专家组与进度（申请人：无抽取记录，会审结束前无专家姓名）",
)
def read(application_id: Id, user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    get_application_for(session, user, application_id)  # experts: only their own panels
    panels = session.exec(
        select(Panel).where(Panel.application_id == application_id).order_by(col(Panel.id))
    ).all()
    if user.role is Role.APPLICANT:  # no draw, no names before the panel concludes
        return [panel_for_applicant(session, p) for p in panels]
    staff = user.role is not Role.EXPERT
    return [panel_view(session, p, show_votes=staff) for p in panels]


@router.post(
    "/applications/{application_id}/joint-review/decline",
    response_model=DeclineResult,
    summary="专家：无法参加（系统按原随机种子补抽并记录）",
)
def decline(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> dict[str, Any]:
    replacement = joint_review.decline(session, services.clock, user, application_id)
    session.commit()
    return {"replacement_expert_id": replacement.expert_id}


@router.post(
    "/applications/{application_id}/joint-review/opinion",
    response_model=OpinionResult,
    summary="专家：提交评审结论和意见",
)
def opinion(
    application_id: Id,
    body: Opinion,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, Any]:
    member = joint_review.submit_opinion(
        session,
        services.clock,
        user,
        application_id,
        conclusion=body.conclusion,
        opinion=body.opinion,
    )
    session.commit()
    return {"submitted_at": member.submitted_at, "conclusion": member.conclusion}


@router.post(
    "/applications/{application_id}/joint-review/close",
    response_model=CloseResult,
    summary="组长：形成专家组评审意见（按多数意见，组长决定票）",
)
def close(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    panel = joint_review.close(session, services.clock, user, application_id)
    session.commit()
    after_commit(background, services, application_id)
    return {"conclusion": panel.conclusion, "closed_at": panel.closed_at}


@router.post(
    "/applications/{application_id}/revision/submit",
    response_model=RevisionResult,
    summary="申请人：提交修改稿",
)
def submit_revision(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> dict[str, str]:
    joint_review.submit_revision(session, services.clock, user, application_id)
    session.commit()
    return {"status": "revision_review"}


@router.post(
    "/applications/{application_id}/revision/review",
    response_model=RevisionResult,
    summary="组长：复核修改稿",
)
def review_revision(
    application_id: Id,
    body: RevisionReview,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, str]:
    joint_review.review_revision(
        session,
        services.clock,
        user,
        application_id,
        confirmed=body.confirmed,
        comment=body.comment,
    )
    session.commit()
    return {"status": "drafting" if body.confirmed else "revision"}


@router.get(
    "/expert/assignments",
    dependencies=[require_roles(Role.EXPERT)],
    response_model=list[Assignment],
    summary="专家工作台：我的会审任务（仅本人）",
)
def assignments(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Panel, PanelMember)
        .join(PanelMember, col(PanelMember.panel_id) == col(Panel.id))
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(Expert.user_id == user.id, PanelMember.state == "invited")
        .order_by(col(Panel.id).desc())
    ).all()
    return [
        {
            "application_id": p.application_id,
            "panel_id": p.id,
            "chair": m.chair,
            "status": p.status,
            "meeting_at": p.meeting_at,
            "video_link": p.video_link,
            "submitted": m.submitted_at is not None,
        }
        for p, m in rows
    ]


@router.get(
    "/audit/panels/{panel_id}/replay",
    dependencies=[require_roles(Role.AUDITOR, Role.ADMIN)],
    response_model=DrawReplay,
    summary="电子监察：按记录的随机种子和候选名单重放抽取",
)
def replay(panel_id: Id, session: SessionDep) -> dict[str, Any]:
    panel = session.get(Panel, panel_id)
    if panel is None:
        raise NotFound("专家组不存在", "no such panel")
    first = session.exec(
        select(PanelMember)
        .where(PanelMember.panel_id == panel_id, col(PanelMember.replaces_id).is_(None))
        .order_by(col(PanelMember.draw_order))
    ).all()
    recorded = [m.expert_id for m in first]
    replayed = expert_draw.replay(expert_pool.candidates(session), panel)
    return {
        "seed": panel.seed,
        "recorded": recorded,
        "replayed": list(replayed.members),
        "identical": list(replayed.members) == recorded,
    }


@router.post(
    "/applications/{application_id}/green-channel",
    status_code=201,
    response_model=GreenChannelPublic,
    summary="启用绿色通道（特事特办，须写明理由）",
)
def flag_green(
    application_id: Id,
    body: GreenChannelFlag,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, Any]:
    row = green_channel.flag(session, services.clock, user, application_id, body.justification)
    session.commit()
    return {"application_id": row.application_id, "flagged_at": row.flagged_at}


@router.post(
    "/applications/{application_id}/joint-review/site-inspection",
    status_code=201,
    response_model=SiteInspectionPublic,
    summary="承办人：登记视频踏勘（时间、参加人员、照片和视频）",
)
@accepts_uploads(MAX_FILES_PER_REQUEST)
async def site_inspection(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    at: Annotated[datetime, Form()],
    participants: Annotated[str, Form(max_length=1000, description="参加人员，以逗号分隔")],
    notes: Annotated[str, Form(max_length=4000)] = "",
    files: Annotated[
        list[UploadFile] | None, File(description="照片、视频（JPEG/PNG/MP4/PDF）")
    ] = None,
) -> dict[str, Any]:
    application = get_application_for(session, user, application_id)
    stored: list[tuple[str, bytes, Any]] = []
    for upload in files or []:
        data = await upload.read(services.settings.max_upload_bytes + 1)
        checked = check_evidence(upload.filename or "", data, services.settings.max_upload_bytes)
        key = f"applications/{application.number}/site-inspection/{checked.sha256}"
        stored.append((key, data, checked))
    row = joint_review.record_site_inspection(
        session,
        services.clock,
        user,
        application_id,
        at=at,
        participants=[p.strip() for p in participants.replace("，", ",").split(",") if p.strip()],
        notes=notes,
        media=[
            {
                "object_key": k,
                "filename": c.filename,
                "content_type": c.content_type,
                "sha256": c.sha256,
                "size": c.size,
            }
            for k, _, c in stored
        ],
    )
    for key, data, checked in stored:  # after the permission checks, before the commit
        services.store.put(key, data, checked.content_type)
    session.commit()
    return {"id": row.id, "media": row.media, "participants": row.participants}
