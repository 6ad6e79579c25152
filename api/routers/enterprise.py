"""An enterprise's own accounts: its users (invite, list, disable, enable) and the agents it
authorises (代理机构), managed by its account administrator; an agent lists the enterprises
it may apply for (``on_behalf_of`` in ``POST /api/applications``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import link_mail, wall_now
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.mail_relay import send_after_commit
from api.params import Id
from approvals.enterprise import agents, members
from models import AgentAuthorisation, Enterprise, MemberKind, User
from models.ids import id_of

router = APIRouter(prefix="/api/enterprise", tags=["申请人 applicant"])


class MemberInvite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(max_length=64)]
    display_name: Annotated[str, Field(max_length=100)]
    email: Annotated[str, Field(max_length=254)]
    phone: Annotated[str, Field(max_length=30)]
    member_kind: MemberKind = MemberKind.HANDLER


class MemberPublic(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    member_kind: MemberKind | None
    is_enterprise_admin: bool
    is_active: bool
    email_verified: bool


class AgentGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_uscc: Annotated[str, Field(max_length=30, description="代理机构的统一社会信用代码")]


class AuthorisationPublic(BaseModel):
    id: int
    agent_enterprise_id: int
    agent_name: str
    agent_uscc: str
    granted_at: datetime
    revoked_at: datetime | None


class PrincipalPublic(BaseModel):
    id: int
    name: str
    uscc: str


def member_public(user: User) -> MemberPublic:
    assert user.id is not None
    return MemberPublic(
        id=user.id, username=user.username, display_name=user.display_name, email=user.email,
        phone=user.phone, member_kind=user.member_kind,
        is_enterprise_admin=user.is_enterprise_admin, is_active=user.is_active,
        email_verified=user.email_verified,
    )  # fmt: skip


@router.get("/members", response_model=list[MemberPublic], summary="本企业用户")
def list_members(user: CurrentUser, session: SessionDep) -> list[MemberPublic]:
    return [member_public(u) for u in members.members_of(session, user)]


@router.post(
    "/members",
    response_model=MemberPublic,
    status_code=status.HTTP_201_CREATED,
    summary="邀请本企业用户（邮件链接设置密码）",
)
def invite(
    body: MemberInvite,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> MemberPublic:
    invited = members.invite_member(
        session, user, **body.model_dump(), now=wall_now(), mail=link_mail(services.settings)
    )
    session.commit()
    send_after_commit(background, services, session)
    return member_public(invited)


@router.post("/members/{user_id}/disable", response_model=MemberPublic, summary="停用本企业用户")
def disable(user_id: Id, user: CurrentUser, session: SessionDep) -> MemberPublic:
    changed = members.set_active(session, user, user_id, False, wall_now())
    session.commit()
    return member_public(changed)


@router.post("/members/{user_id}/enable", response_model=MemberPublic, summary="启用本企业用户")
def enable(user_id: Id, user: CurrentUser, session: SessionDep) -> MemberPublic:
    changed = members.set_active(session, user, user_id, True, wall_now())
    session.commit()
    return member_public(changed)


def authorisation_public(row: AgentAuthorisation, agent: Enterprise) -> AuthorisationPublic:
    assert row.id is not None and agent.id is not None
    return AuthorisationPublic(
        id=row.id, agent_enterprise_id=agent.id, agent_name=agent.name, agent_uscc=agent.uscc,
        granted_at=row.granted_at, revoked_at=row.revoked_at,
    )  # fmt: skip


@router.get("/agents", response_model=list[AuthorisationPublic], summary="本企业授权的代理机构")
def list_agents(user: CurrentUser, session: SessionDep) -> list[AuthorisationPublic]:
    return [authorisation_public(row, agent) for row, agent in agents.granted_by(session, user)]


@router.post(
    "/agents",
    response_model=AuthorisationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="授权代理机构代为申请",
)
def grant(body: AgentGrant, user: CurrentUser, session: SessionDep) -> AuthorisationPublic:
    row = agents.grant(session, user, body.agent_uscc, wall_now())
    session.commit()
    agent = session.get(Enterprise, row.agent_enterprise_id)
    assert agent is not None
    return authorisation_public(row, agent)


@router.post(
    "/agents/{authorisation_id}/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤销代理授权",
)
def revoke(authorisation_id: Id, user: CurrentUser, session: SessionDep) -> None:
    agents.revoke(session, user, authorisation_id, wall_now())
    session.commit()


@router.get(
    "/principals",
    response_model=list[PrincipalPublic],
    summary="本机构可代为申请的企业（已授权）",
)
def principals(user: CurrentUser, session: SessionDep) -> list[PrincipalPublic]:
    return [
        PrincipalPublic(id=id_of(e), name=e.name, uscc=e.uscc)
        for e in agents.principals_of(session, user)
    ]
