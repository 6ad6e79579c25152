"""The audit chain is anchored: each issued document and each day fix the chain's head in a
checkpoint signed with the bureau's key, kept in its own table and as signed JSON in the object
store, its hash printed on the public 公告 list. Someone who can write to the database can
rewrite the whole chain so that every hash links again (the plain check passes), but not the
signed copies: ``eia audit verify`` names the first checkpoint the rewritten history misses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from approvals.audit import GENESIS, event_hash, verify_chain
from approvals.audit_anchor_check import AnchorReport
from approvals.clock import FixedClock
from cli.main import app
from core.settings import get_settings
from documents.checkpoint_seal import CheckpointSealer
from documents.signing_keys import SigningFiles, ensure_local_ca
from flows import anchoring
from flows.runtime import Runtime
from models import AuditCheckpoint, AuditEvent, CheckpointReason
from tests.api.case_checks import headers_for
from tests.api.case_driving import accept
from tests.helpers import create_submitted


@pytest.fixture
def accepted(client: TestClient) -> int:
    """A case accepted: its 受理通知书 issued, which requested and sealed a checkpoint."""
    case = create_submitted(client, headers_for(client, "qiye"))
    accept(client, case["id"])
    return int(case["id"])


@pytest.fixture
def cli_env(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``eia`` reads its settings from the environment: point it at the test's store and CA."""
    monkeypatch.setenv("EIA_VAR_DIR", str(runtime.settings.var_dir))
    monkeypatch.setenv("EIA_SIGNING_SELF_SIGNED", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _verify(runtime: Runtime) -> AnchorReport:
    return anchoring.verify_with_checkpoints(runtime.engine, runtime.store, runtime.settings)


def _rewrite_whole_chain(engine: Engine) -> int:
    """Change the second event, then recompute every hash after it, as a database writer can;
    returns the changed event's id."""
    with Session(engine) as session:
        events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
        events[1].comment = "事后改写的记录"
        prev = GENESIS
        for event in events:
            event.prev_hash = prev
            event.hash = event_hash(event)
            prev = event.hash
            session.add(event)
        session.commit()
        assert events[1].id is not None
        return events[1].id


def test_an_issued_document_and_each_day_seal_a_checkpoint_that_verifies_and_is_published(
    accepted: int,
    runtime: Runtime,
    engine: Engine,
    cli_env: None,
    client: TestClient,
    clock: FixedClock,
) -> None:
    with Session(engine) as session:
        (checkpoint,) = session.exec(select(AuditCheckpoint)).all()
        issued = session.exec(
            select(AuditEvent).where(AuditEvent.action == "document_issued")
        ).one()
    assert checkpoint.reason is CheckpointReason.ISSUED and checkpoint.sealed_at is not None
    assert checkpoint.event_id == issued.id and checkpoint.head_hash == issued.hash
    assert checkpoint.event_count == 3  # submit, accept, document_issued
    assert checkpoint.object_key == f"checkpoints/2026-11-20/{checkpoint.id:010d}.json"
    stored = json.loads(runtime.store.get(checkpoint.object_key))
    assert json.loads(stored["payload"])["head_hash"] == issued.hash

    report = _verify(runtime)
    assert report.ok and report.checkpoints == 1 and report.events == 4
    assert report.uncovered == 1  # start_drafting, after the issue: fixed by the next one

    result = CliRunner().invoke(
        app, ["audit", "verify", "--database-url", engine.url.render_as_string(False)]
    )
    assert result.exit_code == 0, result.output
    assert "审计链完整：4 条事件；1 个签名检查点与重算的审计链一致" in result.output

    # the deadline sweep's daily checkpoint: once a day, printed on the public 公告 list

    assert anchoring.checkpoint_daily(runtime) == 0  # the issue's checkpoint is today's
    clock.advance(timedelta(days=1))
    assert anchoring.checkpoint_daily(runtime) == 1
    assert anchoring.checkpoint_daily(runtime) == 0  # once a day
    with Session(engine) as session:
        daily = session.exec(
            select(AuditCheckpoint).where(AuditCheckpoint.reason == CheckpointReason.DAILY)
        ).one()
        head = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert head is not None and daily.head_hash == head.hash and daily.event_count == 4
    assert runtime.store.exists(f"checkpoints/2026-11-21/{daily.id:010d}.json")
    assert _verify(runtime).checkpoints == 2

    page = client.get("/public/notices")
    assert page.status_code == 200
    assert "审计链校验值" in page.text and head.hash in page.text
    assert "审计记录共 4 条" in page.text


def test_a_rewritten_chain_passes_the_plain_check_but_not_the_checkpoints_nor_a_forged_one(
    accepted: int, runtime: Runtime, engine: Engine, cli_env: None, tmp_path: Path
) -> None:
    changed = _rewrite_whole_chain(engine)
    with Session(engine) as session:
        assert verify_chain(session)[1] is None  # every hash links: the old check passes
        checkpoint = session.exec(select(AuditCheckpoint)).one()

    report = _verify(runtime)
    assert not report.ok and report.broken is None
    assert report.event_id == checkpoint.event_id
    assert f"检查点 #{checkpoint.id}（事件 #{checkpoint.event_id}）不符" in report.problem
    assert f"日志开头至事件 #{checkpoint.event_id}" in report.problem
    assert checkpoint.event_id > changed

    # the thorough writer also fixes the checkpoint rows: the signed copies still disagree
    with Session(engine) as session:
        event = session.get(AuditEvent, checkpoint.event_id)
        assert event is not None
        rewritten_head = event.hash
        session.execute(text("UPDATE audit_checkpoint SET head_hash = :h"), {"h": rewritten_head})
        session.commit()
    report = _verify(runtime)
    assert not report.ok and report.event_id == checkpoint.event_id
    assert "不符" in report.problem

    result = CliRunner().invoke(
        app, ["audit", "verify", "--database-url", engine.url.render_as_string(False)]
    )
    assert result.exit_code == 1
    assert f"事件 #{checkpoint.event_id}：审计链与" in result.output.replace("\n", "")

    # asking the sweep to sign the rewritten head again: a signed copy is never replaced
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_checkpoint SET sealed_at = NULL"))
    assert anchoring.seal_checkpoints(runtime) == 0
    report = _verify(runtime)
    assert not report.ok and report.event_id == checkpoint.event_id
    assert report.pending == 0  # the row's copy exists, and disagrees

    # deleting the rows leaves the object store's copies, which still do not match
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_checkpoint"))
    report = _verify(runtime)
    assert not report.ok and "不符" in report.problem

    # the writer signs the rewritten head with a key of its own: the signature is refused
    original = json.loads(runtime.store.get(checkpoint.object_key))
    fields = json.loads(original["payload"])
    fields["head_hash"] = rewritten_head  # what the rewritten chain needs the checkpoint to say
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    ensure_local_ca(tmp_path / "other", "某某冒充单位")
    other = CheckpointSealer(
        SigningFiles(
            key=tmp_path / "other" / "signer.key",
            cert=tmp_path / "other" / "signer.pem",
            trust=tmp_path / "other" / "ca.pem",
        )
    )
    signature, certificate = other.sign(payload.encode())
    for forged, reason in (
        ({"signature": signature, "certificate": certificate}, "签名证书不是本局的文书签章证书"),
        (  # the bureau's certificate pasted next to another key's signature
            {"signature": signature, "certificate": original["certificate"]},
            "签名与检查点内容不符",
        ),
    ):
        runtime.store.put(
            checkpoint.object_key,
            json.dumps({"payload": payload, **forged}).encode(),
            "application/json",
        )
        report = _verify(runtime)
        assert not report.ok and report.event_id == checkpoint.event_id
        assert f"检查点 #{checkpoint.id}（事件 #{checkpoint.event_id}）的签名无效" in report.problem
        assert reason in report.problem
