"""The expert portal (专家工作台): an expert's own assignments and the review page of each.

An expert sees only the cases of the panels it sits on (``get_application_for``: another
panel's case is "not found"). On a case it reads the project, downloads the materials, joins
the meeting, submits its conclusion and written opinion, or declines (回避); the chair also
closes the review once every member has submitted (形成专家组意见) and confirms or sends back
the applicant's revision. Members see each other's names, never each other's votes.

Every POST calls the same service as the JSON API (``api/routers/joint_review.py``), commits and
answers 303 back to the portal; a refused one shows the page again with the Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.case import run_step
from api.pages.display import STATUS_TONES, flash_of, redirect_with
from api.pages.joint_review import (
    CONCLUSIONS,
    green_view,
    inspection_rows,
    member_rows,
    opinion_document,
    panel_summary,
    returned_comment,
    revised_materials,
    specialty_text,
)
from api.pages.refusals import clear_refusal, take_refusal
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.errors import InvalidInput, InvalidTransition, NotFound
from approvals.joint_review import service as joint_review
from models import Application, Enterprise, Expert, Material, Panel, PanelMember, Role, Status, User
from models.enums import STATUS_LABELS
from models.ids import id_of

ExpertUser = Annotated[User, signed_in(Role.EXPERT)]
Text = Annotated[str, Form(max_length=8000)]


def expert_of(session: Session, user: User) -> Expert | None:
    return session.exec(select(Expert).where(Expert.user_id == user.id)).first()


def membership(
    session: Session, user: User, application_id: int
) -> tuple[Panel, PanelMember] | None:
    """The latest panel of the case this expert sits on (not declined), with its seat."""
    return session.exec(
        select(Panel, PanelMember)
        .join(PanelMember, col(PanelMember.panel_id) == col(Panel.id))
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(
            Panel.application_id == application_id,
            Expert.user_id == user.id,
            PanelMember.state == "invited",
        )
        .order_by(col(Panel.id).desc())
    ).first()


@router.get("/expert")
def portal(request: Request, user: ExpertUser, session: SessionDep) -> HTMLResponse:
    """专家工作台: this expert's assignments only, newest first."""
    rows = session.exec(
        select(Panel, PanelMember, Application)
        .join(PanelMember, col(PanelMember.panel_id) == col(Panel.id))
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .join(Application, col(Application.id) == col(Panel.application_id))
        .where(Expert.user_id == user.id, PanelMember.state == "invited")
        .order_by(col(Panel.id).desc())
    ).all()
    assignments = []
    for panel, member, application in rows:
        summary = panel_summary(panel)
        to_confirm = (
            member.chair
            and application.status is Status.REVISION_REVIEW
            and panel.status == "closed"
        )
        assignments.append(
            {
                "application_id": application.id,
                "number": application.number,
                "project_name": application.project_name,
                "item_name": item_of(session, application).name_zh,
                "panel": summary,
                "chair": member.chair,
                "submitted": member.submitted_at is not None,
                "submitted_at": member.submitted_at,
                "to_do": (summary["open"] and member.submitted_at is None) or to_confirm,
                "to_confirm": to_confirm,
                "status_label": STATUS_LABELS[application.status],
                "tone": STATUS_TONES[application.status],
            }
        )
    expert = expert_of(session, user)
    profile = (
        None
        if expert is None
        else {
            "name": expert.name,
            "title": expert.title,
            "employer": expert.employer,
            "specialties": specialty_text(expert.specialties),
            "group_no": expert.group_no,
        }
    )
    return render_page(
        request,
        "expert.html",
        {
            "assignments": assignments,
            "pending": sum(1 for a in assignments if a["to_do"]),
            "profile": profile,
            "flash": flash_of(request),
        },
    )


def case_view(
    session: Session, services: AppServices, user: User, application: Application
) -> dict[str, Any]:
    """The review page's context: the project, the materials, the meeting and this seat."""
    found = membership(session, user, id_of(application))
    if found is None:  # get_application_for let the expert in: it sits on a panel of the case
        raise NotFound(f"办件{application.id}不存在", f"application {application.id} not found")
    panel, seat = found
    item = item_of(session, application)
    enterprise = session.get(Enterprise, application.enterprise_id)
    members = member_rows(session, panel, votes=False)
    active = [m for m in members if m["active"]]
    summary = panel_summary(panel)
    materials = session.exec(
        select(Material)
        .where(Material.application_id == application.id, Material.superseded == False)  # noqa: E712
        .order_by(col(Material.id))
    ).all()
    names = {m.code: m.name for m in item.materials}
    revision_review = (
        seat.chair and application.status is Status.REVISION_REVIEW and not summary["open"]
    )
    return {
        "case": {
            "id": application.id,
            "number": application.number,
            "project_name": application.project_name,
            "item_name": item.name_zh,
            "item_code": item.code,
            "applicant_name": enterprise.name if enterprise else "",
            "site": application.site,
            "district": application.district,
            "industry_code": application.industry_code,
            "total_investment": application.total_investment,
            "env_investment": application.env_investment,
            "consultant": application.consultant,
            "description": application.description,
            "status_label": STATUS_LABELS[application.status],
            "tone": STATUS_TONES[application.status],
        },
        "materials": [
            {
                "name": names.get(m.material_code, m.material_code),
                "filename": m.filename,
                "kb": f"{m.size / 1024:.1f}",
                "uploaded_at": m.uploaded_at,
                "url": f"/api/applications/{application.id}/materials/{m.id}/file",
            }
            for m in materials
        ],
        "panel": summary,
        "needed": specialty_text(panel.needed_specialties),
        "inspections": inspection_rows(session, panel),
        "seat": {
            "chair": seat.chair,
            "submitted": seat.submitted_at is not None,
            "submitted_at": seat.submitted_at,
            "conclusion": seat.conclusion or "",
            "conclusion_label": CONCLUSIONS.get(seat.conclusion or "", ""),
            "opinion": seat.opinion,
        },
        "me": next((m for m in active if m["user_id"] == user.id), None),
        "others": [m for m in active if m["user_id"] != user.id],
        "missing": [m["name"] for m in active if not m["submitted"]],
        "conclusions": CONCLUSIONS,
        "can_submit": summary["open"],
        "can_decline": summary["open"] and seat.submitted_at is None,
        "can_close": summary["open"] and seat.chair,
        "revision_review": revision_review,
        "revised": revised_materials(session, id_of(application), panel.closed_at)
        if revision_review
        else [],
        "returned_comment": returned_comment(session, id_of(application))
        if revision_review
        else "",
        "opinion_document": opinion_document(session, application),
        "green": green_view(session, id_of(application)),
    }


def render_case_page(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    *,
    error: str = "",
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    application = get_application_for(session, user, application_id)  # another panel's: 404
    waiting = None if error or values is not None else take_refusal(request, services, user.id)
    if waiting is not None:  # a refused form, redirected here (shown once)
        error, values = waiting.error, waiting.values
    response = render_page(
        request,
        "expert_case.html",
        case_view(session, services, user, application)
        | {
            "error": error,
            "values": dict(values or {}),
            "flash": "" if error else flash_of(request),
        },
        status_code=status_code,
    )
    if waiting is not None:
        clear_refusal(response, request.url.path)
    return response


@router.get("/expert/cases/{application_id}")
def review_page(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
) -> HTMLResponse:
    return render_case_page(request, session, services, user, application_id)


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
    target: str | None = None,
) -> Response:
    done = redirect_with(target or f"/expert/cases/{application_id}", message)
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
        back=f"/expert/cases/{application_id}",
        fallback=render_case_page,
    )


def _closed_guard(session: Session, user: User, application_id: int) -> None:
    """After the chair has closed the review an opinion is refused in plain words."""
    found = membership(session, user, application_id)
    if found is not None and found[0].status != "open":
        raise InvalidTransition("会审已结束，不能再提交意见", "the meeting is closed")


@router.post("/expert/cases/{application_id}/opinion")
def submit_opinion(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
    conclusion: Annotated[str, Form(max_length=20)] = "",
    opinion: Text = "",
) -> Response:
    """A member's conclusion (通过 / 修改后通过 / 不通过) and written opinion."""
    values = {"conclusion": conclusion, "opinion": opinion}

    def step() -> object:
        get_application_for(session, user, application_id)  # another panel's case: 404
        _closed_guard(session, user, application_id)
        if not opinion.strip():
            raise InvalidInput("请填写书面评审意见", "a written opinion is required")
        return joint_review.submit_opinion(
            session, services.clock, user, application_id, conclusion=conclusion, opinion=opinion
        )

    return _act(request, session, services, user, application_id, values, step, "opinion_submitted")


@router.post("/expert/cases/{application_id}/decline")
def decline(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """无法参加（申请回避）: a replacement is drawn from the recorded seed."""

    def step() -> object:
        get_application_for(session, user, application_id)
        return joint_review.decline(session, services.clock, user, application_id)

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {},
        step,
        "expert_declined",
        target="/expert",
    )


@router.post("/expert/cases/{application_id}/close")
def close(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    """形成专家组意见 (the chair): by majority, the chair breaking ties; the opinion is issued."""

    def step() -> object:
        get_application_for(session, user, application_id)
        return joint_review.close(session, services.clock, user, application_id)

    return _act(
        request, session, services, user, application_id, {}, step, "review_closed", background
    )


@router.post("/expert/cases/{application_id}/revision/confirm")
def confirm_revision(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
) -> Response:
    """确认修改稿 (the chair): the clock runs again."""

    def step() -> object:
        get_application_for(session, user, application_id)
        joint_review.review_revision(
            session, services.clock, user, application_id, confirmed=True, comment=comment.strip()
        )
        return None

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"comment": comment},
        step,
        "revision_confirmed",
    )


@router.post("/expert/cases/{application_id}/revision/return")
def return_revision(
    application_id: Id,
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    services: ServicesDep,
    comment: Text = "",
) -> Response:
    """退回修改 (the chair), with what is still missing."""

    def step() -> object:
        get_application_for(session, user, application_id)
        if not comment.strip():
            raise InvalidInput("退回修改时请写明修改要求", "a comment is required")
        joint_review.review_revision(
            session, services.clock, user, application_id, confirmed=False, comment=comment.strip()
        )
        return None

    return _act(
        request,
        session,
        services,
        user,
        application_id,
        {"comment": comment},
        step,
        "revision_returned",
    )
