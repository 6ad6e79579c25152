"""The applicant's side of 容缺受理: what it may declare, signing the commitment, and supplying
the owed materials after acceptance. Services flush; callers commit."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.attach import attach_material
from approvals.catalogue import DayUnit, Item
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, PermissionDenied
from approvals.timekeeping.case_clock import refresh_cached
from approvals.timekeeping.schedule import shared_calendar
from approvals.tolerance import credit_list
from approvals.tolerance.rules import OVERDUE_LABELS, ItemRule, load_rules
from approvals.uploads import CheckedUpload
from models import Application, ClockPause, Enterprise, Material, Role, Status, User
from models.ids import id_of
from models.tolerance import (
    TOLERANCE_STATE_LABELS,
    OwedMaterial,
    ToleranceCommitment,
    ToleranceDeclare,
    ToleranceOption,
    ToleranceState,
)

DECLARABLE = frozenset({Status.DRAFT, Status.CORRECTION})
BEFORE_ACCEPTANCE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.CORRECTION})
BAD_CREDIT = "你单位在失信名单上，不适用容缺受理，请按一般程序提交全部材料"


def find(session: Session, application_id: int) -> ToleranceCommitment | None:
    query = select(ToleranceCommitment).where(ToleranceCommitment.application_id == application_id)
    return session.exec(query).first()


def latest_supply_by(item: Item, today: date) -> date:
    """The promised limit (else the statutory one) counted from ``today``."""
    limit = item.promised if item.promised.days else item.statutory
    days, unit = (limit.days, limit.unit) if limit.days else (15, DayUnit.WORKING)
    return shared_calendar().due(today, days, unit).day


def present_codes(session: Session, application_id: int) -> dict[str, int]:
    query = select(Material.material_code, Material.id).where(
        Material.application_id == application_id,
        Material.superseded == False,  # noqa: E712
    )
    return {code: int(mid) for code, mid in session.exec(query) if mid is not None}


def owed_materials(
    session: Session, item: Item, application_id: int, codes: list[str] | tuple[str, ...]
) -> list[OwedMaterial]:
    present = present_codes(session, application_id)
    names = {m.code: m.name for m in item.materials}
    return [
        OwedMaterial(
            code=c, name=names.get(c, c), supplied=c in present, material_id=present.get(c)
        )
        for c in codes
    ]


def option(
    session: Session, clock: Clock, actor: User, application: Application
) -> ToleranceOption:
    """What the applicant may declare now (never the rule's sources: see api presenters)."""
    item = item_of(session, application)
    rule = load_rules().for_item(item.code)
    today = local_date(clock.now())
    if rule is None:
        return ToleranceOption(allowed=False, reason="本事项不适用容缺受理", materials=[])
    materials = owed_materials(session, item, id_of(application), rule.materials)
    reason = ""
    if application.status not in DECLARABLE:
        reason = "只有草稿或待补正的申请可以签署容缺受理承诺"
    elif enterprise_listed(session, application):
        reason = BAD_CREDIT
    return ToleranceOption(
        allowed=not reason,
        reason=reason,
        materials=materials,
        latest_supply_by=latest_supply_by(item, today),
        overdue_rule_label=OVERDUE_LABELS[rule.overdue],
    )


def enterprise_listed(session: Session, application: Application) -> bool:
    enterprise = session.get(Enterprise, application.enterprise_id)
    return enterprise is not None and credit_list.is_listed(session, enterprise)


def commitment_text(
    application: Application, item: Item, rule: ItemRule, codes: list[str], supply_by: date,
    enterprise_name: str,
) -> str:  # fmt: skip
    names = {m.code: m.name for m in item.materials}
    listed = "；".join(f"{i}. {names[c]}" for i, c in enumerate(codes, start=1))
    return (
        f"容缺受理承诺书\n本单位（{enterprise_name}）申请办理“{item.name_zh}”"
        f"（项目：{application.project_name}），以下非关键性材料暂缺：{listed}。\n"
        f"本单位承诺于{supply_by.year}年{supply_by.month}月{supply_by.day}日前通过网上办事系统"
        "补齐上述材料，并对已提交材料的真实性负责。知悉在材料补齐前审批机关不作出审批决定；"
        f"{OVERDUE_LABELS[rule.overdue]}，由此产生的后果由本单位承担。"
    )


def declare(
    session: Session, clock: Clock, actor: User, application: Application, data: ToleranceDeclare
) -> ToleranceCommitment:
    """Sign (or re-sign, before acceptance) the 容缺受理承诺 for the named materials."""
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("只有申请人可以签署容缺受理承诺", "only the applicant signs")
    item = item_of(session, application)
    rule = load_rules().for_item(item.code)
    if rule is None:
        raise InvalidInput("本事项不适用容缺受理", f"item {item.code} has no 容缺 rule")
    if application.status not in DECLARABLE:
        raise InvalidTransition(
            "只有草稿或待补正的申请可以签署容缺受理承诺", "only a draft or a correction may declare"
        )
    if not data.agree:
        raise InvalidInput(
            "须阅读并同意容缺受理承诺书", "the commitment must be agreed", field="agree"
        )
    if enterprise_listed(session, application):
        raise InvalidInput(BAD_CREDIT, "the enterprise is on the bad-credit list")
    codes = list(dict.fromkeys(data.material_codes))
    outside = [c for c in codes if c not in rule.materials]
    if outside:
        raise InvalidInput(
            "以下材料不属于本事项可容缺的非关键性材料：" + "、".join(outside),
            "materials outside the item's 容缺 list",
            field="material_codes",
            allowed=list(rule.materials),
        )
    uploaded = [c for c in codes if c in present_codes(session, id_of(application))]
    if uploaded:
        raise InvalidInput(
            "材料已上传，无需容缺：" + "、".join(uploaded),
            "already uploaded",
            field="material_codes",
        )
    now = clock.now()
    today = local_date(now)
    latest = latest_supply_by(item, today)
    if not today < data.supply_by <= latest:
        raise InvalidInput(
            f"承诺补齐日期应在明天至{latest.isoformat()}之间（不超过本事项的承诺办结时限）",
            "supply_by out of range",
            field="supply_by",
        )
    enterprise = session.get(Enterprise, application.enterprise_id)
    text = commitment_text(
        application, item, rule, codes, data.supply_by, enterprise.name if enterprise else ""
    )
    row = find(session, id_of(application)) or ToleranceCommitment(
        application_id=id_of(application),
        supply_by=data.supply_by,
        overdue_rule=rule.overdue.value,
        text=text,
        text_sha256="",
        signed_by=id_of(actor),
        signed_at=to_utc(now),
        state=ToleranceState.OWED,
    )
    spec = load_rules().overdue_rules[rule.overdue]
    row.material_codes = codes
    row.supply_by, row.overdue_rule = data.supply_by, rule.overdue.value
    row.return_after_days = spec.return_after_days
    row.text, row.text_sha256 = text, hashlib.sha256(text.encode("utf-8")).hexdigest()
    row.signed_by, row.signed_at, row.state = id_of(actor), to_utc(now), ToleranceState.OWED
    session.add(row)
    audit_case(
        session,
        now,
        application,
        actor,
        "tolerance_commitment",
        f"签署容缺受理承诺：{len(codes)}项材料于{data.supply_by.isoformat()}前补齐",
    )
    session.flush()
    return row


def supply(
    session: Session,
    clock: Clock,
    actor: User,
    application: Application,
    code: str,
    upload: CheckedUpload,
    object_key: str,
) -> Material:
    """An owed material arrives after acceptance; when the last one does, the commitment is
    settled and a suspension the sweep started ends (the clock runs again)."""
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("只有申请人可以补交容缺材料", "only the applicant supplies")
    row = find(session, id_of(application))
    if row is None or code not in row.material_codes:
        raise InvalidInput(f"“{code}”不是本办件承诺补齐的材料", "not an owed material")
    if row.state not in (ToleranceState.OWED, ToleranceState.SUSPENDED):
        raise InvalidTransition(
            f"容缺承诺{TOLERANCE_STATE_LABELS[row.state]}，不能再补交", "commitment settled"
        )
    if application.status in BEFORE_ACCEPTANCE or application.status in FINAL:
        raise InvalidTransition(
            "受理前请在申请材料中直接上传；已办结的办件不能补交", "supply only after acceptance"
        )
    now = clock.now()
    material = attach_material(session, to_utc(now), actor, application, code, upload, object_key)
    item = item_of(session, application)
    owed = owed_materials(session, item, id_of(application), row.material_codes)
    audit_case(
        session,
        now,
        application,
        actor,
        "tolerance_supplied",
        f"补交容缺材料：{next(o.name for o in owed if o.code == code)}",
    )
    if all(o.supplied for o in owed):
        today = local_date(now)
        if row.state is ToleranceState.SUSPENDED and row.pause_id is not None:
            pause = session.get(ClockPause, row.pause_id)
            if pause is not None and pause.end_on is None:
                pause.end_on, pause.ended_by = today, actor.id
                session.add(pause)
                session.flush()
                refresh_cached(session, shared_calendar(), item, application, today)
        row.state, row.settled_on = ToleranceState.SUPPLIED, today
        session.add(row)
        audit_case(session, now, application, actor, "tolerance_settled", "容缺材料已全部补齐")
    session.flush()
    return material


def audit_case(
    session: Session, now: datetime, application: Application, actor: User | None, action: str,
    comment: str,
) -> None:  # fmt: skip
    audit.record_case(session, to_utc(now), application.id, actor, action, comment)


def open_commitments(session: Session) -> list[ToleranceCommitment]:
    query = select(ToleranceCommitment).where(
        col(ToleranceCommitment.state).in_([ToleranceState.OWED, ToleranceState.SUSPENDED])
    )
    return list(session.exec(query))
