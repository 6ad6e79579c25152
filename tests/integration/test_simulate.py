"""``eia simulate``: a planned year replayed through the real services on a moved clock, on
SQLite and PostgreSQL, checked against what the plan predicts (the standard review, the fast
track with its checks and revocations, joint reviews, the green channel); and the command."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from approvals.audit import first_broken_event
from approvals.catalogue import Catalogue, DayUnit
from approvals.catalogue import lawbook as deadlines_law
from approvals.clock import as_local, local_date
from approvals.commitment import service as commitment
from approvals.commitment.eligibility import EligibilityInput, assess
from approvals.ratings.report import rating_report
from approvals.reports.commitment import commitment_report
from approvals.reports.turnaround import ReportFilter, turnaround_report
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.case_clock import GREEN_STEP_BUDGETS, STEP_BUDGETS
from cli.main import app
from core.db import session_scope
from core.settings import get_settings
from flows.runtime import Runtime
from models import (
    Application,
    AuditEvent,
    ClockPause,
    CommitmentBar,
    CommitmentCase,
    Document,
    DocumentKind,
    DocumentState,
    GreenChannel,
    NoticeKind,
    OutboxMail,
    Outcome,
    Panel,
    PanelMember,
    PublicComment,
    PublicNotice,
    RatedEvent,
    Rating,
    RatingFollowUp,
    Status,
    Track,
)
from simulator import hearings as simulate_hearings
from simulator import plan as simulation
from simulator import ratings as simulate_ratings
from simulator.participation import notice_figures
from simulator.plan import Act, CasePlan, Feature, Intake, Route, plan_year
from simulator.replay import appliable_items, plan_for, run_plan, summarise

pytestmark = pytest.mark.integration

YEAR = 2021
SEED = 7
CASES = 12


def test_the_same_seed_gives_the_same_plan(catalogue: Catalogue) -> None:
    items, calendar = appliable_items(catalogue), WorkingCalendar()
    first = plan_year(YEAR, 300, items, calendar, seed=SEED)
    assert first == plan_year(YEAR, 300, items, calendar, seed=SEED)
    assert first != plan_year(YEAR, 300, items, calendar, seed=SEED + 1)

    frequent = [code for code, _ in Counter(c.item_code for c in first.cases).most_common(3)]
    assert frequent[0] == "EIA-02"  # report tables lead the load, then the books and the fast
    assert sorted(frequent) == ["EIA-01", "EIA-02", "EIA-07"]  # track (report tables too)
    assert all(calendar.is_workday(e.day) for e in first.events)  # people act on working days
    assert {e.day.year for e in first.events if e.act is Act.SUBMIT} == {YEAR}
    assert date(YEAR, 2, 7) in {e.day for e in first.events}  # a 2021 make-up Sunday is used
    assert not {e.day for e in first.events} & {date(YEAR, 10, d) for d in range(1, 8)}
    for case in first.cases:
        assert list(case.events) == sorted(case.events)
        assert case.events[0].act is Act.SUBMIT
        assert case.events[-1].act in (Act.SIGN, Act.REFUSE, Act.POST_CHECK)
        assert calendar.is_workday(case.decided_on)
    for feature in Feature:  # every kind of case occurs in a year of 300 (revocations: rare)
        assert first.count(feature) > 0 or feature is Feature.REVOCATION, feature


def _working_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    return calendar.working_days_between(start, end)[0]


def _on(case: CasePlan, act: Act) -> date:
    return next(e.day for e in case.events if e.act is act)


def test_the_tracks_keep_their_shares_and_their_timing(catalogue: Catalogue) -> None:
    calendar = WorkingCalendar()
    plan = plan_year(YEAR, 3000, appliable_items(catalogue), calendar, seed=SEED)
    applied = Counter(c.item_code for c in plan.cases)
    assert 0.7 < applied["EIA-07"] / applied["EIA-01"] < 1.4  # the fast track ~ report books

    fast_applications = [c for c in plan.cases if c.item_code == "EIA-07"]
    fast = [c for c in fast_applications if c.route is Route.FAST_TRACK]
    assert 0.8 < len(fast) / len(fast_applications) < 0.9  # ~85 % eligible
    for case in fast:  # intake and the leader the same or the next working day
        assert case.commitment is not None and case.commitment.eligible
        assert _working_days(calendar, case.submitted_on, _on(case, Act.ACCEPT)) <= 1
        assert case.turnaround_working_days is not None and case.turnaround_working_days <= 1
        check = case.post_check
        assert check is not None and check.assigned_on <= check.due_on
        assert calendar.due(check.assigned_on, 5, DayUnit.WORKING).day >= check.due_on
        assert check.checked_on >= check.assigned_on
    checks = [c.post_check for c in fast if c.post_check]
    assert 0.85 < sum(c.on_time for c in checks) / len(checks) < 0.95  # ~90 % on time
    assert 0.02 < sum(not c.conforms for c in checks) / len(checks) < 0.09  # ~5 % revoked
    for case in (c for c in fast_applications if c.route is Route.CONVERTED):
        assert case.final_item_code == "EIA-02" and case.commitment is not None
        assert case.commitment.ineligible in simulation.INELIGIBLE

    books = [
        c
        for c in plan.cases
        if c.item_code == "EIA-01" and c.intake is not Intake.REFUSE and c.route is Route.STANDARD
    ]
    joint = [c for c in books if c.joint_review]
    assert 0.42 < len(joint) / len(books) < 0.58  # ~50 % of the report books
    assert not any(c.pause_days for c in joint)  # instead of the plain pause
    revised = [c for c in joint if c.joint_review and c.joint_review.conclusion == "revise"]
    assert 0.28 < len(revised) / len(joint) < 0.52  # ~40 % pass after revision
    for case in joint:
        review = case.joint_review
        assert review is not None
        assert 3 <= _working_days(calendar, review.started_on, review.meeting.date()) <= 10
        if review.revised_on is not None:
            assert 5 <= _working_days(calendar, review.closed_on, review.revised_on) <= 15
        assert (case.paused_working_days or 0) > 0

    standard = [
        c for c in plan.cases if c.route is not Route.FAST_TRACK and c.intake is not Intake.REFUSE
    ]
    green = [c for c in standard if c.green]
    assert 0.015 < len(green) / len(standard) < 0.05  # ~3 %
    drafting, step = GREEN_STEP_BUDGETS[Status.DRAFTING], GREEN_STEP_BUDGETS[Status.REVIEWING]
    for case in green:  # faster: the staff's steps fit the shortened budgets unless late
        if case.late is not simulation.Late.NONE or case.pause_days or case.joint_review:
            continue
        item = catalogue.get(case.final_item_code)
        flagged, drafted = _on(case, Act.FLAG_GREEN), _on(case, Act.DRAFT)
        if item.acceptance_notice is not None:  # drafting waits for the 受理公示's end
            accepted = case.deemed_on or _on(case, Act.ACCEPT)
            ended = calendar.due(accepted, item.acceptance_notice.days, DayUnit.WORKING).day
            assert drafted > ended
            flagged = max(flagged, ended)
        if Act.ANSWER in {e.act for e in case.events}:  # ... and for the answers to comments
            flagged = max(flagged, _on(case, Act.ANSWER))
        assert _working_days(calendar, flagged, drafted) <= drafting
        assert _working_days(calendar, drafted, _on(case, Act.APPROVE_DRAFT)) <= step
        signed = _on(case, Act.SIGN)
        if Act.AGREE in {e.act for e in case.events}:  # signing waits for the 拟批准公示's end
            agreed = _on(case, Act.AGREE)
            assert signed > calendar.due(agreed, 5, DayUnit.WORKING).day
            continue
        assert _working_days(calendar, _on(case, Act.APPROVE_DRAFT), signed) <= step


def test_the_plan_mirrors_the_services_rules(catalogue: Catalogue) -> None:
    """The plan's constants are the services' own, and its fast-track projects are judged by
    approvals.commitment.eligibility as the plan expects."""
    assert simulation.POST_CHECK_DAYS == commitment.POST_CHECK_DAYS
    assert simulation.CONVERTS_TO == commitment.STANDARD_ITEM
    assert STEP_BUDGETS[Status.DRAFTING] == simulation.DRAFTING_BUDGET
    assert GREEN_STEP_BUDGETS[Status.DRAFTING] == simulation.GREEN_DRAFTING_BUDGET
    assert GREEN_STEP_BUDGETS[Status.SIGNING] == simulation.GREEN_STEP_BUDGET
    plan = plan_year(YEAR, 600, appliable_items(catalogue), WorkingCalendar(), seed=SEED)
    declared = [(c.project, c.commitment) for c in plan.cases if c.commitment is not None]
    assert {facts.eligible for _, facts in declared} == {True, False}
    for reason in (None, *simulation.INELIGIBLE):  # every project, site and reason
        declared += [simulation._fast_project(random.Random(n), reason) for n in range(40)]
    for project, facts in declared:
        result = assess(
            EligibilityInput(
                industry_code=project.industry_code,
                minglu_item=None,
                document_type=facts.document_type,
                district=project.district,
                park_name=facts.park_name,
                longitude=facts.longitude,
                latitude=facts.latitude,
                in_sensitive_area=facts.in_sensitive_area,
                has_electroplating=facts.has_electroplating,
                is_two_high_one_danger=False,
                involves_radiation=False,
                barred_until=None,
                bad_credit=False,
                today=date(YEAR, 6, 1),
            )
        )
        expected = [] if facts.eligible else [facts.ineligible]
        assert [r.value for r in result.reasons] == expected, project


def test_staff_act_on_intake_within_each_items_own_period(catalogue: Catalogue) -> None:
    """The sweep deems a case accepted the day after its item's intake period (排污许可: 3日,
    else 5 working days): the plan's staff refuse, ask for corrections or accept by then, and
    its deemed acceptances fall on that day."""
    calendar = WorkingCalendar()
    plan = plan_year(YEAR, 1500, appliable_items(catalogue), calendar, seed=SEED)
    first_acts = (Act.ACCEPT, Act.REFUSE, Act.REQUEST_CORRECTION)
    shorter = 0
    for case in plan.cases:
        if case.route is not Route.STANDARD:
            continue
        days, unit, _ = deadlines_law.intake_period(case.item_code)
        deadline = calendar.due(case.submitted_on, days, unit).day
        shorter += (days, unit) != (5, DayUnit.WORKING)
        first = next((e for e in case.events if e.act in first_acts), None)
        if first is None:  # a filing or service item: no intake decision to take
            continue
        if case.intake is Intake.DEEMED:
            assert case.deemed_on == deadline + timedelta(days=1), case.item_code
        else:
            assert first.day <= deadline, (case.item_code, case.submitted_on, first.day)
    assert shorter > 0  # the plan does have items with a period of their own


def test_ensure_gives_a_small_plan_one_case_of_each_kind(catalogue: Catalogue) -> None:
    items, calendar = appliable_items(catalogue), WorkingCalendar()
    plan = plan_year(YEAR, 4, items, calendar, ensure=list(Feature))
    assert all(plan.count(feature) >= 1 for feature in Feature)
    for seed in range(1, 40):  # features that go together share the few cases there are
        for size in (4, 7, CASES):
            plan = plan_year(YEAR, size, items, calendar, seed=seed, ensure=list(Feature))
            assert [f for f in Feature if not plan.count(f)] == [], (seed, size)


def _expected_status(case: CasePlan) -> Status:
    if case.intake is Intake.REFUSE:
        return Status.NOT_ACCEPTED
    if case.post_check is not None:
        return Status.CLOSED if case.post_check.conforms else Status.REVOKED
    return Status.APPROVED if case.outcome is Outcome.APPROVE else Status.DENIED


def _expected_track(case: CasePlan) -> Track:
    if case.route is Route.FAST_TRACK:
        return Track.COMMITMENT
    return Track.GREEN if case.green else Track.STANDARD


def test_a_simulated_year_on_the_real_services(runtime: Runtime, seeded: Engine) -> None:
    calendar = WorkingCalendar()
    plan = plan_for(runtime, YEAR, CASES, SEED, ensure=list(Feature))
    assert all(plan.count(feature) for feature in Feature)
    result = run_plan(runtime, plan)
    assert sorted(result.ids) == list(range(CASES))

    with session_scope(seeded) as session:
        cases = {
            a.id: a
            for a in session.exec(
                select(Application).where(col(Application.id).in_(list(result.ids.values())))
            )
        }

        def of(case: CasePlan) -> Application:
            return cases[result.ids[case.index]]

        for case in plan.cases:
            application = of(case)
            # every case was decided, on the day and with the turnaround the plan predicts
            assert application.decided_on == case.decided_on, case
            assert calendar.is_workday(application.decided_on)
            assert application.status is _expected_status(case), case
            assert application.item_code == case.final_item_code
            if case.intake is Intake.REFUSE:
                continue
            assert application.track == _expected_track(case)
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
            application = of(case)
            event = session.exec(
                select(AuditEvent).where(
                    AuditEvent.application_id == application.id,
                    AuditEvent.action == "deemed_accept",
                )
            ).one()
            assert local_date(event.at) == case.deemed_on
            assert application.accepted_on == application.received_on == case.submitted_on

        # the fast track: decided within a working day, checked by the assigned officer when
        # the sweep gave it out, a false commitment revoked and its company barred
        fast = [c for c in plan.cases if c.route is Route.FAST_TRACK]
        assert fast and all((c.turnaround_working_days or 0) <= 1 for c in fast)
        revoked = [c for c in fast if c.post_check and not c.post_check.conforms]
        assert revoked
        for case in fast:
            row = session.get(CommitmentCase, of(case).id)
            check = case.post_check
            assert row is not None and check is not None
            assert row.eligible and row.letter_sha256 and row.accepted_sha256 == row.letter_sha256
            assert runtime.store.get(row.letter_key or "").startswith(b"%PDF-")
            assert row.check_due_on == check.due_on
            assert row.check_assigned_at and local_date(row.check_assigned_at) == check.assigned_on
            assert row.checked_at and local_date(row.checked_at) == check.checked_on
            assert row.check_outcome == ("conforms" if check.conforms else "not_conforming")
        bars = session.exec(select(CommitmentBar)).all()
        assert sorted(b.application_id for b in bars) == sorted(of(c).id for c in revoked)
        assert len({of(c).enterprise_id for c in fast}) == len(fast)  # a company each

        # ineligible: converted to the standard review of a report table, with a notice
        converted = [c for c in plan.cases if c.route is Route.CONVERTED]
        assert converted
        for case in converted:
            row = session.get(CommitmentCase, of(case).id)
            assert row is not None and row.converted_at is not None and not row.eligible
            assert of(case).process_kind == "standard"

        # joint reviews: the planned seed and meeting, every opinion, the chair's conclusion,
        # the clock stopped for the review and, after "pass after revision", for the revision
        joint = [c for c in plan.cases if c.joint_review]
        assert any(c.joint_review and c.joint_review.conclusion == "revise" for c in joint)
        for case in joint:
            review = case.joint_review
            assert review is not None
            panel = session.exec(select(Panel).where(Panel.application_id == of(case).id)).one()
            assert (panel.seed, panel.status, panel.conclusion) == (
                review.seed,
                "closed",
                review.conclusion,
            )
            assert panel.meeting_at and as_local(panel.meeting_at) == review.meeting
            assert panel.closed_at and local_date(panel.closed_at) == review.closed_on
            members = session.exec(
                select(PanelMember).where(
                    PanelMember.panel_id == panel.id, PanelMember.state == "invited"
                )
            ).all()
            assert len(members) >= 3 and all(m.submitted_at for m in members)
            reasons = [
                p.reason
                for p in session.exec(
                    select(ClockPause)
                    .where(ClockPause.application_id == of(case).id)
                    .order_by(col(ClockPause.id))
                )
            ]
            revised = review.conclusion == "revise"
            heard = ["听证"] if case.hearing else []
            assert reasons == ["专家评审", *(["报告修改"] if revised else []), *heard]
            if revised:
                confirmed = panel.revision_confirmed_at
                assert confirmed and local_date(confirmed) == review.confirmed_on

        # the green channel: flagged by the section chief at acceptance
        green = [c for c in plan.cases if c.green]
        assert green
        flags = session.exec(select(GreenChannel)).all()
        assert sorted(f.application_id for f in flags) == sorted(of(c).id for c in green)

        # pauses: the plain expert reviews told the applicant in writing, and the joint reviews
        paused = [c for c in plan.cases if c.pause_days]
        assert paused
        rows = session.exec(select(ClockPause)).all()
        revisions = sum(1 for c in joint if c.joint_review and c.joint_review.revised_on)
        heard = sum(1 for c in plan.cases if c.hearing)  # a hearing stops it too (its own notice)
        expected = len(paused) + len(joint) + revisions + heard
        assert len(rows) == expected and all(r.end_on for r in rows)
        assert all(of(c).paused_working_days for c in paused + joint)
        documents = session.exec(select(Document)).all()
        kinds = Counter(d.kind for d in documents)
        assert kinds[DocumentKind.SPECIAL_PROCEDURE_NOTICE] == len(paused) + len(joint) + heard
        assert kinds[DocumentKind.EXPERT_OPINION] == len(joint)
        assert kinds[DocumentKind.CORRECTION_NOTICE] == plan.count(Feature.CORRECTION)
        assert kinds[DocumentKind.DENIAL] == plan.count(Feature.DENIAL)
        assert kinds[DocumentKind.COMMITMENT_DECISION] == len(fast)
        assert kinds[DocumentKind.REVOCATION_DECISION] == len(revoked)
        assert kinds[DocumentKind.CONVERSION_NOTICE] == len(converted)

        # every PDF rendered and stored, every mail relayed
        states = Counter(d.state for d in documents)
        assert states[DocumentState.REVOKED] == len(revoked)  # the revoked fast-track decisions
        assert states[DocumentState.ISSUED] == len(documents) - len(revoked)
        for document in documents:
            assert document.object_key is not None
            assert runtime.store.get(document.object_key).startswith(b"%PDF-")
        mails = session.exec(select(OutboxMail)).all()
        assert mails and all(m.sent_at is not None for m in mails)
        assert len(list(runtime.settings.resolved_outbox_dir.glob("*.eml"))) == len(mails)

        assert len(session.exec(select(AuditEvent.id)).all()) > CASES * 4
        assert first_broken_event(session) is None  # the audit chain verifies

        # the comparison's figures are the auditors' (this database holds just this year)
        report = commitment_report(session, runtime.catalogue, ReportFilter(), plan.last_day)
        green_report = turnaround_report(
            session, runtime.catalogue, ReportFilter(track=Track.GREEN)
        ).overall

    summary = summarise(seeded, result, runtime.catalogue)
    assert summary.submitted == summary.decided == CASES
    assert summary.deemed == len(deemed) and summary.paused == len(paused) + len(joint)
    assert summary.refused == plan.count(Feature.REFUSAL)
    assert summary.corrections == plan.count(Feature.CORRECTION)
    assert (summary.fast_track, summary.converted) == (len(fast), len(converted))
    assert (summary.joint_reviews, summary.revisions, summary.green) == (
        len(joint),
        revisions,
        len(green),
    )
    figures = summary.comparison
    for ours, theirs in (
        (figures.fast_track, report.fast),
        (figures.standard_table, report.standard),
    ):
        assert (ours.count, ours.median, ours.p90) == (
            theirs.count,
            theirs.median_working_days,
            theirs.p90_working_days,
        )
    assert figures.fast_track.count == len(fast) and (figures.fast_track.p90 or 0) <= 1
    assert figures.revoked == report.revoked == len(revoked)
    on_time = sum(1 for c in fast if c.post_check and c.post_check.on_time)
    assert figures.checks_done == figures.checks_scheduled == len(fast)
    assert figures.checks_on_time == report.post_check.on_time == on_time
    assert (figures.green.count, figures.green.median) == (
        green_report.count,
        green_report.median_working_days,
    )
    assert figures.joint_reviewed.count == len(joint)
    assert figures.joint_reviewed.median_paused and figures.joint_reviewed.median_paused > 0

    # the public's part: every comment planned was made (late ones marked) and answered; each
    # 受理公示 and 拟批准公示 ran its full length, published on the day of its event
    rows, received, late = notice_figures(seeded, plan)
    with session_scope(seeded) as session:
        made = session.exec(select(PublicComment)).all()
    assert (len(made), sum(c.late for c in made)) == (received, late)
    assert all(c.response for c in made)
    by_kind = {r.kind: r for r in rows}
    for kind in (NoticeKind.ACCEPTANCE, NoticeKind.PRE_APPROVAL):
        row = by_kind[kind]
        assert row.notices and row.ran_full_length == row.finished == row.notices
    assert by_kind[NoticeKind.PRE_APPROVAL].median_lag_working_days == 0
    publishing = {i.code for i in runtime.catalogue.items if i.decision_notice}
    assert by_kind[NoticeKind.DECISION].notices == sum(
        1 for c in plan.cases if c.final_item_code in publishing and c.outcome is not None
    )

    # the hearings: each held and recorded with its two PDFs; the clock stood still from the
    # request to the confirmation (the turnaround above already matched the plan); an ordered
    # one was announced to the public
    heard = [c for c in plan.cases if c.hearing is not None]
    assert heard
    with session_scope(seeded) as session:
        figures_heard = simulate_hearings.figures(session, list(result.ids.values()))
        for case in heard:
            application_id = result.ids[case.index]
            kinds = set(
                session.exec(
                    select(Document.kind).where(
                        Document.application_id == application_id,
                        Document.state == DocumentState.ISSUED,
                    )
                )
            )
            assert {DocumentKind.HEARING_NOTICE, DocumentKind.HEARING_RECORD} <= kinds, case
            announced = session.exec(
                select(PublicNotice).where(
                    PublicNotice.application_id == application_id,
                    PublicNotice.kind == NoticeKind.HEARING,
                )
            ).first()
            assert (announced is not None) is case.hearing.ordered
            assert as_local(announced.hearing_at) == case.hearing.held_at if announced else True
    # 好差评 after the year: most decided cases rated through the rating service, every 差评's
    # follow-up answered by a section chief (the report counts them on time or late)
    rated = simulate_ratings.rate_year(runtime, plan, list(result.ids.values()))
    with session_scope(seeded) as session:
        report = rating_report(session, runtime.catalogue, plan.last_day)
        bad = session.exec(select(RatingFollowUp)).all()
        decisions = session.exec(select(Rating).where(Rating.event == RatedEvent.DECISION)).all()
    assert rated == len(decisions) > 0  # (the report also counts guidance and ledger ratings)
    assert sum(report.by_level.values()) == report.total >= rated
    assert report.follow_ups_open == 0
    assert report.follow_ups_on_time + report.follow_ups_late == len(bad)
    assert figures_heard.held == len(heard) and figures_heard.median_paused_working_days
    assert figures_heard.ordered == sum(c.hearing.ordered for c in heard if c.hearing)


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
    for label in ("fast track:", "converted:", "joint reviews:", "green channel:", "revoked:"):
        assert label in out
    assert "对比 comparison" in out and "fast track EIA-07" in out and "standard EIA-02" in out
    assert "post-checks on time" in out
    assert re.search(r"problem ledger: \d+ raised, .* within the deadline", out)  # 问题台账
    assert re.search(r"\d+\.\d+ cases/s", out)
    assert (var_dir / "eia.db").is_file()
    assert list((var_dir / "outbox").glob("*.eml"))
    assert list((var_dir / "objects").rglob("*"))

    again = CliRunner().invoke(app, args)  # the same plan twice into one database: refused
    assert again.exit_code == 1
    assert "already replayed" in again.output

    bad = CliRunner().invoke(app, ["simulate", "--year", "1999", "--applications", "3"])
    assert bad.exit_code == 2 and "out of range" in bad.output
