"""帮办代办 (PS-06): the administrator names staff users 帮办员; an enterprise's account
administrator authorises one to act for it — which actions, which items (none named: any),
from–to — and can revoke it at any time. A helper acting for the enterprise acts as the
enterprise would, through the same services, as a stand-in user whose name says
"帮办员 X（代 Y）", so every act lands in the audit trail and on the case timeline as done by
helper X for enterprise Y. Services flush; callers commit."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.queries import STAFF_ROLES
from approvals.clock import local_date, to_utc
from approvals.enterprise.members import require_admin
from approvals.errors import InvalidInput, NotFound, PermissionDenied
from models import Enterprise, HelperAuthorisation, HelperDesignation, Role, User
from models.ids import id_of
from models.liaison import HelperAuthorisationPublic, HelperGrant

# What a helper may be authorised to do (the API maps its routes onto these).
ACTIONS: dict[str, str] = {
    "apply": "填写申请、上传材料",
    "submit": "提交申请（含补正后重新提交）",
}
MAX_DAYS = 366  # an authorisation runs at most a year


def designate(session: Session, now: datetime, actor: User, user_id: int) -> HelperDesignation:
    """The administrator names an active staff user 帮办员."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied("由系统管理员确定帮办员", "only the administrator designates")
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in STAFF_ROLES - {Role.AUDITOR}:
        raise InvalidInput("帮办员须为在岗的工作人员", "a helper is active staff", field="user_id")
    row = session.exec(
        select(HelperDesignation).where(HelperDesignation.user_id == user_id)
    ).first()
    if row is None:
        row = HelperDesignation(
            user_id=user_id, designated_by=id_of(actor), designated_at=to_utc(now)
        )
        session.add(row)
        session.flush()
        audit.record_by(
            session, actor, to_utc(now), "helper_designated", f"确定帮办员 {user.display_name}"
        )
    return row


def helpers(session: Session) -> list[User]:
    query = (
        select(User)
        .join(HelperDesignation, col(HelperDesignation.user_id) == col(User.id))
        .where(User.is_active == True)  # noqa: E712
        .order_by(col(User.display_name))
    )
    return list(session.exec(query))


def is_helper(session: Session, user: User) -> bool:
    query = select(HelperDesignation.id).where(HelperDesignation.user_id == user.id)
    return user.is_active and session.exec(query).first() is not None


def grant(session: Session, now: datetime, actor: User, data: HelperGrant) -> HelperAuthorisation:
    """The enterprise authorises a helper (named by username) for ``actions`` and a period."""
    enterprise_id = require_admin(actor)
    helper = session.exec(select(User).where(User.username == data.helper_username.strip())).first()
    if helper is None or not is_helper(session, helper):
        raise InvalidInput("该账号不是帮办员", "not a designated helper", field="helper_username")
    unknown = [a for a in data.actions if a not in ACTIONS]
    if unknown or not data.actions:
        raise InvalidInput(
            "请选择授权办理的事项：" + "、".join(ACTIONS.values()),
            "unknown action",
            field="actions",
        )
    today = local_date(now)
    if data.valid_from > data.valid_to or data.valid_to < today:
        raise InvalidInput(
            "授权期限不正确：截止日期不能早于开始日期或今天", "bad period", field="valid_to"
        )
    if (data.valid_to - data.valid_from).days > MAX_DAYS:
        raise InvalidInput("授权期限最长一年", "at most a year", field="valid_to")
    row = HelperAuthorisation(
        enterprise_id=enterprise_id, helper_id=id_of(helper),
        actions=list(dict.fromkeys(data.actions)),
        item_codes=sorted({c.strip().upper() for c in data.item_codes if c.strip()}),
        valid_from=data.valid_from, valid_to=data.valid_to, granted_by=id_of(actor),
        granted_at=to_utc(now),
    )  # fmt: skip
    session.add(row)
    session.flush()
    scope = "、".join(ACTIONS[a] for a in row.actions)
    audit.record_by(
        session, actor, to_utc(now), "helper_authorised",
        f"授权帮办员 {helper.display_name} 代办（{scope}；{row.valid_from}至{row.valid_to}）",
    )  # fmt: skip
    return row


def revoke(session: Session, now: datetime, actor: User, authorisation_id: int) -> None:
    enterprise_id = require_admin(actor)
    row = session.get(HelperAuthorisation, authorisation_id)
    if row is None or row.enterprise_id != enterprise_id or row.revoked_at is not None:
        raise NotFound("没有该项有效的帮办授权", "no such open authorisation")
    row.revoked_at, row.revoked_by = to_utc(now), actor.id
    session.add(row)
    helper = session.get(User, row.helper_id)
    name = helper.display_name if helper else str(row.helper_id)
    audit.record_by(
        session, actor, to_utc(now), "helper_authorisation_revoked", f"撤销帮办员 {name} 的代办授权"
    )


def listed(session: Session, actor: User, today: date) -> list[HelperAuthorisationPublic]:
    """The enterprise's authorisations (its users), or the helper's own (staff), newest first."""
    query = select(HelperAuthorisation).order_by(col(HelperAuthorisation.id).desc())
    if actor.role is Role.APPLICANT:
        query = query.where(HelperAuthorisation.enterprise_id == actor.enterprise_id)
    elif actor.role is not Role.ADMIN:
        query = query.where(HelperAuthorisation.helper_id == actor.id)
    return [public(session, row, today) for row in session.exec(query)]


def public(session: Session, row: HelperAuthorisation, today: date) -> HelperAuthorisationPublic:
    enterprise = session.get(Enterprise, row.enterprise_id)
    helper = session.get(User, row.helper_id)
    return HelperAuthorisationPublic(
        id=id_of(row), enterprise_id=row.enterprise_id,
        enterprise_name=enterprise.name if enterprise else "", helper_id=row.helper_id,
        helper_name=helper.display_name if helper else "", actions=row.actions,
        action_labels=[ACTIONS.get(a, a) for a in row.actions], item_codes=row.item_codes,
        valid_from=row.valid_from, valid_to=row.valid_to, granted_at=row.granted_at,
        revoked_at=row.revoked_at,
        active=row.revoked_at is None and row.valid_from <= today <= row.valid_to,
    )  # fmt: skip


def authorise(
    session: Session, today: date, helper: User, enterprise_id: int, action: str | None,
    item_code: str | None,
) -> Enterprise:  # fmt: skip
    """The enterprise if ``helper`` may take ``action`` (None: read) on ``item_code`` (None:
    any) for it today; else ``PermissionDenied`` naming what the authorisation lacks."""
    if not is_helper(session, helper):
        raise PermissionDenied("当前账号不是帮办员，不能代企业办理", "not a designated helper")
    enterprise = session.get(Enterprise, enterprise_id)
    query = select(HelperAuthorisation).where(
        HelperAuthorisation.helper_id == helper.id,
        HelperAuthorisation.enterprise_id == enterprise_id,
        col(HelperAuthorisation.revoked_at).is_(None),
    )
    rows = list(session.exec(query.order_by(col(HelperAuthorisation.id).desc())))
    if enterprise is None or not rows:
        raise PermissionDenied(
            "该企业未授权您帮办代办，或授权已被企业撤销",
            "no open authorisation from this enterprise",
        )
    refusals = []
    for row in rows:
        if not row.valid_from <= today <= row.valid_to:
            refusals.append(f"帮办授权期限为{row.valid_from}至{row.valid_to}，今天不在授权期限内")
        elif action is not None and action not in row.actions:
            refusals.append(f"帮办授权范围不包括“{ACTIONS.get(action, action)}”")
        elif item_code and row.item_codes and item_code not in row.item_codes:
            refusals.append(
                f"帮办授权范围不包括事项 {item_code}（授权事项：{'、'.join(row.item_codes)}）"
            )
        else:
            return enterprise
    raise PermissionDenied(refusals[0], "outside the helper's authorisation")


def stand_in(helper: User, enterprise: Enterprise) -> User:
    """The user a helper acts as: the enterprise's applicant, named as its helper. Never added
    to a session; its id is the helper's, so what it creates records the helper."""
    return User(
        id=helper.id, username=helper.username, password_hash="", role=Role.APPLICANT,
        display_name=f"{helper.display_name}（帮办员，代{enterprise.name}）"[:100],
        email=helper.email, enterprise_id=enterprise.id, is_active=True,
    )  # fmt: skip
