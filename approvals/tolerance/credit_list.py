"""The bad-credit list (严重失信主体名单) as staff load it: a load replaces the active list,
ending the entries it no longer names; every load is an audit event."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.enterprise import fields
from approvals.errors import InvalidInput, PermissionDenied
from models import Enterprise, Role, User
from models.ids import id_of
from models.tolerance import BadCreditEntry, CreditEntryIn, CreditListResult

LOADERS = frozenset({Role.INTAKE_OFFICER, Role.SECTION_CHIEF, Role.ADMIN})
READERS = LOADERS | {Role.CASE_OFFICER, Role.LEADER, Role.AUDITOR}


def check_reader(actor: User) -> None:
    if actor.role not in READERS:
        raise PermissionDenied("当前角色无权查看失信名单", "this role cannot read the credit list")


def active_entries(session: Session) -> list[BadCreditEntry]:
    query = select(BadCreditEntry).where(col(BadCreditEntry.ended_at).is_(None))
    return list(session.exec(query.order_by(col(BadCreditEntry.uscc))))


def load(
    session: Session, actor: User, now: datetime, entries: list[CreditEntryIn]
) -> CreditListResult:
    """Make ``entries`` the active list (flushes; the caller commits)."""
    if actor.role not in LOADERS:
        raise PermissionDenied("当前角色无权导入失信名单", "this role cannot load the credit list")
    wanted: dict[str, CreditEntryIn] = {}
    for index, entry in enumerate(entries):
        try:
            code = fields.uscc(entry.uscc)
        except InvalidInput as exc:
            raise InvalidInput(
                f"第{index + 1}条：{exc.message_zh}", exc.message_en, field=f"entries.{index}.uscc"
            ) from None
        wanted[code] = entry
    active = {e.uscc: e for e in active_entries(session)}
    ended = 0
    for code, row in active.items():
        if code not in wanted:
            row.ended_at = now
            session.add(row)
            ended += 1
    added = 0
    for code, entry in wanted.items():
        if code in active:
            continue
        session.add(
            BadCreditEntry(
                uscc=code,
                name=entry.name,
                reason=entry.reason,
                listed_on=entry.listed_on,
                loaded_by=id_of(actor),
                loaded_at=now,
            )
        )
        added += 1
    audit.record_by(
        session,
        actor,
        now,
        "credit_list_load",
        f"失信名单导入：{len(wanted)}家（新增{added}，移出{ended}）",
    )
    session.flush()
    return CreditListResult(active=len(wanted), added=added, ended=ended)


def is_listed(session: Session, enterprise: Enterprise) -> bool:
    """On the loaded list, or flagged by an administrator (``Enterprise.bad_credit``)."""
    if enterprise.bad_credit:
        return True
    query = select(BadCreditEntry.id).where(
        BadCreditEntry.uscc == enterprise.uscc, col(BadCreditEntry.ended_at).is_(None)
    )
    return session.exec(query).first() is not None
