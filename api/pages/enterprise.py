"""企业账号管理: the enterprise administrator's page for its users and the agents it
authorises; an agent sees here which enterprises it may apply for. Same domain functions as
``api.routers.enterprise``."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Form, Request, Response

from api.auth import link_mail, wall_now
from api.deps import ServicesDep, SessionDep
from api.mail_relay import send_after_commit
from api.pages import router
from api.pages.display import flash_of, redirect_with
from api.pages.refusals import clear_refusal, refused_redirect, take_refusal
from api.pages.security import ApplicantUser
from api.params import Id
from api.templating import render_page
from approvals.enterprise import agents, members
from approvals.errors import InvalidInput
from models import MEMBER_KIND_LABELS, Enterprise, MemberKind

Text = Annotated[str, Form(max_length=256)]


def _page(
    request: Request, session: SessionDep, user: ApplicantUser, error: str = "", status: int = 200
) -> Response:
    admin = user.is_enterprise_admin
    return render_page(
        request,
        "enterprise.html",
        {
            "enterprise": session.get(Enterprise, user.enterprise_id),
            "is_admin": admin,
            "members": members.members_of(session, user) if admin else [],
            "authorisations": agents.granted_by(session, user) if admin else [],
            "principals": agents.principals_of(session, user),
            "kinds": MEMBER_KIND_LABELS,
            "error": error,
            "flash": flash_of(request),
        },
        status_code=status,
    )


@router.get("/enterprise")
def enterprise_page(
    request: Request, session: SessionDep, services: ServicesDep, user: ApplicantUser
) -> Response:
    waiting = take_refusal(request, services, user.id)
    response = _page(request, session, user, waiting.error if waiting else "")
    if waiting is not None:  # a refused form, redirected here: shown once
        clear_refusal(response, request.url.path)
    return response


def _refused(
    request: Request, session: SessionDep, services: ServicesDep, user: ApplicantUser, error: str
) -> Response:
    """Back to the page by a redirect (a reload never posts again), the message kept."""
    back = refused_redirect(request, services, user.id, "/enterprise", error, {})
    return back or _page(request, session, user, error, 422)


@router.post("/enterprise/members")
def invite(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    user: ApplicantUser,
    background: BackgroundTasks,
    username: Text = "",
    display_name: Text = "",
    email: Text = "",
    phone: Text = "",
    member_kind: Text = MemberKind.HANDLER.value,
) -> Response:
    try:
        kind = MemberKind(member_kind)
    except ValueError:
        kind = MemberKind.HANDLER
    try:
        members.invite_member(
            session, user, username=username, display_name=display_name, email=email,
            phone=phone, member_kind=kind, now=wall_now(), mail=link_mail(services.settings),
        )  # fmt: skip
    except InvalidInput as exc:
        session.rollback()
        return _refused(request, session, services, user, exc.message_zh)
    session.commit()
    send_after_commit(background, services, session)
    return redirect_with("/enterprise", "member_invited")


@router.post("/enterprise/members/{user_id}/{change}")
def change_member(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    user: ApplicantUser,
    user_id: Id,
    change: str,
) -> Response:
    if change not in ("disable", "enable"):
        return _page(request, session, user, "不支持的操作", 404)
    try:
        members.set_active(session, user, user_id, change == "enable", wall_now())
    except InvalidInput as exc:
        session.rollback()
        return _refused(request, session, services, user, exc.message_zh)
    session.commit()
    return redirect_with("/enterprise", f"member_{change}d")


@router.post("/enterprise/agents")
def grant(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    user: ApplicantUser,
    agent_uscc: Text = "",
) -> Response:
    try:
        agents.grant(session, user, agent_uscc, wall_now())
    except InvalidInput as exc:
        session.rollback()
        return _refused(request, session, services, user, exc.message_zh)
    session.commit()
    return redirect_with("/enterprise", "agent_authorised")


@router.post("/enterprise/agents/{authorisation_id}/revoke")
def revoke(session: SessionDep, user: ApplicantUser, authorisation_id: Id) -> Response:
    agents.revoke(session, user, authorisation_id, wall_now())
    session.commit()
    return redirect_with("/enterprise", "agent_revoked")
