"""Remote joint review (远程会审) and the green channel (特事特办) on the case page.

The case officer starts the review from the case page (specialties, panel size, optional seed,
meeting time, video link), records the video site inspection (视频踏勘), and staff follow the
panel there: members, chair, who has submitted and, for staff only, the votes, with the draw
record an auditor can replay. The applicant sees the 专家组评审意见 while revising and submits
the revised report. A section chief, a leader or an admin flags a case for the green channel.

Every POST calls the same service as the JSON API (``api/routers/joint_review.py``), commits,
launches the flows the API launches and answers 303 back to the case page; a refused one shows
the case page again with the Chinese message and what was typed. The case page builds its
context without this module: its section comes from ``joint_review_panel``, a template global
that reads with a session of its own and never writes. Routes hang off the pages' ``router``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import BackgroundTasks, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import exists
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api.body_limit import MAX_FILES_PER_REQUEST, accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.case import MATERIAL_FIELD, refused_back, run_step
from api.pages.case_sections import Facts, register_section
from api.pages.display import FLASH_MESSAGES, redirect_with
from api.pages.forms import build, chosen_files
from api.pages.security import ApplicantUser, PageUser, StaffUser
from api.params import Id, ListIndex
from api.presenters import document_public
from api.routers.joint_review import JointReviewStart
from api.services import AppServices
from api.uploads import read_checked
from approvals.casework import cases, green_channel
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL
from approvals.errors import DomainError, InvalidInput, NotFound
from approvals.evidence import check_evidence
from approvals.joint_review import expert_draw
from approvals.joint_review import service as joint_review
from approvals.joint_review.expert_draw import DrawImpossible
from approvals.timekeeping.date_bounds import local_moment
from approvals.uploads import CheckedUpload, material_key
from models import (
    Application,
    AuditEvent,
    Document,
    DocumentKind,
    Expert,
    GreenChannel,
    Material,
    Panel,
    PanelMember,
    Role,
    SiteInspection,
    Status,
    User,
)
from models.ids import id_of

FLASH_MESSAGES.update(
    {
        "joint_review_started": "已抽取专家并启动远程会审，计时暂停，特别程序告知书正在制发。",
        "site_inspection": "视频踏勘记录已登记。",
        "revision_submitted": "修改稿已提交，等待专家组组长复核。",
        "green_channel": "已启用绿色通道（特事特办）。",
        "opinion_submitted": "评审意见已提交。",
        "expert_declined": "已登记无法参加（回避），系统已按原随机种子补抽专家。",
        "review_closed": "已形成专家组意见，专家组评审意见正在制发。",
        "revision_confirmed": "已确认修改稿，恢复计时。",
        "revision_returned": "已退回申请人继续修改。",
    }
)

SPECIALTY_LABELS = expert_draw.SPECIALTY_LABELS
CONCLUSIONS = joint_review.CONCLUSIONS
CONSTRAINT_LABELS: dict[str, str] = {
    expert_draw.TOO_FEW: "排除回避后符合条件的专家人数不足",
    expert_draw.UNCOVERED: "所需专业没有可抽取的专家覆盖",
    expert_draw.SIZE_TOO_SMALL: "专家组人数不足以覆盖全部所需专业",
}
MEMBER_STATES: dict[str, str] = {"invited": "在组", "declined": "无法参加（已补抽）"}
START_LABELS = {"meeting_at": "会议时间", "video_link": "视频会议链接", "needed": "所需专业"}
MEDIA_TYPES = "image/jpeg,image/png,video/mp4,application/pdf,.jpg,.jpeg,.png,.mp4,.pdf"
Text = Annotated[str, Form(max_length=8000)]


# --- reading: shared with the expert portal ---------------------------------------------------


def video_href(link: str | None) -> str | None:
    """The meeting link as a clickable address, only when it is an http(s) URL."""
    link = (link or "").strip()
    return link if link.lower().startswith(("https://", "http://")) else None


def specialty_text(codes: list[str]) -> str:
    return "、".join(SPECIALTY_LABELS.get(c, c) for c in codes)


def latest_panel(session: Session, application_id: int) -> Panel | None:
    return session.exec(
        select(Panel).where(Panel.application_id == application_id).order_by(col(Panel.id).desc())
    ).first()


def member_rows(session: Session, panel: Panel, *, votes: bool) -> list[dict[str, Any]]:
    """The panel's members in draw order; conclusions and opinions only when ``votes``."""
    rows = session.exec(
        select(PanelMember, Expert)
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(PanelMember.panel_id == panel.id)
        .order_by(col(PanelMember.draw_order))
    ).all()
    names = {m.id: e.name for m, e in rows}
    return [
        {
            "member_id": m.id,
            "expert_id": e.id,
            "user_id": e.user_id,
            "name": e.name,
            "title": e.title,
            "employer": e.employer,
            "specialties": specialty_text(e.specialties),
            "chair": m.chair,
            "active": m.state == "invited",
            "state": m.state,
            "state_label": MEMBER_STATES.get(m.state, m.state),
            "replaces": names.get(m.replaces_id) if m.replaces_id else None,
            "submitted": m.submitted_at is not None,
            "submitted_at": m.submitted_at,
            "conclusion": CONCLUSIONS.get(m.conclusion or "", "") if votes else "",
            "opinion": m.opinion if votes else "",
        }
        for m, e in rows
    ]


def inspection_rows(session: Session, panel: Panel) -> list[dict[str, Any]]:
    rows = session.exec(
        select(SiteInspection)
        .where(SiteInspection.panel_id == panel.id)
        .order_by(col(SiteInspection.id))
    ).all()
    return [
        {
            "id": row.id,
            "at": row.at,
            "participants": "、".join(row.participants),
            "notes": row.notes,
            "media": [
                {
                    "filename": str(m.get("filename", "")),
                    "kind": str(m.get("content_type", "")).split("/")[0],
                    "kb": f"{int(m.get('size', 0)) / 1024:.1f}",
                    "url": f"/cases/{panel.application_id}/joint-review/inspections/"
                    f"{row.id}/media/{index}",
                }
                for index, m in enumerate(row.media)
            ],
        }
        for row in rows
    ]


def draw_record(session: Session, panel: Panel) -> dict[str, Any]:
    """What the draw record says: seed, candidates, exclusions by reason, who drew and when."""
    reasons = Counter(str(e.get("reason", "")) for e in panel.excluded)
    drawn_by = session.get(User, panel.drawn_by)
    return {
        "seed": panel.seed,
        "size": panel.size,
        "needed": specialty_text(panel.needed_specialties),
        "candidates": len(panel.candidates),
        "excluded": len(panel.excluded),
        "exclusions": [
            {"label": expert_draw.EXCLUSION_REASONS.get(r, r), "count": n}
            for r, n in sorted(reasons.items())
        ],
        "drawn_at": panel.drawn_at,
        "drawn_by": drawn_by.display_name if drawn_by else "",
    }


def panel_summary(panel: Panel) -> dict[str, Any]:
    return {
        "id": panel.id,
        "open": panel.status == "open",
        "status_label": "会审进行中" if panel.status == "open" else "会审已结束",
        "meeting_at": panel.meeting_at,
        "video_link": panel.video_link or "",
        "video_href": video_href(panel.video_link),
        "closed_at": panel.closed_at,
        "conclusion": CONCLUSIONS.get(panel.conclusion or "", ""),
        "conclusion_code": panel.conclusion or "",
        "revision_confirmed_at": panel.revision_confirmed_at,
    }


def opinion_document(session: Session, application: Application) -> dict[str, Any] | None:
    """The latest 专家组评审意见 of the case (issued or still being issued)."""
    document = session.exec(
        select(Document)
        .where(
            Document.application_id == application.id,
            Document.kind == DocumentKind.EXPERT_OPINION,
        )
        .order_by(col(Document.id).desc())
    ).first()
    return None if document is None else document_public(application, document).model_dump()


def revision_items(session: Session, panel: Panel) -> list[str]:
    if panel.conclusion != "revise" or panel.meeting_at is None:
        return []
    items = joint_review.opinion_context(session, id_of(panel))["revision_items"]
    return [str(i) for i in items] if isinstance(items, list) else []


def returned_comment(session: Session, application_id: int) -> str:
    """The chair's comment when the revision was last sent back ("" if never)."""
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.application_id == application_id, AuditEvent.action == "reject_revision")
        .order_by(col(AuditEvent.id).desc())
    ).first()
    return event.comment if event else ""


def revised_materials(session: Session, application_id: int, since: datetime | None) -> list[Any]:
    """The case's current materials uploaded after ``since`` (the revised report)."""
    if since is None:
        return []
    rows = session.exec(
        select(Material)
        .where(
            Material.application_id == application_id,
            Material.superseded == False,  # noqa: E712
            col(Material.uploaded_at) > since,
        )
        .order_by(col(Material.id))
    ).all()
    return list(rows)


def green_view(session: Session, application_id: int) -> dict[str, Any] | None:
    row = session.get(GreenChannel, application_id)
    if row is None:
        return None
    by = session.get(User, row.flagged_by)
    return {
        "justification": row.justification,
        "flagged_at": row.flagged_at,
        "flagged_by": by.display_name if by else "",
    }


# --- the section of the case page -------------------------------------------------------------


def section(
    session: Session, services: AppServices, viewer: User, application: Application, facts: Facts
) -> dict[str, Any]:
    """远程会审 and 绿色通道 on the case page (``facts``: whether the case is flagged green and
    whether it has a panel; their rows are read only when it does)."""
    item = item_of(session, application)
    role, status = viewer.role, application.status
    staff = role not in (Role.APPLICANT, Role.EXPERT)
    green = green_view(session, id_of(application)) if facts["green"] else None
    reviewable = item.needs_expert_review or application.track == "green"
    panel = latest_panel(session, id_of(application)) if facts["panel"] else None
    view: dict[str, Any] = {
        "role": role.value,
        "staff": staff,
        "green": green,
        "can_flag": role in green_channel.AUTHORISED and status not in FINAL and green is None,
        "can_start": role is Role.CASE_OFFICER
        and status is Status.DRAFTING
        and reviewable
        and "专家评审" in item.clock_stops,
        "needs_review": item.needs_expert_review,
        "specialties": SPECIALTY_LABELS,
        "default_size": expert_draw.default_size(item.code, item.name_zh),
        "panel": None,
    }
    if panel is None:
        return view
    summary = panel_summary(panel)
    view |= {
        "panel": summary,
        "members": member_rows(session, panel, votes=staff) if staff else [],
        "draw": draw_record(session, panel) if staff else None,
        "inspections": inspection_rows(session, panel) if staff else [],
        "can_inspect": role is Role.CASE_OFFICER and summary["open"],
        "opinion": opinion_document(session, application),
        "revising": role is Role.APPLICANT and status is Status.REVISION,
        "in_revision_review": status is Status.REVISION_REVIEW,
        "revision_items": revision_items(session, panel),
        "returned_comment": returned_comment(session, id_of(application))
        if status is Status.REVISION
        else "",
        "materials": item.materials,
        "material_field": MATERIAL_FIELD,
        "revised": revised_materials(session, id_of(application), panel.closed_at),
    }
    return view


register_section(  # 远程会审 and 绿色通道 on the case page
    "jr",
    section,
    {
        "green": lambda a: exists().where(col(GreenChannel.application_id) == a),
        "panel": lambda a: exists().where(col(Panel.application_id) == a),
    },
)


# --- the staff's and the applicant's steps ---------------------------------------------------


def refusal_text(exc: DomainError) -> str:
    """The Chinese message of a refused step; an impossible draw also names its constraint."""
    if isinstance(exc, DrawImpossible):
        label = CONSTRAINT_LABELS.get(exc.constraint, exc.constraint)
        return f"{exc.message_zh}（未满足的条件：{label}）"
    return exc.message_zh


def _act(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    values: Mapping[str, str],
    step: Callable[[], object],
    message: str,
    background: BackgroundTasks | None = None,
) -> Response:
    anchor = "green-channel" if message == "green_channel" else "joint-review"
    done = redirect_with(f"/cases/{application_id}", message, anchor)
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
        error_text=refusal_text,
        anchor=anchor,
    )


def whole_number(value: str, label: str, low: int, high: int) -> int | None:
    """A blank field is None; anything else must be a whole number in [low, high]."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput(f"{label}应为{low}至{high}之间的整数", f"{label}: {low}..{high}")
    return int(value)


@router.post("/cases/{application_id}/joint-review")
def start(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    needed: Annotated[list[str] | None, Form()] = None,
    size: Annotated[str, Form(max_length=10)] = "",
    seed: Annotated[str, Form(max_length=20)] = "",
    meeting_at: Annotated[str, Form(max_length=40)] = "",
    video_link: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """抽取专家并启动远程会审: the draw, the §45 pause and notice, the invitations."""
    chosen = [n for n in needed or [] if n]
    values = {
        "needed": ",".join(chosen),
        "size": size,
        "seed": seed,
        "meeting_at": meeting_at,
        "video_link": video_link,
    }

    def step() -> object:
        if not chosen:
            raise InvalidInput("请至少选择一个所需专业", "choose at least one specialty")
        body = build(
            JointReviewStart,
            {
                "needed": chosen,
                "size": whole_number(size, "专家人数", 3, 9),
                "seed": whole_number(seed, "随机种子", 0, expert_draw.MAX_SEED),
                "meeting_at": meeting_at.strip(),
                "video_link": video_link,
            },
            labels=START_LABELS,
        )
        return joint_review.start(
            session,
            services.clock,
            services.catalogue,
            user,
            application_id,
            needed=list(body.needed),
            size=body.size,
            seed=body.seed,
            meeting_at=local_moment(body.meeting_at),
            video_link=body.video_link,
        )

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        values,
        step,
        "joint_review_started",
        background,
    )


def _participants(value: str) -> list[str]:
    return [p.strip() for p in value.replace("，", ",").replace("、", ",").split(",") if p.strip()]


@router.post("/cases/{application_id}/joint-review/site-inspection")
@accepts_uploads(MAX_FILES_PER_REQUEST)
def site_inspection(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    inspection_at: Annotated[str, Form(max_length=40)] = "",
    participants: Annotated[str, Form(max_length=1000)] = "",
    inspection_notes: Annotated[str, Form(max_length=4000)] = "",
    media: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """视频踏勘: when, who, notes, and the photos and video kept in object storage."""
    values = {
        "inspection_at": inspection_at,
        "participants": participants,
        "inspection_notes": inspection_notes,
    }

    def step() -> object:
        try:
            at = local_moment(datetime.fromisoformat(inspection_at.strip()))
        except ValueError:
            raise InvalidInput("请填写踏勘时间", "inspection time is required") from None
        people = _participants(participants)
        if not people:
            raise InvalidInput("请填写参加人员", "participants are required")
        application = get_application_for(session, user, application_id)
        limit = services.settings.max_upload_bytes
        stored = []
        for upload in (u for u in media or [] if u.filename):
            data = upload.file.read(limit + 1)
            checked = check_evidence(upload.filename or "", data, limit)
            key = f"applications/{application.number}/site-inspection/{checked.sha256}"
            stored.append((key, data, checked))
        row = joint_review.record_site_inspection(
            session,
            services.clock,
            user,
            application_id,
            at=at,
            participants=people,
            notes=inspection_notes,
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
        return row

    return _act(request, session, services, user, application_id, values, step, "site_inspection")


@router.get("/cases/{application_id}/joint-review/inspections/{inspection_id}/media/{index}")
def inspection_media(
    application_id: Id,
    inspection_id: Id,
    index: ListIndex,
    user: PageUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """A photo or video of a video site inspection, for staff and the panel's members."""
    if user.role is Role.APPLICANT:
        raise NotFound("踏勘记录不存在", "no such site inspection")
    get_application_for(session, user, application_id)  # experts: only their own panels
    row = session.get(SiteInspection, inspection_id)
    panel = session.get(Panel, row.panel_id) if row else None
    if row is None or panel is None or panel.application_id != application_id:
        raise NotFound("踏勘记录不存在", "no such site inspection")
    if not 0 <= index < len(row.media):
        raise NotFound("踏勘照片或视频不存在", "no such media file")
    entry = row.media[index]
    name = str(entry.get("filename", "media"))
    return Response(
        services.store.get(str(entry["object_key"])),
        media_type=str(entry.get("content_type", "application/octet-stream")),
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


Checked = dict[str, tuple[CheckedUpload, bytes]]


def _submit_revision(
    session: Session, services: AppServices, user: User, application_id: int, files: Checked
) -> None:
    application = get_application_for(session, user, application_id)
    panel = latest_panel(session, application_id)
    if not files and not (panel and revised_materials(session, application_id, panel.closed_at)):
        raise InvalidInput("请上传按专家组意见修改后的报告", "upload the revised report")
    for code, (checked, data) in files.items():
        cases.check_material_upload(session, user, application, code)
        key = material_key(application.number, checked.sha256)
        services.store.put(key, data, checked.content_type)
        cases.record_material(
            session, services.clock, user, application, code, checked, key, services.catalogue
        )
    joint_review.submit_revision(session, services.clock, user, application_id)
    session.commit()


@router.post("/cases/{application_id}/revision")
@accepts_uploads(MAX_FILES_PER_REQUEST)
async def submit_revision(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """The applicant re-uploads the revised report and submits it to the chair."""
    async with request.form() as form:
        try:
            limit = services.settings.max_upload_bytes
            files = {
                code: await read_checked(upload, limit)
                for code, upload in chosen_files(form, MATERIAL_FIELD).items()
            }
            await run_in_threadpool(
                _submit_revision, session, services, user, application_id, files
            )
        except DomainError as exc:
            session.rollback()
            return refused_back(
                request, session, services, user, application_id, exc, anchor="joint-review"
            )
    query = urlencode({"msg": "revision_submitted"})
    return RedirectResponse(f"/cases/{application_id}?{query}#joint-review", status_code=303)


@router.post("/cases/{application_id}/green-channel")
def flag_green(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    justification: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """启用绿色通道: a section chief, a leader or an admin, with a written justification."""

    def step() -> object:
        return green_channel.flag(session, services.clock, user, application_id, justification)

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"justification": justification},
        step,
        "green_channel",
    )
