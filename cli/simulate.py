"""``eia simulate``: replay a year's workload through the real services on a moved clock.

``approvals.simulation`` plans the year (seeded, no I/O); this module replays the plan day by
day on a ``FixedClock``: the deadline sweep (deemed acceptance, warnings, reminders, mail relay)
runs once per simulated day at 07:00, then each planned action runs at its time through the
same services the API calls, committed, with the flow runs it asks for launched in-process
right after the commit (``InlineLauncher``). Every document is rendered and stored, every mail
queued and relayed, exactly as the service does; only the clock is simulated.

Python entry points: ``simulate(runtime, year, applications, seed)`` (plan and replay) and
``run_plan(runtime, plan)``; ``summarise(engine, result)`` reads the figures back.
"""

from __future__ import annotations

import statistics
import time as timer
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue, Item, ProcessKind, shared_catalogue
from approvals.clock import SHANGHAI, FixedClock, to_utc
from approvals.errors import DomainError, ItemNotAvailable
from approvals.holidays import calendar_from_db
from approvals.schedule import install_overrides, shared_calendar
from approvals.services import cases, dispatch, pauses, review
from approvals.simulation import (
    EXPERT_REVIEW,
    SWEEP_MINUTE,
    Act,
    CasePlan,
    Event,
    Feature,
    Plan,
    conditions_for,
    correction_reason_for,
    denial_for,
    plan_year,
    refusal_for,
)
from approvals.uploads import check_upload, material_key
from cli.sample_pdf import minimal_pdf
from core.db import session_scope
from flows import deadlines, steps
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import (
    Application,
    AuditEvent,
    ClockPause,
    Document,
    DocumentState,
    FlowDispatch,
    OutboxMail,
    Outcome,
    Reminder,
    Role,
    Status,
    User,
)
from models.schemas import (
    ApplicationCreate,
    CorrectionRequest,
    DecisionDraft,
    MissingMaterial,
    RefusalRequest,
)

ACTORS: dict[Role, str] = {  # the demo accounts (approvals.seed) who act in the replay
    Role.APPLICANT: "qiye",
    Role.INTAKE_OFFICER: "shouli",
    Role.CASE_OFFICER: "chengban",
    Role.SECTION_CHIEF: "kezhang",
    Role.LEADER: "lingdao",
}
REPORTED_ITEMS = ("EIA-01", "EIA-02")  # report books and report tables
RELAY_BATCH = 100

DayCallback = Callable[[date, int], None]  # (the day just simulated, cases decided so far)


class SimulationError(RuntimeError):
    """The replay could not take a planned step; the message names the case and the step."""


@dataclass
class Result:
    plan: Plan
    ids: dict[int, int] = field(default_factory=dict)  # case index -> application id
    seconds: float = 0.0  # wall-clock time of the replay (migrations and planning excluded)
    cpu_seconds: float = 0.0
    swept_days: int = 0
    deemed_by_sweep: int = 0
    reminders_queued: int = 0

    @property
    def cases_per_second(self) -> float:
        return len(self.ids) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class ItemTurnaround:
    code: str
    name: str
    decided: int
    median: float | None  # working days, pauses excluded
    longest: int | None
    statutory: int | None
    promised: int | None
    within_promised: int
    within_statutory: int


@dataclass(frozen=True)
class Summary:
    submitted: int
    decided: int
    approved: int
    denied: int
    refused: int
    deemed: int
    paused: int
    corrections: int
    reminders: int
    documents: int
    mails_sent: int
    turnaround: tuple[ItemTurnaround, ...]


def appliable_items(catalogue: Catalogue) -> list[Item]:
    """The standard-review items this build takes applications for (``cases.appliable_item``);
    the replay drives the standard process (intake, clock, drafting, review, sign-off)."""
    found = []
    for item in catalogue.items:
        if item.process_kind is not ProcessKind.STANDARD:
            continue
        try:
            found.append(cases.appliable_item(catalogue, item.code))
        except ItemNotAvailable:
            continue
    return found


def use_database_calendar(engine: Engine) -> None:
    """Staff-loaded holiday schedules count in the replay as they do in the service."""
    with session_scope(engine) as session:
        calendar = calendar_from_db(session)
    if calendar.overrides:
        install_overrides(calendar.overrides)


def plan_for(
    rt: Runtime, year: int, applications: int, seed: int, ensure: Collection[Feature] = ()
) -> Plan:
    items = appliable_items(rt.catalogue)
    return plan_year(year, applications, items, shared_calendar(), seed=seed, ensure=ensure)


def simulate(
    rt: Runtime,
    year: int,
    applications: int,
    seed: int = 1,
    *,
    ensure: Collection[Feature] = (),
    on_day: DayCallback | None = None,
) -> Result:
    """Plan the year and replay it into ``rt``'s database, store and mail."""
    use_database_calendar(rt.engine)
    return run_plan(rt, plan_for(rt, year, applications, seed, ensure), on_day=on_day)


def _key(plan: Plan, index: int) -> str:
    return f"sim:{plan.year}:{plan.seed}:{plan.applications}:{index}"


def _actors(session: Session) -> dict[Role, User]:
    users = {
        u.username: u
        for u in session.exec(select(User).where(col(User.username).in_(list(ACTORS.values()))))
    }
    missing = [name for name in ACTORS.values() if name not in users]
    if missing:
        raise SimulationError(
            f"缺少演示账号 {', '.join(missing)}（先运行 eia migrate --demo-accounts）; "
            "the demo accounts are missing"
        )
    return {role: users[name] for role, name in ACTORS.items()}


class _Replay:
    def __init__(self, rt: Runtime, plan: Plan) -> None:
        self.clock = FixedClock(datetime.combine(plan.first_day, time(0, 0), SHANGHAI))
        self.rt = replace(rt, clock=self.clock)
        self.launcher = InlineLauncher(self.rt)
        self.plan = plan
        self.result = Result(plan)
        with session_scope(rt.engine) as session:
            self.actors = _actors(session)
            taken = session.exec(
                select(Application.id).where(Application.idempotency_key == _key(plan, 0))
            ).first()
        if taken is not None:
            raise SimulationError(
                f"该数据库已模拟过 {plan.year} 年 seed {plan.seed} 的 {plan.applications} 件申请，"
                f"请换一个 --seed; this plan was already replayed into this database"
            )

    # -- the day ---------------------------------------------------------------------------

    def sweep(self, day: date) -> None:
        """The scheduled deadline sweep, then the outbox relay (what the Prefect schedules do)."""
        self.clock.set(datetime.combine(day, time(SWEEP_MINUTE // 60, SWEEP_MINUTE % 60), SHANGHAI))
        self.result.deemed_by_sweep += deadlines.deem_overdue_intakes(self.rt, self.launcher)
        deadlines.refresh_warnings(self.rt)
        self.result.reminders_queued += deadlines.queue_reminders(self.rt)
        while steps.relay_mail(self.rt, limit=RELAY_BATCH) >= RELAY_BATCH:
            pass
        self.result.swept_days += 1

    def act(self, event: Event) -> None:
        self.clock.set(event.at)
        case = self.plan.cases[event.case]
        try:
            with session_scope(self.rt.engine) as session:
                application_id = self._do(session, case, event.act)
                session.commit()
                self.result.ids.setdefault(case.index, application_id)
                self._launch(session, application_id)
        except DomainError as exc:
            raise SimulationError(
                f"case {case.index} ({case.item_code}) {event.act.value} on "
                f"{event.day.isoformat()}: {exc.message_en} / {exc.message_zh}"
            ) from exc

    def _launch(self, session: Session, application_id: int) -> None:
        """What ``api.dispatching.launch_pending`` does after the response is committed."""
        for dispatch_id in dispatch.pending_for_application(session, application_id):
            ok = dispatch.launch(session, self.launcher, to_utc(self.clock.now()), dispatch_id)
            session.commit()
            if not ok:
                row = session.get(FlowDispatch, dispatch_id)
                raise SimulationError(
                    f"flow run for application {application_id} failed: "
                    f"{row.last_error if row else 'unknown error'}"
                )

    # -- the actions -----------------------------------------------------------------------

    def _do(self, session: Session, case: CasePlan, act: Act) -> int:
        if act is Act.SUBMIT:
            return self._submit(session, case)
        rt, clock, who = self.rt, self.clock, self.actors
        application_id = self.result.ids[case.index]
        if act is Act.ACCEPT:
            cases.accept(session, clock, rt.catalogue, who[Role.INTAKE_OFFICER], application_id)
        elif act is Act.REQUEST_CORRECTION:
            item = rt.catalogue.get(case.item_code)
            names = [m.name for m in item.materials if m.code == case.missing_material]
            request = CorrectionRequest(
                missing=[
                    MissingMaterial(
                        name=(names or ["申请材料"])[0][:200], reason=correction_reason_for(case)
                    )
                ]
            )
            cases.request_correction(
                session, clock, who[Role.INTAKE_OFFICER], application_id, request
            )
        elif act is Act.RESUBMIT:
            application = session.get(Application, application_id)
            assert application is not None
            if case.missing_material:
                self._upload(session, application, case.missing_material, "corrected")
            cases.submit(session, clock, rt.catalogue, who[Role.APPLICANT], application_id)
        elif act is Act.REFUSE:
            reasons, redirect = refusal_for(case)
            cases.refuse(
                session,
                clock,
                who[Role.INTAKE_OFFICER],
                application_id,
                RefusalRequest(reasons=reasons, redirect_to=redirect),
            )
        elif act is Act.PAUSE:
            pauses.pause_clock(
                session,
                clock,
                rt.catalogue,
                who[Role.CASE_OFFICER],
                application_id,
                reason=EXPERT_REVIEW,
                max_days=case.pause_max_days,
                comment="组织专家技术评审（远程会审）",
            )
        elif act is Act.RESUME:
            pauses.resume_clock(
                session,
                clock,
                rt.catalogue,
                who[Role.CASE_OFFICER],
                application_id,
                "专家评审意见已收到，恢复计时",
            )
        elif act is Act.DRAFT:
            review.draft_decision(
                session, clock, who[Role.CASE_OFFICER], application_id, _draft(case)
            )
        elif act is Act.APPROVE_DRAFT:
            review.approve_draft(session, clock, who[Role.SECTION_CHIEF], application_id, "同意")
        elif act is Act.SIGN:
            review.sign(session, clock, rt.catalogue, who[Role.LEADER], application_id, "同意签发")
        return application_id

    def _submit(self, session: Session, case: CasePlan) -> int:
        """Create the application, upload every required material, submit: one applicant's
        visit to the online hall."""
        applicant = self.actors[Role.APPLICANT]
        project = case.project
        data = ApplicationCreate(
            item_code=case.item_code,
            project_name=project.name,
            site=project.site,
            district=project.district,
            industry_code=project.industry_code,
            total_investment=project.total_investment,
            env_investment=project.env_investment,
            consultant=project.consultant,
        )
        application, _ = cases.create_application(
            session,
            self.clock,
            self.rt.catalogue,
            applicant,
            data,
            area_code=self.rt.settings.bureau_area_code,
            idempotency_key=_key(self.plan, case.index),
        )
        assert application.id is not None
        for material in self.rt.catalogue.get(case.item_code).materials:
            if material.required:
                self._upload(session, application, material.code, "original")
        cases.submit(session, self.clock, self.rt.catalogue, applicant, application.id)
        return application.id

    def _upload(
        self, session: Session, application: Application, material_code: str, version: str
    ) -> None:
        """Store the bytes first, then the row (as the upload endpoint does)."""
        item = self.rt.catalogue.get(application.item_code)
        name = next(m.name for m in item.materials if m.code == material_code)
        data = minimal_pdf(f"{application.number} {material_code} {version}")
        filename = name.replace("/", "、")[:60] + ".pdf"
        checked = check_upload(filename, data, self.rt.settings.max_upload_bytes)
        key = material_key(application.number, checked.sha256)
        self.rt.store.put(key, data, checked.content_type)
        cases.record_material(
            session,
            self.clock,
            self.actors[Role.APPLICANT],
            application,
            material_code,
            checked,
            key,
            self.rt.catalogue,
        )


def _draft(case: CasePlan) -> DecisionDraft:
    if case.outcome is Outcome.DENY:
        reasons, grounds = denial_for(case)
        return DecisionDraft(outcome=Outcome.DENY, reasons=reasons, legal_grounds=grounds)
    return DecisionDraft(outcome=Outcome.APPROVE, conditions=conditions_for(case))


def run_plan(rt: Runtime, plan: Plan, *, on_day: DayCallback | None = None) -> Result:
    """Replay ``plan`` day by day: the sweep at 07:00, then the day's actions in time order."""
    replay = _Replay(rt, plan)
    by_day: dict[date, list[Event]] = {}
    for event in plan.events:
        by_day.setdefault(event.day, []).append(event)
    decided = 0
    started, cpu = timer.perf_counter(), timer.process_time()
    for day in plan.days():
        replay.sweep(day)
        for event in by_day.get(day, []):
            replay.act(event)
            decided += event.act in (Act.SIGN, Act.REFUSE)
        if on_day is not None:
            on_day(day, decided)
    replay.result.seconds = timer.perf_counter() - started
    replay.result.cpu_seconds = timer.process_time() - cpu
    return replay.result


# -- reading the figures back ------------------------------------------------------------------


def summarise(engine: Engine, result: Result, catalogue: Catalogue | None = None) -> Summary:
    catalogue = catalogue or shared_catalogue()
    ids = list(result.ids.values())
    with session_scope(engine) as session:
        rows = session.exec(
            select(
                Application.item_code,
                Application.status,
                Application.turnaround_working_days,
            ).where(col(Application.id).in_(ids))
        ).all()

        def events(action: str) -> int:
            return session.exec(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == action, col(AuditEvent.application_id).in_(ids))
            ).one()

        def count(model: Any, *where: Any) -> int:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

        paused = session.exec(
            select(func.count(func.distinct(ClockPause.application_id))).where(
                col(ClockPause.application_id).in_(ids)
            )
        ).one()
        summary_counts = {
            "deemed": events("deemed_accept"),
            "corrections": events("request_correction"),
            "reminders": count(Reminder, col(Reminder.application_id).in_(ids)),
            "documents": count(
                Document,
                col(Document.application_id).in_(ids),
                Document.state == DocumentState.ISSUED,
            ),
            "mails_sent": count(
                OutboxMail,
                col(OutboxMail.application_id).in_(ids),
                col(OutboxMail.sent_at).is_not(None),
            ),
        }
    statuses = [status for _, status, _ in rows]
    decided_statuses = (Status.APPROVED, Status.DENIED, Status.NOT_ACCEPTED)
    return Summary(
        submitted=len(rows),
        decided=sum(1 for s in statuses if s in decided_statuses),
        approved=statuses.count(Status.APPROVED),
        denied=statuses.count(Status.DENIED),
        refused=statuses.count(Status.NOT_ACCEPTED),
        paused=paused,
        turnaround=tuple(_turnaround(catalogue.get(code), rows) for code in REPORTED_ITEMS),
        **summary_counts,
    )


def _turnaround(item: Item, rows: Sequence[Any]) -> ItemTurnaround:
    days = [
        t
        for item_code, status, t in rows
        if item_code == item.code and status in (Status.APPROVED, Status.DENIED) and t is not None
    ]
    statutory, promised = item.statutory.days, item.promised.days
    return ItemTurnaround(
        code=item.code,
        name=item.name_zh,
        decided=len(days),
        median=statistics.median(days) if days else None,
        longest=max(days) if days else None,
        statutory=statutory,
        promised=promised,
        within_promised=sum(1 for t in days if promised is None or t <= promised),
        within_statutory=sum(1 for t in days if statutory is None or t <= statutory),
    )


def print_summary(console: Console, result: Result, summary: Summary) -> None:
    plan = result.plan
    console.print(
        f"\n[bold]{plan.year}年模拟完成[/] simulated {plan.year}: {plan.applications} applications "
        f"(seed {plan.seed}), {result.swept_days} days "
        f"{plan.first_day.isoformat()}..{plan.last_day.isoformat()}"
    )
    lines = [
        ("submitted", "提交", summary.submitted),
        ("decided", "办结", summary.decided),
        ("approved", "准予许可", summary.approved),
        ("denied", "不予许可", summary.denied),
        ("refused", "不予受理", summary.refused),
        ("deemed accepted", "视为受理", summary.deemed),
        ("paused", "专家评审暂停", summary.paused),
        ("corrections", "一次性告知补正", summary.corrections),
        ("reminders", "催办提醒", summary.reminders),
        ("documents", "制发文书（PDF）", summary.documents),
        ("mails sent", "已发邮件", summary.mails_sent),
    ]
    for english, chinese, value in lines:
        console.print(f"  {english + ':':<17}{value:>6}   {chinese}")
    console.print("办结用时 turnaround, working days (clock pauses excluded):")
    for t in summary.turnaround:
        if not t.decided:
            console.print(f"  {t.code}: no decided cases")
            continue
        console.print(
            f"  {t.code}: median {t.median:g} working days over {t.decided} decided "
            f"(max {t.longest}); statutory {t.statutory}, promised {t.promised}; "
            f"within promised {t.within_promised}/{t.decided}, "
            f"within statutory {t.within_statutory}/{t.decided}   {t.name}"
        )
    console.print(
        f"speed: {summary.submitted} cases in {result.seconds:.1f} s = "
        f"{result.cases_per_second:.2f} cases/s (CPU {result.cpu_seconds:.1f} s; "
        f"{summary.documents} PDFs rendered and stored, {summary.mails_sent} mails relayed)"
    )


# -- the command -------------------------------------------------------------------------------


def run_simulate(
    console: Console, *, year: int, applications: int, seed: int, database_url: str | None
) -> None:
    """``eia simulate``: migrate and seed, plan, replay with a progress bar, print figures."""
    from cli.up import prepare_database
    from core.settings import get_settings

    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    prepare_database(console, settings)
    rt = Runtime.from_settings(settings)
    try:
        use_database_calendar(rt.engine)
        plan = plan_for(rt, year, applications, seed)
        days = plan.days()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            day_task = progress.add_task("模拟天数 days", total=len(days))
            case_task = progress.add_task("已办结 decided", total=len(plan.cases))

            def on_day(day: date, decided: int) -> None:
                progress.update(day_task, advance=1, description=f"模拟天数 {day.isoformat()}")
                progress.update(case_task, completed=decided)

            result = run_plan(rt, plan, on_day=on_day)
        print_summary(console, result, summarise(rt.engine, result, rt.catalogue))
    finally:
        rt.engine.dispose()
