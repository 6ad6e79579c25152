"""Reference data an integrator needs to fill a form and drive a case: districts, industry codes,
the fast track's scope and parks, each item's materials, the statuses (which ones run by
themselves) and the actions with the endpoint that takes each. Public and read-only; only what
an applicant may read (no research notes, evidence markers, sources or hand-drawn boundaries).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ServicesDep, SessionDep
from api.routers.guide import GuideMaterial, guide_of
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.catalogue.industry import industry_reference
from approvals.catalogue.process.standard import (
    ACTION_LABELS,
    AUTOMATED,
    FINAL,
    HUMAN_STEP,
    TRANSITIONS,
    Action,
    Transition,
)
from approvals.commitment.reference_data import current_parks, current_scope
from models.enums import DOCUMENT_LABELS, STATUS_LABELS, DocumentKind, Role, Status

router = APIRouter(prefix="/api/reference", tags=["公共 public"])

CASE = "/api/applications/{application_id}"
# The endpoint that takes each action a person takes (the system's own actions have none).
ACTION_ENDPOINTS: dict[Action, str] = {
    Action.SUBMIT: f"{CASE}/submit",
    Action.WITHDRAW: f"{CASE}/withdraw",
    Action.RESUBMIT: f"{CASE}/submit",
    Action.FILE: f"{CASE}/submit",
    Action.ACCEPT: f"{CASE}/accept",
    Action.ACCEPT_SERVICE: f"{CASE}/accept",
    Action.REQUEST_CORRECTION: f"{CASE}/correction",
    Action.REFUSE: f"{CASE}/refuse",
    Action.DRAFT: f"{CASE}/decision",
    Action.RETURN_DRAFT: f"{CASE}/review/return",
    Action.APPROVE_DRAFT: f"{CASE}/review/approve",
    Action.SIGN: f"{CASE}/sign",
    Action.RETURN_FROM_SIGNING: f"{CASE}/sign/return",
    Action.ANSWER: f"{CASE}/answer",
    Action.CHECK_CONFORMS: f"{CASE}/post-check",
    Action.CHECK_FAILS: f"{CASE}/post-check",
    Action.START_JOINT_REVIEW: f"{CASE}/joint-review",
    Action.CLOSE_REVIEW_PASS: f"{CASE}/joint-review/close",
    Action.CLOSE_REVIEW_REVISE: f"{CASE}/joint-review/close",
    Action.SUBMIT_REVISION: f"{CASE}/revision/submit",
    Action.CONFIRM_REVISION: f"{CASE}/revision/review",
    Action.REJECT_REVISION: f"{CASE}/revision/review",
}


class District(BaseModel):
    name: str


class IndustryGroup(BaseModel):
    code: str
    name: str


class IndustryDivision(BaseModel):
    """A GB/T 4754-2017 大类 and its 中类; a 4-digit 小类 starts with its 中类 code."""

    code: str
    name: str
    section: str
    section_name: str
    groups: list[IndustryGroup]


class ScopeTypePublic(BaseModel):
    code: str = Field(description="小类编码，如 36-1")
    minglu_item: int = Field(description="《建设项目环境影响评价分类管理名录》二级类别序号")
    name: str
    gb_codes: list[str] = Field(description="所含国民经济行业代码（中类或小类）")
    suspended: str = Field("", description="暂停适用的原因；为空表示正在适用")


class ScopeCategoryPublic(BaseModel):
    code: str
    name: str
    types: list[ScopeTypePublic]


class CommitmentScopePublic(BaseModel):
    version: int
    categories: list[ScopeCategoryPublic]


class ParkPublic(BaseModel):
    name: str
    aliases: list[str]
    kind: str = Field(description="free_trade_zone（自贸区片区）或 development_zone")
    level: str = Field(description="国家级、省级或市级")
    districts: list[str]
    plan_eia: str = Field(description="可告知的规划环评审查情况（空：由窗口核实）")


class StatusInfo(BaseModel):
    status: Status
    label: str
    automated: bool = Field(description="自动流程推进（无须人工操作），请通过事件流跟踪")
    final: bool
    next_role: Role | None = Field(description="下一步由哪个角色办理（自动或已办结为空）")


class ActionInfo(BaseModel):
    action: Action
    label: str
    role: Role | None = Field(description="执行的角色；为空表示由系统自动执行")
    method: str | None
    path: str | None = Field(description="执行该动作的接口（系统动作为空）")
    process_kinds: list[str]
    from_statuses: list[Status]
    to_status: Status
    issues: str | None = Field(description="该动作制发的文书")


@router.get("/districts", response_model=list[District], summary="辖区（县、市、开发区）")
def districts() -> list[District]:
    return [District(name=name) for name in ZHENGZHOU_DISTRICTS]


@router.get(
    "/industries", response_model=list[IndustryDivision], summary="国民经济行业分类（大类、中类）"
)
def industries() -> list[IndustryDivision]:
    reference = industry_reference()
    return [
        IndustryDivision(
            code=code,
            name=name,
            section=section,
            section_name=reference.sections[section],
            groups=[
                IndustryGroup(code=group, name=group_name)
                for group, group_name in sorted(reference.groups.items())
                if group.startswith(code)
            ],
        )
        for code, (name, section) in sorted(reference.divisions.items())
    ]


@router.get(
    "/commitment-scope",
    response_model=CommitmentScopePublic,
    summary="告知承诺制适用的项目类型（大类、小类）",
)
def commitment_scope(session: SessionDep) -> CommitmentScopePublic:
    scope = current_scope(session)
    return CommitmentScopePublic(
        version=scope.version,
        categories=[
            ScopeCategoryPublic(
                code=category.code,
                name=category.name_zh,
                types=[
                    ScopeTypePublic(
                        code=t.code,
                        minglu_item=t.minglu_item,
                        name=t.name_zh,
                        gb_codes=list(t.gb_codes),
                        suspended=t.suspended,
                    )
                    for t in category.types
                ],
            )
            for category in scope.categories
        ],
    )


@router.get("/parks", response_model=list[ParkPublic], summary="告知承诺制适用的园区")
def parks(session: SessionDep) -> list[ParkPublic]:
    return [
        ParkPublic(
            name=park.name,
            aliases=list(park.aliases),
            kind=park.kind.value,
            level=park.level.value,
            districts=list(park.districts),
            plan_eia=park.plan_eia.label(),
        )
        for park in current_parks(session).parks
    ]


@router.get(
    "/items/{code}/materials",
    response_model=list[GuideMaterial],
    summary="事项的申请材料（material_code 用于上传接口）",
)
def item_materials(code: str, services: ServicesDep) -> list[GuideMaterial]:
    """An unknown item code answers 404."""
    return guide_of(services.catalogue.get(code)).materials


@router.get(
    "/statuses",
    response_model=list[StatusInfo],
    summary="办件状态；automated 的状态由自动流程推进",
)
def statuses() -> list[StatusInfo]:
    return [
        StatusInfo(
            status=status,
            label=STATUS_LABELS[status],
            automated=status in AUTOMATED,
            final=status in FINAL,
            next_role=HUMAN_STEP.get(status),
        )
        for status in Status
    ]


@router.get(
    "/actions",
    response_model=list[ActionInfo],
    summary="办件动作及其接口（办件的 actions 字段列出当前可执行的动作）",
)
def actions() -> list[ActionInfo]:
    by_action: dict[Action, list[Transition]] = {}
    for t in TRANSITIONS:
        by_action.setdefault(t.action, []).append(t)
    seen: set[Action] = set()
    rows: list[ActionInfo] = []
    for t in TRANSITIONS:
        if t.action in seen:
            continue
        seen.add(t.action)
        path = ACTION_ENDPOINTS.get(t.action) if t.role is not None else None
        same = by_action[t.action]
        # one document for every kind the action applies to (签发 issues a different one by kind)
        issued = {s.issues for s in same}
        issues = issued.pop() if len(issued) == 1 else None
        rows.append(
            ActionInfo(
                action=t.action,
                label=ACTION_LABELS[t.action],
                role=t.role,
                method="POST" if path else None,
                path=path,
                process_kinds=sorted({k.value for s in same for k in s.kinds}),
                from_statuses=list(dict.fromkeys(s.source for s in same)),
                to_status=t.target,
                issues=DOCUMENT_LABELS[issues] if isinstance(issues, DocumentKind) else None,
            )
        )
    return rows
