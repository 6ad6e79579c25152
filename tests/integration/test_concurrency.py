"""Races on the real databases: gapless numbers, one sign-off wins, the audit chain never forks.

Each thread has its own session (its own connection), as concurrent requests or flow runs do.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework import cases, review
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue
from approvals.catalogue.process.standard import Action
from approvals.clock import FixedClock, to_utc
from approvals.errors import ConcurrentUpdate, InvalidTransition
from approvals.numbering import next_serial
from approvals.seed import ensure_demo_accounts
from approvals.uploads import CheckedUpload
from models import (
    Application,
    AuditEvent,
    Document,
    DocumentKind,
    Outcome,
    SerialCounter,
    Status,
    User,
)
from models.schemas import ApplicationCreate, DecisionDraft
from tests.fixtures_db import wipe
from tests.helpers import PROJECT, minimal_pdf
from tests.notice_time import agree_and_end_pre_approval_in, end_notices_in

pytestmark = pytest.mark.integration

THREADS, CALLS, ROLLBACK_EVERY = 8, 25, 5


def _run_together(workers: int, work: Callable[[int], None]) -> None:
    """Start ``workers`` threads at one barrier; re-raise the first exception any of them had."""
    barrier = threading.Barrier(workers)

    def started(index: int) -> None:
        barrier.wait(timeout=30)
        work(index)

    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(started, i) for i in range(workers)]:
            future.result(timeout=60)


@contextmanager
def _statement_sent(engine: Engine, *fragments: str) -> Iterator[threading.Event]:
    """An event set once another thread sends a statement containing one of ``fragments``:
    by then that thread has done everything before it (an observation, nothing is changed)."""
    caller = threading.get_ident()
    sent = threading.Event()

    def watch(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if threading.get_ident() != caller and any(f in statement for f in fragments):
            sent.set()

    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", watch)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    wipe(engine)
    return engine


def test_numbers_stay_gapless_when_threads_commit_and_roll_back(db: Engine) -> None:
    committed: list[int] = []
    lock = threading.Lock()

    def allocate(_: int) -> None:
        for call in range(CALLS):
            with Session(db) as session:
                number = next_serial(session, "document:郑环审", 2026)
                if call % ROLLBACK_EVERY == ROLLBACK_EVERY - 1:
                    session.rollback()  # the number goes back for the next caller
                    continue
                session.commit()
            with lock:
                committed.append(number)

    _run_together(THREADS, allocate)

    expected = THREADS * CALLS * (ROLLBACK_EVERY - 1) // ROLLBACK_EVERY
    assert len(committed) == expected == 160
    assert sorted(committed) == list(range(1, expected + 1))  # no gaps, no duplicates
    with Session(db) as session:
        counter = session.get(SerialCounter, ("document:郑环审", 2026))
        assert counter is not None and counter.last_value == expected
        assert session.exec(select(func.count()).select_from(SerialCounter)).one() == 1


def _case_in_signing(engine: Engine, catalogue: Catalogue, clock: FixedClock) -> int:
    """A report book driven by the services to the leader's sign-off, committed."""
    with Session(engine) as session:
        ensure_demo_accounts(session)
        users = {u.username: u for u in session.exec(select(User))}
        applicant = users["qiye"]
        application, _ = cases.create_application(
            session, clock, catalogue, applicant, ApplicationCreate(**PROJECT), area_code="410100"
        )
        assert application.id is not None
        pdf = minimal_pdf()
        upload = CheckedUpload(
            "m.pdf", "application/pdf", hashlib.sha256(pdf).hexdigest(), len(pdf)
        )
        for material in catalogue.get(application.item_code).materials:
            if material.required:
                cases.record_material(
                    session,
                    clock,
                    applicant,
                    application,
                    material.code,
                    upload,
                    f"applications/{application.number}/materials/{upload.sha256}",
                    catalogue,
                )
        cases.submit(session, clock, catalogue, applicant, application.id)
        cases.accept(session, clock, catalogue, users["shouli"], application.id)
        # What the flow does once the 受理通知书 is out; the notice itself is not needed here.
        move(session, to_utc(clock.now()), application, Action.START_DRAFTING, None)
        end_notices_in(session, clock, application.id)
        draft = DecisionDraft(outcome=Outcome.APPROVE, conditions=["落实废水治理措施。"])
        review.draft_decision(session, clock, users["chengban"], application.id, draft)
        review.approve_draft(session, clock, users["kezhang"], application.id)
        item = catalogue.get(application.item_code)
        agree_and_end_pre_approval_in(session, clock, users["lingdao"], application, item)
        session.commit()
        assert application.status is Status.SIGNING
        return application.id


def test_second_sign_off_racing_the_first_gets_concurrent_update(
    db: Engine, catalogue: Catalogue, clock: FixedClock
) -> None:
    case_id = _case_in_signing(db, catalogue, clock)
    with Session(db) as session:
        version_before = session.get(Application, case_id).version  # type: ignore[union-attr]
    clock.advance(timedelta(hours=1))
    outcomes: list[str] = []
    lock = threading.Lock()
    loaded = threading.Barrier(2)

    def sign_off(_: int) -> None:
        with Session(db) as session:
            leader = session.exec(select(User).where(User.username == "lingdao")).one()
            case = session.get(Application, case_id)
            assert case is not None and case.status is Status.SIGNING
            loaded.wait(timeout=30)  # both leaders have the case open, unsigned
            try:
                review.sign(session, clock, catalogue, leader, case_id, comment="同意。")
                session.commit()
                outcome = "signed"
            except (ConcurrentUpdate, InvalidTransition) as exc:
                session.rollback()
                outcome = type(exc).__name__
        with lock:
            outcomes.append(outcome)

    _run_together(2, sign_off)

    # Both saw the case unsigned, so the loser passes the state check and loses on the version.
    assert sorted(outcomes) == ["ConcurrentUpdate", "signed"]
    with Session(db) as session:
        case = session.get(Application, case_id)
        assert case is not None
        assert (case.status, case.version) == (Status.ISSUING, version_before + 1)
        approvals = session.exec(
            select(Document).where(
                Document.application_id == case_id, Document.kind == DocumentKind.APPROVAL
            )
        ).all()
        assert len(approvals) == 1
        signs = session.exec(select(AuditEvent).where(AuditEvent.action == "sign")).all()
        assert len(signs) == 1
        assert audit.first_broken_event(session) is None


def _append(session: Session, clock: FixedClock, comment: str) -> AuditEvent:
    return audit.append_event(
        session,
        at=to_utc(clock.now()),
        application_id=None,
        actor_id=None,
        actor_name="并发测试",
        actor_role="system",
        action="probe",
        comment=comment,
    )


def test_the_audit_chain_stays_linear_under_concurrent_appends(
    postgres_engine: Engine, clock: FixedClock
) -> None:
    wipe(postgres_engine)

    def append_many(index: int) -> None:
        for n in range(10):
            with Session(postgres_engine) as session:
                _append(session, clock, f"thread {index} event {n}")
                session.commit()

    _run_together(4, append_many)

    with Session(postgres_engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert len(events) == 40
        assert len({e.prev_hash for e in events}) == 40  # no two events share a predecessor
        assert audit.first_broken_event(session) is None
        victim = events[17]
        session.execute(
            text(f"UPDATE {AuditEvent.__tablename__} SET comment = :c WHERE id = :id"),
            {"c": "篡改后的意见", "id": victim.id},
        )
        session.commit()
        broken = audit.first_broken_event(session)
        assert broken is not None and broken.id == victim.id


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_append_waiting_on_an_uncommitted_one_links_to_it(
    backend: str, request: pytest.FixtureRequest, clock: FixedClock
) -> None:
    engine: Engine = request.getfixturevalue(f"{backend}_engine")
    wipe(engine)
    first = Session(engine)
    head_hash = _append(first, clock, "first, not yet committed").hash

    def second() -> None:
        with Session(engine) as session:
            _append(session, clock, "second, started while the first was open")
            session.commit()

    # the statement each backend queues on: the advisory lock, or SQLite's write-lock probe
    lock_or_insert = ("pg_advisory_xact_lock", f"UPDATE {AuditEvent.__tablename__} SET id = id")
    try:
        with _statement_sent(engine, *lock_or_insert) as waiting, ThreadPoolExecutor(1) as pool:
            future = pool.submit(second)
            assert waiting.wait(timeout=30)  # the second has read what it reads before writing
            time.sleep(0.2)  # and is blocked on the first's lock
            first.commit()
            future.result(timeout=30)
    finally:
        first.close()

    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert [e.comment for e in events] == [
            "first, not yet committed",
            "second, started while the first was open",
        ]
        assert events[1].prev_hash == head_hash
        assert audit.first_broken_event(session) is None


def test_a_raw_edit_of_any_event_is_found_by_the_chain_check(db: Engine, clock: FixedClock) -> None:
    with Session(db) as session:
        for n in range(5):
            _append(session, clock, f"event {n}")
        session.commit()
        assert audit.first_broken_event(session) is None
        session.execute(
            text(f"UPDATE {AuditEvent.__tablename__} SET comment = 'edited' WHERE id = 3")
        )
        session.commit()
        broken = audit.first_broken_event(session)
        assert broken is not None and (broken.id, broken.comment) == (3, "edited")


def test_a_retry_racing_the_first_create_with_the_same_key_gets_the_first_application(
    db: Engine, catalogue: Catalogue, clock: FixedClock
) -> None:
    with Session(db) as session:
        ensure_demo_accounts(session)
        session.commit()
    data = ApplicationCreate(**PROJECT)
    first = Session(db)
    applicant = first.exec(select(User).where(User.username == "qiye")).one()
    created, _ = cases.create_application(
        first, clock, catalogue, applicant, data, area_code="410100", idempotency_key="k-1"
    )
    first_id = created.id
    retried: list[tuple[int | None, bool]] = []

    def retry() -> None:
        with Session(db) as session:
            user = session.exec(select(User).where(User.username == "qiye")).one()
            application, was_created = cases.create_application(
                session, clock, catalogue, user, data, area_code="410100", idempotency_key="k-1"
            )
            session.commit()
            retried.append((application.id, was_created))

    counter_insert = f"INSERT INTO {SerialCounter.__tablename__}"
    try:
        with _statement_sent(db, counter_insert) as numbering, ThreadPoolExecutor(1) as pool:
            future = pool.submit(retry)
            assert numbering.wait(timeout=30)  # the retry looked the key up and found nothing
            first.commit()
            future.result(timeout=30)
    finally:
        first.close()

    assert retried == [(first_id, False)]
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(Application)).one() == 1
