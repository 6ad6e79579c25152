"""The deadline sweep's shortcuts (one clock per distinct input, one UPDATE per batch on
PostgreSQL) store exactly what the case's own clock says: due dates are statutory."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.casework.deadlines import refresh_warnings
from approvals.catalogue import Catalogue
from approvals.catalogue.item_versions import item_of
from approvals.timekeeping.case_clock import state_of
from approvals.timekeeping.schedule import shared_calendar
from models import Application, ClockPause, Status, StepRecord, User, WarningLevel

TODAY = date(2026, 12, 1)
OPEN = (Status.SUBMITTED, Status.DRAFTING, Status.REVIEWING, Status.SIGNING, Status.ISSUING)


def _load(session: Session, catalogue: Catalogue, n: int) -> None:
    """``n`` open cases drawn so that many share a start, an item and a step (the memo's hits)
    while pauses (closed, open, two), tracks, statuses, items and units vary."""
    rng = random.Random(13)
    applicant = session.exec(select(User).where(User.username == "qiye")).one()
    items = [i for i in catalogue.items if i.statutory.days][:12]
    for k in range(n):
        item = items[k % len(items)]
        status = rng.choice(OPEN)
        started = None if status is Status.SUBMITTED else TODAY - timedelta(rng.randrange(0, 140))
        case = Application(
            number=f"ZZHP-S-{k:05d}",
            item_code=item.code,
            item_version=item.version,
            enterprise_id=applicant.enterprise_id or 0,
            created_by=applicant.id or 0,
            status=status,
            project_name="时限核对项目",
            site="郑州市",
            district="金水区",
            industry_code="3421",
            total_investment=Decimal("100.00"),
            env_investment=Decimal("5.00"),
            consultant="测试环评单位",
            contact_email="t@example.com",
            created_at=datetime(2026, 1, 5, 2, tzinfo=UTC),
            track=rng.choice(["standard", "standard", "green"]),
            clock_started_on=started,
            # a stale cache on some: the sweep must overwrite it
            due_on=TODAY if k % 7 == 0 else None,
            warning=WarningLevel.RED if k % 11 == 0 else WarningLevel.NONE,
        )
        session.add(case)
        session.flush()
        case_id = case.id or 0
        if started is not None and rng.random() < 0.4:
            first = started + timedelta(rng.randrange(0, 30))
            length = rng.randrange(0, 25)
            closed = first + timedelta(length)
            still_open = rng.random() < 0.4 or closed >= TODAY
            _pause(session, case_id, first, None if still_open else closed)
            if not still_open and rng.random() < 0.5 and closed + timedelta(3) < TODAY:
                second = closed + timedelta(rng.randrange(1, 3))
                _pause(
                    session, case_id, second, None if rng.random() < 0.5 else second + timedelta(1)
                )
        if rng.random() < 0.9:  # a few cases with no open step
            entered = (started or TODAY - timedelta(8)) + timedelta(rng.randrange(0, 6))
            moment = datetime.combine(min(entered, TODAY), time(rng.choice([1, 17])), UTC)
            session.add(
                StepRecord(application_id=case_id, status=status, entered_at=moment, left_at=None)
            )
    session.flush()


def _pause(session: Session, case_id: int, start: date, end: date | None) -> None:
    session.add(
        ClockPause(
            application_id=case_id, reason="专家评审", start_on=start, end_on=end, max_days=30
        )
    )


def _stored(session: Session) -> dict[int, tuple[date | None, WarningLevel, bool]]:
    rows = session.exec(
        select(Application.id, Application.due_on, Application.warning, Application.due_provisional)
    ).all()
    return {i or 0: (due, warning, provisional) for i, due, warning, provisional in rows}


def test_sweep_stores_what_each_case_clock_says(seeded: Engine, catalogue: Catalogue) -> None:
    calendar = shared_calendar()
    with Session(seeded) as session:
        _load(session, catalogue, 400)
        session.commit()
        before = _stored(session)
        expected = {}
        for case in session.exec(select(Application).order_by(col(Application.id))).all():
            state = state_of(session, calendar, item_of(session, case), case, TODAY)
            expected[case.id or 0] = (state.due_on, state.warning, state.provisional)
        session.rollback()

        counts = refresh_warnings(session, calendar, catalogue, TODAY, batch=64)
        session.commit()
        assert _stored(session) == expected
        differed = sum(before[i] != expected[i] for i in expected)
        assert (counts.checked, counts.changed) == (400, differed)
        # the draw covers what the clock distinguishes
        assert {w for _, w, _ in expected.values()} == set(WarningLevel)
        assert any(p for _, _, p in expected.values())
        assert any(d is None for d, _, _ in expected.values())

        assert refresh_warnings(session, calendar, catalogue, TODAY).changed == 0  # idempotent
        later = TODAY + timedelta(days=20)
        counts = refresh_warnings(session, calendar, catalogue, later)
        session.commit()
        for case in session.exec(select(Application)).all():
            state = state_of(session, calendar, item_of(session, case), case, later)
            assert (case.due_on, case.warning, case.due_provisional) == (
                state.due_on,
                state.warning,
                state.provisional,
            ), case.number
        assert counts.changed > 0
