"""Agents (代理机构): a registered enterprise applies for another only under that enterprise's
recorded authorisation, granted and revoked by its account administrator. A case filed by an
agent records both (``Application.enterprise_id`` and ``agent_enterprise_id``); the agent
sees and acts on it only while the authorisation is open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, exists
from sqlmodel import Session, col, select

from approvals import audit
from approvals.enterprise import fields
from approvals.enterprise.members import require_admin
from approvals.errors import InvalidInput, NotFound, PermissionDenied
from models import AgentAuthorisation, Application, Enterprise, User
from models.ids import id_of


def _open() -> ColumnElement[bool]:
    return col(AgentAuthorisation.revoked_at).is_(None)


def grant(session: Session, actor: User, agent_uscc: str, now: datetime) -> AgentAuthorisation:
    """Authorise the enterprise with ``agent_uscc`` to apply for the actor's enterprise."""
    enterprise_id = require_admin(actor)
    uscc = fields.uscc(agent_uscc)
    agent = session.exec(select(Enterprise).where(Enterprise.uscc == uscc)).first()
    if agent is None:
        raise InvalidInput(
            "该统一社会信用代码尚未在本系统注册企业账号，代理机构须先注册",
            "no registered enterprise has this code",
            field="agent_uscc",
        )
    if agent.id == enterprise_id:
        raise InvalidInput("不能授权本企业自己", "an enterprise cannot authorise itself")
    if acts_for(session, id_of(agent), enterprise_id):
        raise InvalidInput("已授权该代理机构，无需重复授权", "already authorised")
    row = AgentAuthorisation(
        enterprise_id=enterprise_id,
        agent_enterprise_id=id_of(agent),
        granted_by=id_of(actor),
        granted_at=now,
    )
    session.add(row)
    session.flush()
    audit.record_by(
        session, actor, now, "agent_authorised", f"授权代理机构 {agent.name}（{uscc}）代为申请"
    )
    return row


def revoke(session: Session, actor: User, authorisation_id: int, now: datetime) -> None:
    enterprise_id = require_admin(actor)
    row = session.get(AgentAuthorisation, authorisation_id)
    if row is None or row.enterprise_id != enterprise_id or row.revoked_at is not None:
        raise NotFound("没有该项有效授权", "no such open authorisation")
    row.revoked_at, row.revoked_by = now, actor.id
    session.add(row)
    agent = session.get(Enterprise, row.agent_enterprise_id)
    name = agent.name if agent else str(row.agent_enterprise_id)
    audit.record_by(
        session, actor, now, "agent_authorisation_revoked", f"撤销代理机构 {name} 的代为申请授权"
    )


def granted_by(session: Session, actor: User) -> list[tuple[AgentAuthorisation, Enterprise]]:
    """The actor's enterprise's authorisations (open and revoked), newest first."""
    enterprise_id = require_admin(actor)
    query = (
        select(AgentAuthorisation, Enterprise)
        .join(Enterprise, col(Enterprise.id) == col(AgentAuthorisation.agent_enterprise_id))
        .where(AgentAuthorisation.enterprise_id == enterprise_id)
        .order_by(col(AgentAuthorisation.id).desc())
    )
    return [(row, agent) for row, agent in session.exec(query)]


def principals_of(session: Session, actor: User) -> list[Enterprise]:
    """The enterprises the actor's enterprise may currently apply for."""
    if not actor.enterprise_id:
        return []
    query = (
        select(Enterprise)
        .join(AgentAuthorisation, col(AgentAuthorisation.enterprise_id) == col(Enterprise.id))
        .where(AgentAuthorisation.agent_enterprise_id == actor.enterprise_id, _open())
        .order_by(col(Enterprise.name))
    )
    return list(session.exec(query))


def acts_for(session: Session, agent_enterprise_id: int | None, enterprise_id: int) -> bool:
    if agent_enterprise_id is None:
        return False
    query = select(AgentAuthorisation.id).where(
        AgentAuthorisation.agent_enterprise_id == agent_enterprise_id,
        AgentAuthorisation.enterprise_id == enterprise_id,
        _open(),
    )
    return session.exec(query).first() is not None


# The applicant's own enterprise, by a statement built once (cheaper than ``session.get``'s
# per-call statement when the row is not in the session yet, as at a draft's creation).
_ENTERPRISE = select(Enterprise).where(col(Enterprise.id) == bindparam("enterprise_id"))


def applying_for(
    session: Session, actor: User, on_behalf_of: int | None
) -> tuple[Enterprise, int | None]:
    """(the enterprise a new case is for, the agent enterprise or None): the actor's own
    enterprise, or one that has authorised it."""
    if actor.enterprise_id is None:
        raise PermissionDenied("申请人账号未关联企业", "the applicant account has no enterprise")
    if on_behalf_of is None or on_behalf_of == actor.enterprise_id:
        own = session.exec(_ENTERPRISE, params={"enterprise_id": actor.enterprise_id}).first()
        if own is None:
            raise PermissionDenied(
                "申请人账号未关联企业", "the applicant account has no enterprise"
            )
        return own, None
    principal = session.get(Enterprise, on_behalf_of)
    if principal is None or not acts_for(session, actor.enterprise_id, on_behalf_of):
        raise PermissionDenied(
            "未取得该企业的代为申请授权（须由该企业账号管理员在“企业账号管理”中授权）",
            "no open authorisation from this enterprise",
        )
    return principal, actor.enterprise_id


def visible_as_agent(actor: User) -> ColumnElement[bool]:
    """A condition on Application: cases the actor's enterprise filed as an agent and may
    still follow (the authorisation is open)."""
    return and_(
        col(Application.agent_enterprise_id) == actor.enterprise_id,
        exists().where(
            col(AgentAuthorisation.agent_enterprise_id) == col(Application.agent_enterprise_id),
            col(AgentAuthorisation.enterprise_id) == col(Application.enterprise_id),
            _open(),
        ),
    )
