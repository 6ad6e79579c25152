"""``eia simulate``: a planned year replayed through the real services on a moved clock, on
SQLite and PostgreSQL, checked against what the plan predicts; and the command itself."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from approvals.audit import first_broken_event
from approvals.calendar import WorkingCalendar
from approvals.catalogue import Catalogue
from approvals.clock import local_date
from approvals.simulation import Act, Feature, Intake, plan_year
from cli.main import app
from cli.simulate import appliable_items, plan_for, run_plan, summarise
from core.db import session_scope
from core.settings import get_settings
from flows.runtime import Runtime
from models import (
    Application,
    AuditEvent,
    ClockPause,
    Document,
    DocumentKind,
    DocumentState,
    OutboxMail,
    Outcome,
    Status,
)

pytestmark = pytest.mark.integration

YEAR = 2021
SEED = 7
CASES = 12


def test_the_same_seed_gives_the_same_plan(catalogue: Catalogue) -> None:
    items, calendar = appliable_items(catalogue), WorkingCalendar()
    first = plan_year(YEAR, 300, items, calendar, seed=SEED)
    assert first == plan_year(YEAR, 300, items, calendar, seed=SEED)
    assert first != plan_year(YEAR, 300, items, calendar, seed=SEED + 1)

    frequent = [code for code, _ in Counter(c.item_code for c in first.cases).most_common(2)]
    assert sorted(frequent) == ["EIA-01", "EIA-02"]  # report tables and books lead the load
    assert all(calendar.is_workday(e.day) for e in first.events)  # people act on working days
    assert {e.day.year for e in first.events if e.act is Act.SUBMIT} == {YEAR}
    assert date(YEAR, 2, 7) in {e.day for e in first.events}  # a 2021 make-up Sunday is used
    assert not {e.day for e in first.events} & {date(YEAR, 10, d) for d in range(1, 8)}
    for case in first.cases:
        assert list(case.events) == sorted(case.events)
        assert case.events[0].act is Act.SUBMIT
        assert case.events[-1].act in (Act.SIGN, Act.REFUSE)
        assert calendar.is_workday(case.decided_on)
    for feature in Feature:  # every kind of case occurs in a year of 300
        assert first.count(feature) > 0, feature


def test_ensure_gives_a_small_plan_one_case_of_each_kind(catalogue: Catalogue) -> None:
    plan = plan_year(YEAR, 4, appliable_items(catalogue), WorkingCalendar(), ensure=list(Feature))
    assert all(plan.count(feature) >= 1 for feature in Feature)


def test_a_simulated_year_on_the_real_services(runtime: Runtime, seeded: Engine) -> None:
    calendar = WorkingCalendar()
    plan = plan_for(runtime, YEAR, CASES, SEED, ensure=list(Feature))
    result = run_plan(runtime, plan)
    assert sorted(result.ids) == list(range(CASES))

    with session_scope(seeded) as session:
        cases = {
            a.id: a
            for a in session.exec(
                select(Application).where(col(Application.id).in_(list(result.ids.values())))
            )
        }
        for case in plan.cases:
            application = cases[result.ids[case.index]]
            # every case was decided, on the day and with the turnaround the plan predicts
            assert application.decided_on == case.decided_on, case
            assert calendar.is_workday(application.decided_on)
            if case.intake is Intake.REFUSE:
                assert application.status is Status.NOT_ACCEPTED
                continue
            expected = Status.APPROVED if case.outcome is Outcome.APPROVE else Status.DENIED
            assert application.status is expected
            assert application.clock_started_on == case.clock_started_on
            assert application.turnaround_working_days == case.turnaround_working_days, case
            assert application.paused_working_days == case.paused_working_days
            assert application.turnaround_working_days is not None

        # no decision of 2021 fell on a weekend, a holiday, or outside the make-up schedule
        decided_2021 = [a.decided_on for a in cases.values() if a.decided_on.year == YEAR]
        assert decided_2021 and all(calendar.is_workday(d) for d in decided_2021)

        # deemed acceptance happened on the planned day, as of the receipt date
        deemed = [c for c in plan.cases if c.intake is Intake.DEEMED]
        assert deemed
        for case in deemed:
            application = cases[result.ids[case.index]]
            event = session.exec(
                select(AuditEvent).where(
                    AuditEvent.application_id == application.id,
                    AuditEvent.action == "deemed_accept",
                )
            ).one()
            assert local_date(event.at) == case.deemed_on
            assert application.accepted_on == application.received_on == case.submitted_on

        # expert reviews paused the clock and told the applicant in writing
        paused = [c for c in plan.cases if c.pause_days]
        assert paused
        rows = session.exec(select(ClockPause)).all()
        assert len(rows) == len(paused) and all(r.end_on for r in rows)
        assert all(cases[result.ids[c.index]].paused_working_days for c in paused)
        documents = session.exec(select(Document)).all()
        kinds = Counter(d.kind for d in documents)
        assert kinds[DocumentKind.SPECIAL_PROCEDURE_NOTICE] == len(paused)
        assert kinds[DocumentKind.CORRECTION_NOTICE] == plan.count(Feature.CORRECTION)
        assert kinds[DocumentKind.DENIAL] == plan.count(Feature.DENIAL)

        # every PDF rendered and stored, every mail relayed
        assert all(d.state is DocumentState.ISSUED for d in documents)
        for document in documents:
            assert document.object_key is not None
            assert runtime.store.get(document.object_key).startswith(b"%PDF-")
        mails = session.exec(select(OutboxMail)).all()
        assert mails and all(m.sent_at is not None for m in mails)
        assert len(list(runtime.settings.resolved_outbox_dir.glob("*.eml"))) == len(mails)

        assert len(session.exec(select(AuditEvent.id)).all()) > CASES * 4
        assert first_broken_event(session) is None  # the audit chain verifies

    summary = summarise(seeded, result, runtime.catalogue)
    assert summary.submitted == summary.decided == CASES
    assert summary.deemed == len(deemed) and summary.paused == len(paused)
    assert summary.refused == plan.count(Feature.REFUSAL)
    assert summary.corrections == plan.count(Feature.CORRECTION)


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EIA_VAR_DIR", str(tmp_path / "var"))
    for name in ("EIA_DATABASE_URL", "EIA_STORAGE_BACKEND", "EIA_MAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_the_command_replays_a_year_into_the_embedded_default(var_dir: Path) -> None:
    args = ["simulate", "--year", str(YEAR), "--applications", "3", "--seed", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert re.search(r"submitted:\s+3\b", out) and re.search(r"decided:\s+3\b", out)
    for label in ("approved:", "denied:", "refused:", "deemed accepted:", "paused:"):
        assert label in out
    assert "corrections:" in out and "reminders:" in out
    assert "EIA-01" in out and "EIA-02" in out
    assert re.search(r"\d+\.\d+ cases/s", out)
    assert (var_dir / "eia.db").is_file()
    assert list((var_dir / "outbox").glob("*.eml"))
    assert list((var_dir / "objects").rglob("*"))

    again = CliRunner().invoke(app, args)  # the same plan twice into one database: refused
    assert again.exit_code == 1
    assert "already replayed" in again.output

    bad = CliRunner().invoke(app, ["simulate", "--year", "1999", "--applications", "3"])
    assert bad.exit_code == 2 and "out of range" in bad.output
