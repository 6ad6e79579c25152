"""Checking the audit chain against its signed checkpoints (``eia audit verify``).

Three things must hold, and the first that does not is reported with its event id:
1. every checkpoint copy in the object store carries the bureau's valid signature;
2. the database's checkpoints and the object store's copies are the same set;
3. recomputing the chain from the events as they stand now gives, at each checkpoint's event,
   the signed head hash and count. A history rewritten consistently (every hash recomputed
   after a change) passes the plain chain check but fails here, at the first checkpoint after
   the change.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from approvals.audit import GENESIS, event_hash
from approvals.audit_anchor import Seal, Sealer
from approvals.clock import as_local
from models import AuditCheckpoint, AuditEvent


@dataclass(frozen=True)
class StoredCheckpoint:
    """One signed copy read from the object store."""

    key: str
    payload: bytes
    fields: dict[str, Any]
    seal: Seal

    @property
    def label(self) -> str:
        return f"检查点 #{self.fields.get('checkpoint_id')}（事件 #{self.fields.get('event_id')}）"


@dataclass
class AnchorReport:
    """What ``verify_anchored`` found. ``problem`` is the first mismatch (Chinese), with the
    event it concerns in ``event_id``; empty when the chain and every checkpoint agree."""

    events: int = 0
    checkpoints: int = 0  # signed copies that matched the recomputed chain
    pending: int = 0  # requested, not sealed yet (the next sweep seals them)
    uncovered: int = 0  # events after the last checkpoint: fixed by the next one
    broken: AuditEvent | None = None  # the plain chain's first broken link
    problem: str = ""
    event_id: int | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problem


def parse_stored(key: str, data: bytes) -> StoredCheckpoint | None:
    """A stored copy, or None when it is not one (unreadable: reported by the caller)."""
    try:
        document = json.loads(data)
        payload = str(document["payload"]).encode()
        fields = json.loads(payload)
        seal = Seal(str(document["signature"]), str(document["certificate"]))
        int(fields["event_id"]), int(fields["event_count"]), int(fields["checkpoint_id"])
        str(fields["head_hash"]), str(fields["at"])
    except (ValueError, KeyError, TypeError):
        return None
    return StoredCheckpoint(key, payload, fields, seal)


def verify_anchored(
    session: Session, copies: list[tuple[str, bytes]], sealer: Sealer | None
) -> AnchorReport:
    """Check the chain, the signatures of the object store's ``copies`` (key, bytes) and the
    recomputed chain at every checkpoint; see the module docstring."""
    report = AnchorReport()
    signed: list[StoredCheckpoint] = []
    for key, data in copies:
        assert sealer is not None, "copies to check need the bureau's certificates"
        stored = parse_stored(key, data)
        if stored is None:
            report.problem = f"对象存储中的检查点 {key} 无法读取，可能已被改动或替换"
            return report
        reason = sealer.problem(stored.payload, stored.seal.signature, stored.seal.certificate)
        if reason:
            report.event_id = int(stored.fields["event_id"])
            report.problem = f"{stored.label}的签名无效：{reason}（对象 {key}）"
            return report
        signed.append(stored)
    _walk(session, signed, report)  # the chain's mismatches first: they say what changed
    _compare_with_database(session, signed, report)
    if report.problems:
        report.event_id, report.problem = min(report.problems, key=lambda p: p[0])
    return report


def _compare_with_database(
    session: Session, signed: list[StoredCheckpoint], report: AnchorReport
) -> None:
    by_id: dict[int, StoredCheckpoint] = {}
    for copy in signed:
        checkpoint_id = int(copy.fields["checkpoint_id"])
        if checkpoint_id in by_id and by_id[checkpoint_id].payload != copy.payload:
            problem = f"{copy.label}在对象存储中有两份内容不同的签名副本（{copy.key}）"
            report.problems.append((int(copy.fields["event_id"]), problem))
        by_id[checkpoint_id] = copy
    rows = session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id))).all()
    seen: set[int] = set()
    for row in rows:
        assert row.id is not None
        seen.add(row.id)
        stored = by_id.get(row.id)
        label = f"检查点 #{row.id}（事件 #{row.event_id}）"
        if stored is None and row.sealed_at is None:
            report.pending += 1
            continue
        if stored is None:
            report.problems.append((row.event_id, f"数据库中的{label}在对象存储中没有签名副本"))
            continue
        fields = stored.fields
        if (fields["event_id"], fields["head_hash"], fields["event_count"]) != (
            row.event_id,
            row.head_hash,
            row.event_count,
        ):
            problem = f"数据库中的{label}与对象存储中的签名副本不一致，数据库记录已被改动"
            report.problems.append((row.event_id, problem))
    for checkpoint_id, stored in sorted(by_id.items()):
        if checkpoint_id not in seen:
            problem = f"对象存储中的{stored.label}在数据库中缺失，检查点记录已被删除"
            report.problems.append((int(stored.fields["event_id"]), problem))


def _walk(session: Session, signed: list[StoredCheckpoint], report: AnchorReport) -> None:
    """Stream the events once: the plain check (stored hashes and links) and the recomputed
    chain (each hash from the recomputed previous one) against the checkpoints."""
    expected: dict[int, list[StoredCheckpoint]] = defaultdict(list)
    for stored in signed:
        expected[int(stored.fields["event_id"])].append(stored)
    stored_prev = recomputed = GENESIS
    last_good, anchored = 0, 0
    query = select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=2000)
    for event in session.exec(query):
        assert event.id is not None
        report.events += 1
        own = event_hash(event)
        if report.broken is None and (event.prev_hash != stored_prev or event.hash != own):
            report.broken = event
        stored_prev = event.hash
        recomputed = own if event.prev_hash == recomputed else event_hash(event, recomputed)
        for stored in expected.pop(event.id, []):
            anchored = report.events
            if stored.fields["head_hash"] == recomputed and (
                stored.fields["event_count"] == report.events
            ):
                report.checkpoints += 1
                last_good = event.id
                continue
            signed_at = as_local(datetime.fromisoformat(str(stored.fields["at"])))
            at = signed_at.strftime("%Y-%m-%d %H:%M")
            span = f"事件 #{last_good} 之后" if last_good else "日志开头"
            report.problems.append(
                (
                    event.id,
                    f"审计链与 {at} 签名的{stored.label}不符：按现存日志重算，事件 #{event.id} "
                    f"处的校验值或事件数与签名时不同，{span}至事件 #{event.id} 之间的事件已被"
                    "改写、插入或删除",
                )
            )
    for event_id, missing in sorted(expected.items()):
        report.problems.append(
            (event_id, f"{missing[0].label}所指的事件 #{event_id} 已不在日志中，日志已被删改")
        )
    report.uncovered = report.events - anchored
