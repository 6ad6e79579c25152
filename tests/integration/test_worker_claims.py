"""The request only records; workers claim and run. On SQLite and PostgreSQL, with the flow
body run in process (the Prefect run around it is covered by ``test_real_services``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.app import create_app
from approvals import dispatch
from approvals.catalogue import Catalogue
from approvals.clock import FixedClock, to_utc
from approvals.issuing import service as issuing
from core.settings import DispatchMode
from flows import sweeps
from flows.runtime import Runtime
from flows.standard import advance_case
from flows.worker import drain_once
from models import Application, DispatchState, Document, DocumentState, FlowDispatch, Status
from tests.api.case_driving import approve_draft, draft
from tests.fault_support import signed_cases
from tests.fixtures_db import wipe
from tests.helpers import create_submitted, sign_in
from tests.notice_time import agree_and_end_pre_approval

pytestmark = pytest.mark.integration
LEASE = 120.0


def _in_process(rt: Runtime) -> Any:
    """A ``RunBatch`` running each case's flow body here (what ``advance-cases`` runs)."""
    ran: list[list[int]] = []

    def run_batch(application_ids: list[int], tags: list[str]) -> tuple[str, dict[int, str]]:
        ran.append(application_ids)
        for application_id in application_ids:
            advance_case(application_id, lambda step, *args: step(rt, *args))
        return f"run-{len(ran)}", dict.fromkeys(application_ids, "")

    run_batch.ran = ran  # type: ignore[attr-defined]
    return run_batch


def _rows(engine: Engine) -> list[FlowDispatch]:
    with Session(engine) as session:
        return list(session.exec(select(FlowDispatch).order_by(col(FlowDispatch.id))))


def test_a_request_is_claimed_once_and_retaken_only_after_its_lease(
    engine: Engine, catalogue: Catalogue, clock: FixedClock
) -> None:
    signed_cases(engine, catalogue, clock, 2)
    now = datetime.now(UTC)
    with Session(engine) as session:
        first = dispatch.claim(session, now, "a", lease_seconds=LEASE, limit=3)
        session.commit()
        second = dispatch.claim(session, now, "b", lease_seconds=LEASE, limit=10)
        session.commit()
    assert len(first) == 3 and len(second) == 1  # two cases: accept and sign each asked once
    assert {c.dispatch_id for c in first}.isdisjoint(c.dispatch_id for c in second)
    assert all(c.number.startswith("410100-EIA01-") and c.item_code == "EIA-01" for c in first)
    with Session(engine) as session:
        dispatch.finish(session, [c.dispatch_id for c in first], "b", "not-b's")  # not b's
        dispatch.finish(session, [c.dispatch_id for c in second], "b", "run-b")
        session.commit()
        assert dispatch.claim(session, now, "c", lease_seconds=LEASE, limit=10) == []
        later = now + timedelta(seconds=LEASE + 1)
        retaken = dispatch.claim(session, later, "c", lease_seconds=LEASE, limit=10)
        session.commit()
    assert sorted(c.dispatch_id for c in retaken) == sorted(c.dispatch_id for c in first)
    states = {r.id: (r.state, r.claimed_by, r.attempts) for r in _rows(engine)}
    assert states[second[0].dispatch_id] == (DispatchState.DONE, "b", 1)
    assert {states[c.dispatch_id] for c in first} == {(DispatchState.CLAIMED, "c", 2)}


def test_two_workers_claiming_at_once_on_postgres_skip_each_others_rows(
    postgres_engine: Engine, catalogue: Catalogue, clock: FixedClock
) -> None:
    wipe(postgres_engine)
    signed_cases(postgres_engine, catalogue, clock, 3)
    now = datetime.now(UTC)
    with Session(postgres_engine) as one, Session(postgres_engine) as two:
        a = dispatch.claim(one, now, "a", lease_seconds=LEASE, limit=4)  # locks held, no commit
        b = dispatch.claim(two, now, "b", lease_seconds=LEASE, limit=10)
        two.commit()
        one.commit()
    assert len(a) == 4 and len(b) == 2
    assert {c.dispatch_id for c in a}.isdisjoint(c.dispatch_id for c in b)


def test_the_sweep_leaves_work_younger_than_its_cutoff_or_claimed_by_a_worker_alone(
    engine: Engine, catalogue: Catalogue, clock: FixedClock
) -> None:
    (case_id,) = signed_cases(engine, catalogue, clock, 1)
    signed_at, now = to_utc(clock.now()), datetime.now(UTC)
    before, after = signed_at - timedelta(seconds=60), signed_at + timedelta(seconds=1)
    with Session(engine) as session:
        assert issuing.stuck_application_ids(session, before) == []
        assert issuing.stuck_application_ids(session, after) == [case_id]
        dispatch.claim(session, now, "w1", lease_seconds=LEASE, limit=1)
        session.commit()
        live = now - timedelta(seconds=LEASE)
        assert issuing.stuck_application_ids(session, after, live_claims_since=live) == []
        expired = now + timedelta(seconds=1)
        assert issuing.stuck_application_ids(session, after, live_claims_since=expired) == [case_id]


def test_a_worker_drains_every_request_in_batches_and_marks_them_done(
    engine: Engine, runtime: Runtime, catalogue: Catalogue, clock: FixedClock
) -> None:
    ids = signed_cases(engine, catalogue, clock, 2)  # 4 requests: each case's accept and sign
    settings = runtime.settings.model_copy(update={"worker_batch_size": 3})
    rt = dataclasses.replace(runtime, settings=settings)
    run_batch = _in_process(rt)
    assert drain_once(rt, run_batch, "w1") == 3
    assert drain_once(rt, run_batch, "w1") == 1
    assert drain_once(rt, run_batch, "w1") == 0
    assert run_batch.ran == [ids, ids[1:]]  # the second case again: its run found it done
    assert {(r.state, r.flow_run_id) for r in _rows(engine)} == {
        (DispatchState.DONE, "run-1"),
        (DispatchState.DONE, "run-2"),
    }
    with Session(engine) as session:
        statuses = {a.status for a in session.exec(select(Application))}
        documents = session.exec(select(Document)).all()
    assert statuses == {Status.APPROVED}
    assert len(documents) == 4 and {d.state for d in documents} == {DocumentState.ISSUED}


def test_a_failed_batch_keeps_its_claims_with_the_error_until_the_lease_runs_out(
    engine: Engine, runtime: Runtime, catalogue: Catalogue, clock: FixedClock
) -> None:
    signed_cases(engine, catalogue, clock, 1)

    def orchestrator_down(ids: list[int], tags: list[str]) -> tuple[str, dict[int, str]]:
        raise ConnectionError("Prefect 不可达")

    assert drain_once(runtime, orchestrator_down, "w1") == 2
    rows = _rows(engine)
    assert {(r.state, r.claimed_by) for r in rows} == {(DispatchState.CLAIMED, "w1")}
    assert all("ConnectionError" in r.last_error for r in rows)
    assert drain_once(runtime, _in_process(runtime), "w2") == 0  # still leased: no hot loop


@pytest.fixture
def recording_client(runtime: Runtime, seeded: Engine) -> Iterator[TestClient]:
    """The app as deployed: ``dispatch_mode=prefect``, no launcher, Prefect unreachable."""
    settings = runtime.settings.model_copy(
        update={"dispatch_mode": DispatchMode.PREFECT, "prefect_api_url": "http://127.0.0.1:9/api"}
    )
    app = create_app(
        settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
    )
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def test_a_sign_off_only_records_and_the_worker_issues_it(
    recording_client: TestClient, runtime: Runtime
) -> None:
    client, run_batch = recording_client, _in_process(runtime)
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)
    assert client.post(f"/api/applications/{case['id']}/accept", headers=intake).status_code == 200
    detail = client.get(f"/api/applications/{case['id']}", headers=intake).json()
    assert detail["status"] == "accepted"  # recorded: nothing ran in the request
    assert [r.state for r in _rows(runtime.engine)] == [DispatchState.PENDING]
    assert drain_once(runtime, run_batch, "w1") == 1

    draft(client, case["id"])
    approve_draft(client, case["id"])
    agree_and_end_pre_approval(client, case["id"])
    signed = client.post(
        f"/api/applications/{case['id']}/sign", headers=sign_in(client, "lingdao"), json={}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "issuing"
    pending = [r for r in _rows(runtime.engine) if r.state is DispatchState.PENDING]
    assert len(pending) == 1 and pending[0].attempts == 0 and pending[0].last_error == ""
    assert drain_once(runtime, run_batch, "w1") == 1
    final = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    assert final["status"] == "approved"
    assert {d["kind"] for d in final["documents"]} == {"acceptance_notice", "approval"}
    assert len(list(runtime.settings.resolved_outbox_dir.glob("*.eml"))) == 2


def test_the_sweep_claims_the_queued_work_it_re_drives_so_no_worker_runs_it_at_once(
    engine: Engine, runtime: Runtime, catalogue: Catalogue, clock: FixedClock
) -> None:
    (case_id,) = signed_cases(engine, catalogue, clock, 1)
    settings = runtime.settings.model_copy(update={"worker_lease_seconds": 0.0})
    rt = dataclasses.replace(runtime, settings=settings)  # every queued request counts as old
    stuck = sweeps.stuck_cases(rt, 0, "sweep:1")
    assert [c.application_id for c in stuck] == [case_id] and len(stuck[0].dispatch_ids) == 2
    with Session(engine) as session:  # a worker finds nothing to take while the sweep runs it
        assert dispatch.claim(session, datetime.now(UTC), "w1", lease_seconds=LEASE, limit=9) == []
    assert sweeps.stuck_cases(runtime, 0, "sweep:2") == []  # nor a second sweep in the lease
    with Session(engine) as session:
        dispatch.finish(session, list(stuck[0].dispatch_ids), "sweep:1", "run-s")
        session.commit()
    assert {(r.state, r.claimed_by) for r in _rows(engine)} == {(DispatchState.DONE, "sweep:1")}
