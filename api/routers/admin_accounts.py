"""Administration over JSON (admin role): staff accounts and roles, the expert pool. The same
functions as the /admin pages (``approvals.administration``), each change audited there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field

from api.auth import link_mail
from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.mail_relay import send_after_commit
from api.params import Id
from approvals.administration import experts, staff
from approvals.clock import to_utc
from models import Expert, Role, User

router = APIRouter(
    prefix="/api/admin", tags=["管理 admin"], dependencies=[require_roles(Role.ADMIN)]
)
Text = Annotated[str, Field(max_length=254)]


class StaffPublic(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    is_active: bool


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Text
    display_name: Text
    email: Text
    role: Text


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Text


class ActiveChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool


class ExpertPublic(BaseModel):
    id: int
    name: str
    title: str
    employer: str
    specialties: list[str]
    group_no: int
    available: bool
    retired: bool


class ExpertCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Text
    name: Text
    title: Text
    employer: Text
    email: Text
    specialties: list[Text] = Field(max_length=9)
    group_no: int = Field(ge=1, le=8)


class AvailabilityChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    available: bool


class SpecialtiesChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    specialties: list[Text] = Field(max_length=9)


def _staff(user: User) -> StaffPublic:
    return StaffPublic(
        id=user.id or 0, username=user.username, display_name=user.display_name,
        email=user.email, role=user.role.value, is_active=user.is_active,
    )  # fmt: skip


def _expert(expert: Expert, user: User | None) -> ExpertPublic:
    return ExpertPublic(
        id=expert.id or 0, name=expert.name, title=expert.title, employer=expert.employer,
        specialties=list(expert.specialties), group_no=expert.group_no,
        available=expert.available, retired=experts.is_retired(user),
    )  # fmt: skip


@router.get("/users", summary="工作人员账号 / staff accounts")
def list_staff(user: CurrentUser, session: SessionDep) -> list[StaffPublic]:
    return [_staff(u) for u in staff.list_staff(session, user)]


@router.post("/users", status_code=201, summary="开通工作人员账号 / open a staff account")
def create_staff(
    body: StaffCreate, user: CurrentUser, session: SessionDep, services: ServicesDep,
    background: BackgroundTasks,
) -> StaffPublic:  # fmt: skip
    """The holder is mailed a link to set the password (7 days)."""
    created = staff.create_staff(
        session, user, username=body.username, display_name=body.display_name,
        email=body.email, role=body.role, now=to_utc(services.clock.now()),
        mail=link_mail(services.settings),
    )  # fmt: skip
    session.commit()
    send_after_commit(background, services, session)
    return _staff(created)


@router.put("/users/{user_id}/role", summary="调整角色 / change the role")
def change_role(
    user_id: Id, body: RoleChange, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> StaffPublic:
    changed = staff.change_role(session, user, user_id, body.role, to_utc(services.clock.now()))
    session.commit()
    return _staff(changed)


@router.put("/users/{user_id}/active", summary="停用或启用 / disable or enable")
def set_active(
    user_id: Id, body: ActiveChange, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> StaffPublic:
    now = to_utc(services.clock.now())
    changed = staff.set_active(session, user, user_id, body.active, now)
    session.commit()
    return _staff(changed)


@router.get("/experts", summary="评审专家库 / the expert pool")
def list_experts(user: CurrentUser, session: SessionDep) -> list[ExpertPublic]:
    return [_expert(e, u) for e, u in experts.list_experts(session, user)]


@router.post("/experts", status_code=201, summary="新增专家 / add an expert")
def add_expert(
    body: ExpertCreate, user: CurrentUser, session: SessionDep, services: ServicesDep,
    background: BackgroundTasks,
) -> ExpertPublic:  # fmt: skip
    expert = experts.add_expert(
        session, user, username=body.username, name=body.name, title=body.title,
        employer=body.employer, email=body.email, specialties=body.specialties,
        group_no=body.group_no, now=to_utc(services.clock.now()),
        mail=link_mail(services.settings),
    )  # fmt: skip
    session.commit()
    send_after_commit(background, services, session)
    return _expert(expert, None)


@router.put("/experts/{expert_id}/availability", summary="可否抽取 / availability")
def set_availability(
    expert_id: Id, body: AvailabilityChange, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ExpertPublic:  # fmt: skip
    now = to_utc(services.clock.now())
    expert = experts.set_available(session, user, expert_id, body.available, now)
    session.commit()
    return _expert(expert, session.get(User, expert.user_id) if expert.user_id else None)


@router.put("/experts/{expert_id}/specialties", summary="专业领域 / specialties")
def set_specialties(
    expert_id: Id, body: SpecialtiesChange, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ExpertPublic:  # fmt: skip
    now = to_utc(services.clock.now())
    expert = experts.set_specialties(session, user, expert_id, body.specialties, now)
    session.commit()
    return _expert(expert, session.get(User, expert.user_id) if expert.user_id else None)


@router.post("/experts/{expert_id}/retire", summary="退出专家库 / retire")
def retire(
    expert_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ExpertPublic:
    expert = experts.retire(session, user, expert_id, to_utc(services.clock.now()))
    session.commit()
    return _expert(expert, session.get(User, expert.user_id) if expert.user_id else None)
