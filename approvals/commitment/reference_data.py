"""The fast track's parks and scope as the administrator keeps them, audited and versioned.

The packaged files (``approvals/reference/parks.yaml``, ``commitment_scope.yaml``) are version
one of the history; each change the administrator saves — a park's plan-EIA review recorded, a
park added or retired, a scope type suspended or resumed — is a new, whole, validated version in
``reference_version``, and the newest is what ``current_parks`` / ``current_scope`` give the
eligibility check in every process (one indexed query and a validation of about a millisecond).
A change is refused with a reason the administrator can act on; two administrators saving at
once cannot both make the same version (the unique key refuses the second).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from approvals.admin_guard import record, require_admin
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.catalogue.schema import Evidence
from approvals.commitment.scope import (
    CommitmentScope,
    Park,
    ParkKind,
    ParkLevel,
    ParkList,
    PlanEia,
    PlanEiaStatus,
    ScopeType,
    shared_parks,
    shared_scope,
)
from approvals.errors import ConcurrentUpdate, InvalidInput, InvalidTransition, NotFound
from models import ReferenceKind, ReferenceVersion, User

Document = TypeVar("Document", CommitmentScope, ParkList)

PLAN_EIA_LABELS = {
    PlanEiaStatus.PASSED: "已通过审查",
    PlanEiaStatus.UNDER_REVIEW: "审查中",
    PlanEiaStatus.NOT_PASSED: "未通过或尚未开展",
    PlanEiaStatus.UNKNOWN: "审查情况未能核实",
}
MAX_REASON = 500


def _newest(session: Session, kind: ReferenceKind) -> ReferenceVersion | None:
    query = select(ReferenceVersion).where(ReferenceVersion.kind == kind)
    return session.exec(query.order_by(col(ReferenceVersion.version).desc()).limit(1)).first()


def _current(
    session: Session, kind: ReferenceKind, model: type[Document], packaged: Callable[[], Document]
) -> Document:
    row = _newest(session, kind)
    return packaged() if row is None else model.model_validate(row.document)


def current_parks(session: Session) -> ParkList:
    """The eligible parks in force: the administrator's newest version, else the file."""
    return _current(session, ReferenceKind.PARKS, ParkList, shared_parks)


def current_scope(session: Session) -> CommitmentScope:
    """The fast track's scope in force: the administrator's newest version, else the file."""
    return _current(session, ReferenceKind.SCOPE, CommitmentScope, shared_scope)


@dataclass(frozen=True)
class Change:
    version: int
    change: str
    reason: str
    changed_by: str
    changed_at: dt.datetime


def history(session: Session, kind: ReferenceKind) -> list[Change]:
    """Every saved version of ``kind``, newest first, with who changed what and why."""
    query = (
        select(ReferenceVersion, User)
        .join(User, col(User.id) == col(ReferenceVersion.changed_by))
        .where(ReferenceVersion.kind == kind)
        .order_by(col(ReferenceVersion.version).desc())
    )
    return [
        Change(row.version, row.change, row.reason, user.display_name, row.changed_at)
        for row, user in session.exec(query)
    ]


def _save(
    session: Session,
    actor: User,
    kind: ReferenceKind,
    document: Document,
    change: str,
    reason: str,
    now: dt.datetime,
) -> Document:
    """Validate the whole new document, store it as the next version, audit it."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写变更依据（如审查意见文号、通知文件）", "a reason is required")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"变更依据不能超过{MAX_REASON}字", "reason too long")
    data: dict[str, Any] = document.model_dump(mode="json")
    data["version"] = document.version + 1
    try:
        saved = type(document).model_validate(data)
    except ValidationError as exc:  # the forms check first: this is a data inconsistency
        raise InvalidInput("修改后的数据未通过校验，未保存", str(exc)) from exc
    row = ReferenceVersion(
        kind=kind,
        version=saved.version,
        document=saved.model_dump(mode="json"),
        change=change[:300],
        reason=reason,
        changed_by=actor.id or 0,
        changed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise ConcurrentUpdate(
            "名录已被他人修改，请刷新页面后重新操作", f"{kind.value} version taken"
        ) from exc
    label = "告知承诺制适用园区名录" if kind is ReferenceKind.PARKS else "告知承诺制适用范围"
    record(session, actor, now, "reference_changed",
           f"{label}第{saved.version}版：{change}（依据：{reason}）")  # fmt: skip
    return saved


def _park(parks: ParkList, name: str) -> Park:
    park = parks.find(name)
    if park is None:
        raise NotFound(f"园区“{name}”不在名录中", f"park {name!r} not listed")
    return park


def _replace_park(parks: ParkList, old: Park, new: Park | None) -> ParkList:
    kept = [new if p is old else p for p in parks.parks]
    return parks.model_copy(update={"parks": tuple(p for p in kept if p is not None)})


def record_plan_eia(
    session: Session,
    actor: User,
    park_name: str,
    *,
    status: PlanEiaStatus,
    review_date: dt.date | None,
    reviewer: str,
    source: str,
    reason: str,
    now: dt.datetime,
) -> ParkList:
    """Record a park's plan-EIA review as the administrator verified it (evidence: found)."""
    require_admin(actor)
    if status is PlanEiaStatus.PASSED and review_date is None:
        raise InvalidInput("规划环评已通过审查的，请填写审查意见日期", "passed needs a date")
    if review_date is not None and review_date > now.date():
        raise InvalidInput("审查日期不能晚于今天", "review date in the future")
    if status is not PlanEiaStatus.UNKNOWN and not source.strip():
        raise InvalidInput("请填写审查意见文号或公开来源", "a source is required")
    parks = current_parks(session)
    park = _park(parks, park_name)
    plan_eia = PlanEia(
        status=status,
        date=review_date,
        reviewer=reviewer.strip(),
        evidence=Evidence.FOUND if status is not PlanEiaStatus.UNKNOWN else Evidence.INFERRED,
        source=source.strip(),
    )
    updated = _replace_park(parks, park, park.model_copy(update={"plan_eia": plan_eia}))
    on = f"（{review_date.isoformat()}）" if review_date else ""
    change = f"{park.name}规划环评：{PLAN_EIA_LABELS[status]}{on}"
    return _save(
        session, actor, ReferenceKind.PARKS, updated, change=change, reason=reason, now=now
    )


def add_park(
    session: Session,
    actor: User,
    *,
    name: str,
    aliases: list[str],
    level: ParkLevel,
    districts: list[str],
    reason: str,
    now: dt.datetime,
) -> ParkList:
    """Add a 市级以上 park to the list; its plan EIA starts as 未能核实 until recorded, and it
    has no boundary (a site in it is taken as declared until one is surveyed)."""
    require_admin(actor)
    name, aliases = name.strip(), [a.strip() for a in aliases if a.strip()]
    if not name or len(name) > 60:
        raise InvalidInput("请填写园区名称（60字以内）", "park name required")
    unknown = [d for d in districts if d not in ZHENGZHOU_DISTRICTS]
    if not districts or unknown:
        raise InvalidInput("请选择园区所在的区县（郑州市辖区县）", f"districts {unknown}")
    parks = current_parks(session)
    taken = [n for n in (name, *aliases) if parks.find(n) is not None]
    if taken:
        raise InvalidInput(f"园区名称“{taken[0]}”已在名录中", "park name taken")
    park = Park(
        name=name,
        aliases=tuple(aliases),
        kind=ParkKind.DEVELOPMENT_ZONE,
        level=level,
        districts=tuple(districts),
        evidence=Evidence.FOUND,
        plan_eia=PlanEia(status=PlanEiaStatus.UNKNOWN, evidence=Evidence.INFERRED),
    )
    updated = parks.model_copy(update={"parks": (*parks.parks, park)})
    change = f"新增园区{name}（{level.value}，{'、'.join(districts)}）"
    return _save(
        session, actor, ReferenceKind.PARKS, updated, change=change, reason=reason, now=now
    )


def retire_park(
    session: Session, actor: User, park_name: str, *, reason: str, now: dt.datetime
) -> ParkList:
    """Take a park off the list (a project there is no longer eligible); the last cannot go."""
    require_admin(actor)
    parks = current_parks(session)
    park = _park(parks, park_name)
    if len(parks.parks) == 1:
        raise InvalidInput("名录中至少保留一个园区", "the last park cannot be removed")
    updated = _replace_park(parks, park, None)
    change = f"移出园区{park.name}"
    return _save(
        session, actor, ReferenceKind.PARKS, updated, change=change, reason=reason, now=now
    )


def _scope_type(scope: CommitmentScope, code: str) -> ScopeType:
    found = next((t for t in scope.types() if t.code == code), None)
    if found is None:
        raise NotFound(f"告知承诺制范围中没有小类“{code}”", f"scope type {code!r}")
    return found


def set_type_suspended(
    session: Session,
    actor: User,
    type_code: str,
    *,
    suspended: bool,
    reason: str,
    now: dt.datetime,
) -> CommitmentScope:
    """Suspend (暂停适用) or resume one of the 27 types; a suspended type's projects are told
    why and go the standard way."""
    require_admin(actor)
    scope = current_scope(session)
    scope_type = _scope_type(scope, type_code)
    if bool(scope_type.suspended) == suspended:
        state = "已暂停适用" if suspended else "正在适用"
        raise InvalidTransition(f"小类{type_code}{state}，无需重复操作", "no change")
    changed = scope_type.model_copy(update={"suspended": reason.strip() if suspended else ""})
    categories = tuple(
        c.model_copy(update={"types": tuple(changed if t is scope_type else t for t in c.types)})
        for c in scope.categories
    )
    updated = scope.model_copy(update={"categories": categories})
    verb = "暂停适用" if suspended else "恢复适用"
    change = f"{verb}小类{type_code} {scope_type.name_zh}"
    return _save(
        session, actor, ReferenceKind.SCOPE, updated, change=change, reason=reason, now=now
    )
