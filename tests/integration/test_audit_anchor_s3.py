"""Audit checkpoints sealed to the S3 server: the daily one and one per issue land under
``checkpoints/{date}/`` in the bucket, the chain verifies against them, and a consistently
rewritten chain does not; sealing again never replaces a copy."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals import audit, audit_anchor
from approvals.audit import GENESIS, event_hash
from approvals.catalogue import Catalogue
from approvals.clock import FixedClock, to_utc
from core.settings import Settings
from flows import anchoring
from flows.runtime import Runtime
from mail import EmlFolderSender
from models import AuditEvent, CheckpointReason
from storage import S3Store
from tests.fixtures_servers import S3Server


def _append(engine: Engine, clock: FixedClock, count: int, *, issue: bool = False) -> None:
    with Session(engine) as session:
        for n in range(count):
            audit.append_event(
                session,
                at=to_utc(clock.now()),
                application_id=None,
                actor_id=None,
                actor_name=audit.SYSTEM_NAME,
                actor_role=audit.SYSTEM_ROLE,
                action="document_issued" if issue else "note",
                comment=f"第{n + 1}条",
            )
        if issue:
            audit_anchor.request_checkpoint(session, clock.now(), CheckpointReason.ISSUED)
        session.commit()


def test_checkpoints_sealed_to_s3_catch_a_rewritten_chain(
    engine: Engine, settings: Settings, s3_server: S3Server, catalogue: Catalogue, clock: FixedClock
) -> None:
    store = S3Store.from_settings(
        Settings(**s3_server.settings_values(f"anchor-{uuid.uuid4().hex[:12]}"))  # type: ignore[arg-type]
    )
    store.check()
    rt = Runtime(
        settings, engine, store, EmlFolderSender(settings.var_dir / "outbox"), catalogue, clock
    )
    _append(engine, clock, 3, issue=True)
    assert anchoring.seal_checkpoints(rt) == 1
    clock.advance(timedelta(days=1))
    _append(engine, clock, 2)
    assert anchoring.checkpoint_daily(rt) == 1
    keys = store.keys(audit_anchor.PREFIX)
    assert [k.split("/")[1] for k in keys] == ["2026-11-20", "2026-11-21"]
    report = anchoring.verify_with_checkpoints(engine, store, settings)
    assert report.ok and report.events == 5 and report.checkpoints == 2, report.problem

    with Session(engine) as session:  # change the first event, recompute every hash after it
        events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
        events[0].comment, prev = "改写", GENESIS
        for event in events:
            event.prev_hash, event.hash = (
                prev,
                event_hash(event, prev),
            )
            prev = event.hash
            session.add(event)
        session.commit()
        first_id = events[2].id
    report = anchoring.verify_with_checkpoints(engine, store, settings)
    assert report.broken is None and report.event_id == first_id
    assert "日志开头至事件" in report.problem

    before = [store.get(k) for k in keys]
    with engine.begin() as conn:  # the rows rewritten to the new heads and unsealed
        conn.execute(text("UPDATE audit_checkpoint SET sealed_at = NULL, head_hash = 'x'"))
    assert anchoring.seal_checkpoints(rt) == 0
    assert [store.get(k) for k in keys] == before
