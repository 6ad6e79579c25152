"""数据来源与核实: staff verify each fact group of an item version, then publish the version.

A fact's state is its latest ``ItemFactCheck`` row, or without one the seed's
(``approvals.catalogue.public_facts.seed_verified``: statute text counts as verified, anything
else not).
The public guide states only verified facts. ``publish`` refuses a version while any fact is
unverified. Every verdict and every publication is an audit event (the chain of
``approvals.audit``, with no application). Services flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from approvals.audit import append_event
from approvals.catalogue.item_versions import record_version
from approvals.catalogue.public_facts import seed_verified
from approvals.catalogue.schema import EVIDENCE_FACTS, Evidence, Item
from approvals.errors import InvalidInput, InvalidTransition
from models import ItemFactCheck, ItemVersion, User

FACT_LABELS: dict[str, str] = {
    "item": "事项本身（本局是否办理）",
    "legal_basis": "设定依据",
    "statutory": "法定办结时限",
    "promised": "承诺办结时限",
    "clock_stops": "不计入时限的期间",
    "public_notices": "信息公开",
    "materials": "申请材料",
    "documents": "办理结果文书",
    "decision_series": "文书代字",
    "process_kind": "办理类型",
    "status": "事项状态",
    "needs_expert_review": "是否需要专家评审",
    "fee": "收费",
}
SEED_BY = "种子数据（法条原文）"
assert set(FACT_LABELS) == set(EVIDENCE_FACTS)


@dataclass(frozen=True)
class FactState:
    fact: str
    label: str
    evidence: Evidence
    verified: bool
    by: str  # the staff member's name, SEED_BY, or "" (unverified since the seed)
    at: datetime | None
    note: str


@dataclass(frozen=True)
class VersionState:
    item: Item
    facts: list[FactState]
    published_at: datetime | None
    published_by: str

    @property
    def verified(self) -> frozenset[str]:
        return frozenset(f.fact for f in self.facts if f.verified)

    @property
    def unverified(self) -> list[FactState]:
        return [f for f in self.facts if not f.verified]


def _latest(session: Session, items: Iterable[Item]) -> dict[tuple[str, int, str], ItemFactCheck]:
    """The latest check per (code, version, fact) of these items' current versions."""
    wanted = {(item.code, item.version) for item in items}
    codes = sorted({code for code, _ in wanted})
    rows = session.exec(
        select(ItemFactCheck)
        .where(col(ItemFactCheck.code).in_(codes))
        .order_by(col(ItemFactCheck.id))
    ).all()
    return {(r.code, r.version, r.fact): r for r in rows if (r.code, r.version) in wanted}


def verified_facts(session: Session, items: Iterable[Item]) -> dict[str, frozenset[str]]:
    """Each item's verified facts by code: one query for any number of items."""
    items = list(items)
    latest = _latest(session, items)
    result: dict[str, frozenset[str]] = {}
    for item in items:
        seed = seed_verified(item)
        verified = set()
        for fact in EVIDENCE_FACTS:
            row = latest.get((item.code, item.version, fact))
            if row.verified if row is not None else fact in seed:
                verified.add(fact)
        result[item.code] = frozenset(verified)
    return result


def published(session: Session, items: Iterable[Item]) -> dict[str, datetime]:
    """When each of these items' current versions was published (absent: not published)."""
    wanted = {(item.code, item.version) for item in items}
    rows = session.exec(select(ItemVersion).where(col(ItemVersion.published_at).is_not(None))).all()
    return {
        r.code: r.published_at
        for r in rows
        if (r.code, r.version) in wanted and r.published_at is not None
    }


def version_state(session: Session, item: Item) -> VersionState:
    """Every fact of the item's current version with who verified it and when."""
    latest = _latest(session, [item])
    seed = seed_verified(item)
    names = _names(session, [r.checked_by for r in latest.values()])
    facts = []
    for fact in EVIDENCE_FACTS:
        row = latest.get((item.code, item.version, fact))
        if row is None:
            verified = fact in seed
            by, at, note = (SEED_BY if verified else ""), None, ""
        else:
            verified, by, at, note = row.verified, names[row.checked_by], row.checked_at, row.note
        evidence = item.evidence[fact]
        facts.append(FactState(fact, FACT_LABELS[fact], evidence, verified, by, at, note))
    stored = session.get(ItemVersion, (item.code, item.version))
    published_by = ""
    if stored is not None and stored.published_by is not None:
        published_by = _names(session, [stored.published_by])[stored.published_by]
    published_at = stored.published_at if stored is not None else None
    return VersionState(item, facts, published_at, published_by)


def mark(
    session: Session,
    item: Item,
    fact: str,
    *,
    verified: bool,
    actor: User,
    at: datetime,
    note: str = "",
) -> ItemFactCheck:
    """Record a verdict on one fact of the item's current version (audited)."""
    if fact not in FACT_LABELS:
        raise InvalidInput(
            f"未知的核实项“{fact}”", f"unknown fact {fact!r}", allowed=list(FACT_LABELS)
        )
    stored = session.get(ItemVersion, (item.code, item.version))
    if stored is not None and stored.published_at is not None and not verified:
        raise InvalidTransition(
            f"事项{item.code}第{item.version}版已发布，不能撤销核实；请修改事项并提升版本号",
            f"item {item.code} version {item.version} is published",
        )
    row = ItemFactCheck(
        code=item.code,
        version=item.version,
        fact=fact,
        verified=verified,
        checked_by=actor.id,  # type: ignore[arg-type]  # a signed-in user has an id
        checked_at=at,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    verdict = "已核实" if verified else "未核实"
    _audit(session, actor, at, "fact_verified" if verified else "fact_unverified",
           f"{item.code}第{item.version}版 {FACT_LABELS[fact]}：{verdict}"
           + (f"（{row.note}）" if row.note else ""))  # fmt: skip
    return row


def publish(session: Session, item: Item, *, actor: User, at: datetime) -> ItemVersion:
    """Publish the item's current version; refused while any of its facts is unverified."""
    state = version_state(session, item)
    if state.unverified:
        labels = "、".join(f.label for f in state.unverified)
        raise InvalidTransition(
            f"事项{item.code}第{item.version}版尚有未核实的内容（{labels}），不能发布",
            f"item {item.code} version {item.version} has unverified facts",
            unverified=[f.fact for f in state.unverified],
        )
    row = record_version(session, item, at)
    if row.published_at is not None:
        raise InvalidTransition(
            f"事项{item.code}第{item.version}版已于此前发布",
            f"{item.code} v{item.version} published",
        )
    row.published_at, row.published_by = at, actor.id
    session.add(row)
    session.flush()
    _audit(session, actor, at, "item_published", f"{item.code}第{item.version}版 发布")
    return row


def _audit(session: Session, actor: User, at: datetime, action: str, comment: str) -> None:
    append_event(
        session,
        at=at,
        application_id=None,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=actor.role.value,
        action=action,
        comment=comment,
    )


def _names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u.display_name for u in users if u.id is not None}
