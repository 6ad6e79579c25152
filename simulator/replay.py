"""``eia simulate``: replay a year's workload through the real services on a moved clock.

``simulator.plan`` plans the year (seeded, no I/O); this module replays the plan day by
day on a ``FixedClock``: the deadline sweep (deemed acceptance, warnings, reminders, mail relay)
runs once per simulated day at 07:00, then each planned action runs at its time through the
same services the API calls, committed, with the flow runs it asks for launched in-process
right after the commit (``InlineLauncher``). Every document is rendered and stored, every mail
queued and relayed, exactly as the service does; only the clock is simulated.

The sweep is the whole ``sweep-deadlines`` flow: it also assigns the fast track's post-approval
checks and reminds panel experts. Fast-track applications each come from a company of their own
(created on its first visit, with an applicant account), so one revocation bars one enterprise;
the commitment letter is rendered and accepted as the API's letter endpoints do. Joint reviews
need the expert pool; it is seeded when the plan has any.

Python entry points: ``simulate(runtime, year, applications, seed)`` (plan and replay) and
``run_plan(runtime, plan)``; ``summarise(engine, result)`` reads the figures back.
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
import time as timer
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from rich.console import Console
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.auth import make_serializer
from api.commitment_letter import generate_letter
from api.services import AppServices
from approvals import dispatch
from approvals.casework import cases, green_channel, pauses, review
from approvals.catalogue import Catalogue, Item, ProcessKind, shared_catalogue
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.schema import LicenceAction
from approvals.clock import SHANGHAI, FixedClock, local_date, to_utc
from approvals.commitment import service as commitment
from approvals.commitment import steps as commitment_steps
from approvals.errors import DomainError, ItemNotAvailable
from approvals.joint_review import service as joint_review
from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.participation import pre_approval
from approvals.reports.stats import histogram_of, stats_of
from approvals.timekeeping.holidays import calendar_from_db
from approvals.timekeeping.schedule import install_overrides, shared_calendar
from approvals.uploads import check_upload, material_key
from approvals.uscc import CHARSET, check_character
from core.db import session_scope
from flows import deadlines, steps
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import (
    Application,
    AuditEvent,
    ClockPause,
    CommitmentCase,
    Document,
    DocumentState,
    Enterprise,
    Expert,
    FlowDispatch,
    Material,
    OutboxMail,
    Outcome,
    Panel,
    PanelMember,
    Reminder,
    Role,
    Status,
    Track,
    User,
)
from models.schemas import (
    ApplicationCreate,
    CommitmentFacts,
    CorrectionRequest,
    DecisionDraft,
    MissingMaterial,
    PostCheckCreate,
    RefusalRequest,
)
from simulator import consultations as simulate_consultations
from simulator import hearings as simulate_hearings
from simulator import liaison as simulate_liaison
from simulator import participation as simulate_participation
from simulator.plan import (
    EXPERT_REVIEW,
    SWEEP_MINUTE,
    Act,
    CasePlan,
    Event,
    Feature,
    Plan,
    check_findings_for,
    conditions_for,
    correction_reason_for,
    denial_for,
    green_justification_for,
    opinion_for,
    plan_year,
    pre_approval_text_for,
    refusal_for,
)
from simulator.sample_pdf import minimal_pdf

ACTORS: dict[Role, str] = {  # the demo accounts (approvals.seed) who act in the replay
    Role.APPLICANT: "qiye",
    Role.INTAKE_OFFICER: "shouli",
    Role.CASE_OFFICER: "chengban",
    Role.SECTION_CHIEF: "kezhang",
    Role.LEADER: "lingdao",
}
REPORTED_ITEMS = ("EIA-01", "EIA-02", "EIA-07")  # report books, report tables, the fast track
FAST, TABLE, BOOK = "EIA-07", "EIA-02", "EIA-01"  # the comparison's items
# a fast-track case is decided when its decision is issued; it stays approved unless revoked
APPROVED = (Status.APPROVED, Status.POST_CHECK, Status.CLOSED, Status.REVOKED)
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
    post_checks_assigned: int = 0
    expert_reminders: int = 0  # reminders and escalations of the joint reviews

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
class Group:
    """Decided cases of one kind, in working days (clock pauses excluded); the median and
    P90 are ``percentile_cont``, as in the auditors' reports (approvals.reports.stats)."""

    count: int
    median: float | None
    p90: float | None
    median_paused: float | None  # working days the clock stood still

    @classmethod
    def of(cls, rows: Sequence[tuple[int, int]]) -> Group:
        turnaround = stats_of(histogram_of(t for t, _ in rows))
        paused = stats_of(histogram_of(p for _, p in rows))
        return cls(turnaround.count, turnaround.median, turnaround.p90, paused.median)


@dataclass(frozen=True)
class Comparison:
    fast_track: Group  # EIA-07 decided on the fast track
    standard_table: Group  # EIA-02 in the standard review (converted cases included)
    joint_reviewed: Group  # EIA-01 through a remote joint review
    other_books: Group  # the other EIA-01
    green: Group  # green channel, every item
    ordinary: Group  # the standard track, every item
    revoked: int
    checks_scheduled: int
    checks_done: int
    checks_on_time: int  # recorded on or before the due day


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
    fast_track: int  # applications on the fast track, decided on it
    converted: int  # fast-track applications converted to the standard review
    joint_reviews: int
    revisions: int  # joint reviews concluding "pass after revision"
    green: int
    comparison: Comparison


def appliable_items(catalogue: Catalogue) -> list[Item]:
    """The items this build takes applications for (``cases.appliable_item``) that the replay
    drives: the standard review (intake, clock, drafting, review, sign-off) and the fast track.
    Items acting on an existing licence (change, renewal, cancellation...) are left out: the
    replay's applicants hold no licence to name."""
    found = []
    for item in catalogue.items:
        if item.process_kind not in (ProcessKind.STANDARD, ProcessKind.COMMITMENT):
            continue
        if item.licence is not None and item.licence.action is not LicenceAction.ISSUE:
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


def _uscc(key: str) -> str:
    """A valid, stable 统一社会信用代码 for a simulated company (Zhengzhou, 91 = a company)."""
    digest = hashlib.sha256(key.encode()).digest()
    body = "91410100" + "".join(CHARSET[b % len(CHARSET)] for b in digest[:9])
    return body + check_character(body)


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
        if any(case.joint_review for case in plan.cases):
            with session_scope(rt.engine) as session:
                ensure_expert_pool(session)
                session.commit()
        self.applicants: dict[int, User] = {}  # case index -> its company's applicant account
        self.services = AppServices(  # what the API's letter endpoint is given
            settings=rt.settings,
            engine=rt.engine,
            store=rt.store,
            catalogue=rt.catalogue,
            clock=self.clock,
            launcher=self.launcher,
            # A throwaway key: the replay signs nothing that leaves this process.
            tokens=make_serializer(secrets.token_urlsafe(48)),
        )

    # -- the day ---------------------------------------------------------------------------

    def sweep(self, day: date) -> None:
        """The scheduled deadline sweep, then the outbox relay (what the Prefect schedules do)."""
        self.clock.set(datetime.combine(day, time(SWEEP_MINUTE // 60, SWEEP_MINUTE % 60), SHANGHAI))
        self.result.deemed_by_sweep += deadlines.deem_overdue_intakes(self.rt, self.launcher)
        deadlines.deem_renewals(self.rt)
        deadlines.refresh_warnings(self.rt)
        self.result.reminders_queued += deadlines.queue_reminders(self.rt)
        self.result.post_checks_assigned += deadlines.assign_post_checks(self.rt)
        self.result.expert_reminders += deadlines.remind_experts(self.rt)
        self.relay()
        self.result.swept_days += 1

    def relay(self) -> None:
        while steps.relay_mail(self.rt, limit=RELAY_BATCH) >= RELAY_BATCH:
            pass

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
            # what intake asked for, and (a converted case) what only the standard review needs
            missing = self._missing(session, application)
            if case.missing_material and case.missing_material not in missing:
                missing.insert(0, case.missing_material)
            applicant = self._applicant(session, case)
            for code in missing:
                self._upload(session, applicant, application, code, "corrected")
            cases.submit(session, clock, rt.catalogue, applicant, application_id)
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
        elif act is Act.AGREE:
            self._agree(session, case, application_id)
        elif act is Act.COMMENT:
            simulate_participation.comment(session, case, application_id, to_utc(clock.now()))
        elif act is Act.ANSWER:
            officer = who[Role.CASE_OFFICER]
            now = to_utc(clock.now())
            simulate_participation.answer_all(session, officer, application_id, now)
        elif act is Act.SIGN:
            review.sign(session, clock, rt.catalogue, who[Role.LEADER], application_id, "同意签发")
        elif act is Act.FLAG_GREEN:
            green_channel.flag(
                session,
                clock,
                who[Role.SECTION_CHIEF],
                application_id,
                green_justification_for(case),
            )
        elif act in _JOINT_REVIEW_ACTS:
            self._joint_review(session, case, act, application_id)
        elif act in simulate_hearings.HEARING_ACTS:
            actors = simulate_hearings.Actors(
                self._applicant(session, case), who[Role.CASE_OFFICER], who[Role.SECTION_CHIEF]
            )
            simulate_hearings.act(session, clock.now(), actors, case, act, application_id)
        elif act is Act.POST_CHECK:
            row = session.get(CommitmentCase, application_id)
            officer = (
                session.get(User, row.check_officer_id) if row and row.check_officer_id else None
            )
            if officer is None:
                raise SimulationError(
                    f"case {case.index}: the post-approval check was not assigned by "
                    f"{local_date(clock.now()).isoformat()} (planned {case.post_check})"
                )
            conforms = case.post_check is None or case.post_check.conforms
            outcome = "conforms" if conforms else "not_conforming"
            data = PostCheckCreate(outcome=outcome, findings=check_findings_for(case))
            commitment_steps.record_check(session, clock, officer, application_id, data)
        return application_id

    def _agree(self, session: Session, case: CasePlan, application_id: int) -> None:
        """The leader agrees in principle: the 拟批准公示 is published."""
        application = session.get(Application, application_id)
        assert application is not None
        now = self.clock.now()
        pre_approval.publish_pre_approval(
            session,
            shared_calendar(),
            self.actors[Role.LEADER],
            application,
            item_of(session, application),
            pre_approval.PreApprovalIn(*pre_approval_text_for(case)),
            to_utc(now),
            local_date(now),
        )

    # -- the joint review (远程会审) --------------------------------------------------------

    def _joint_review(
        self, session: Session, case: CasePlan, act: Act, application_id: int
    ) -> None:
        planned, clock = case.joint_review, self.clock
        assert planned is not None, "a joint review act of a case planned without one"
        if act is Act.START_JOINT_REVIEW:
            application = session.get(Application, application_id)
            assert application is not None
            joint_review.start(
                session,
                clock,
                self.rt.catalogue,
                self.actors[Role.CASE_OFFICER],
                application_id,
                needed=list(planned.needed),
                size=None,
                seed=planned.seed,
                meeting_at=planned.meeting,
                video_link=f"https://meeting.example/j/{application.number}",
            )
        elif act is Act.OPINIONS:  # every member, each in a transaction of their own
            panel = joint_review.open_panel(session, application_id)
            members = joint_review.active_members(session, panel.id)  # type: ignore[arg-type]
            other = "pass" if planned.conclusion == "revise" else "revise"
            dissenter = next((m for m in reversed(members) if not m.chair), None)
            for n, member in enumerate(members):
                vote = other if planned.dissent and member is dissenter else planned.conclusion
                joint_review.submit_opinion(
                    session,
                    clock,
                    self._expert(session, member.expert_id),
                    application_id,
                    conclusion=vote,
                    opinion=opinion_for(case, vote, n),
                )
                session.commit()
        elif act is Act.CLOSE_REVIEW:
            joint_review.close(session, clock, self._chair(session, application_id), application_id)
        elif act is Act.SUBMIT_REVISION:
            application = session.get(Application, application_id)
            assert application is not None
            applicant = self._applicant(session, case)
            self._upload(session, applicant, application, "report_full_text", "revised")
            joint_review.submit_revision(session, clock, applicant, application_id)
        elif act is Act.CONFIRM_REVISION:
            joint_review.review_revision(
                session,
                clock,
                self._chair(session, application_id),
                application_id,
                confirmed=True,
                comment="修改稿已按专家组意见修改到位",
            )

    def _expert(self, session: Session, expert_id: int) -> User:
        return session.exec(
            select(User)
            .join(Expert, col(Expert.user_id) == col(User.id))
            .where(Expert.id == expert_id)
        ).one()

    def _chair(self, session: Session, application_id: int) -> User:
        panel = session.exec(
            select(Panel)
            .where(Panel.application_id == application_id)
            .order_by(col(Panel.id).desc())
        ).first()
        chair = (
            None
            if panel is None
            else session.exec(
                select(PanelMember).where(
                    PanelMember.panel_id == panel.id,
                    PanelMember.chair == True,  # noqa: E712
                    PanelMember.state == "invited",
                )
            ).first()
        )
        if chair is None:
            raise SimulationError(f"application {application_id}: no panel chair")
        return self._expert(session, chair.expert_id)

    # -- the applicants ------------------------------------------------------------------

    def _applicant(self, session: Session, case: CasePlan) -> User:
        """The demo applicant, or for a fast-track application its own company's account
        (created on its first visit; the demo applicant's password)."""
        if case.commitment is None:
            return self.actors[Role.APPLICANT]
        known = self.applicants.get(case.index)
        if known is not None:
            return known
        plan = self.plan
        username = f"sim{plan.year}-{plan.seed}-{plan.applications}-{case.index}"
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            enterprise = Enterprise(
                uscc=_uscc(_key(plan, case.index)),
                name=case.commitment.enterprise,
                email=f"{username}@qiye.example",
                address=case.project.site,
            )
            session.add(enterprise)
            session.flush()
            user = User(
                username=username,
                display_name=f"{case.commitment.enterprise}（申请人）",
                password_hash=self.actors[Role.APPLICANT].password_hash,
                role=Role.APPLICANT,
                email=enterprise.email,
                enterprise_id=enterprise.id,
            )
            session.add(user)
            session.flush()
        self.applicants[case.index] = user
        return user

    def _missing(self, session: Session, application: Application) -> list[str]:
        """Codes of the required materials of the case's item that are not uploaded."""
        present = set(
            session.exec(
                select(Material.material_code).where(
                    Material.application_id == application.id,
                    Material.superseded == False,  # noqa: E712
                )
            )
        )
        item = item_of(session, application)
        return [m.code for m in item.materials if m.required and m.code not in present]

    def _submit(self, session: Session, case: CasePlan) -> int:
        """Create the application, upload every required material, submit: one applicant's
        visit to the online hall."""
        applicant = self._applicant(session, case)
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
                self._upload(session, applicant, application, material.code, "original")
        if case.commitment is not None:
            self._commit(session, case, application, applicant)
        cases.submit(session, self.clock, self.rt.catalogue, applicant, application.id)
        return application.id

    def _commit(
        self, session: Session, case: CasePlan, application: Application, applicant: User
    ) -> None:
        """告知承诺制: declare the facts (eligibility is judged at once); when eligible, the
        letter is rendered and stored (``api.commitment_letter``, as the API and the pages do)
        and the applicant accepts it by its SHA-256."""
        assert case.commitment is not None and application.id is not None
        facts = CommitmentFacts(**case.commitment.facts())
        view = commitment.record_facts(session, self.clock, applicant, application.id, facts)
        if view.eligibility.eligible != case.commitment.eligible:
            raise SimulationError(
                f"case {case.index}: planned {'eligible' if case.commitment.eligible else 'not'}"
                f" ({case.commitment.ineligible}), assessed {view.eligibility.summary_en}"
            )
        if not view.eligibility.eligible:
            return  # submitting converts it to the standard review
        letter = generate_letter(session, self.services, applicant, application.id)
        assert letter.letter_sha256 is not None
        commitment.accept_letter(
            session, self.clock, applicant, application.id, letter.letter_sha256
        )

    def _upload(
        self,
        session: Session,
        applicant: User,
        application: Application,
        material_code: str,
        version: str,
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
            applicant,
            application,
            material_code,
            checked,
            key,
            self.rt.catalogue,
        )


_JOINT_REVIEW_ACTS = frozenset(
    {
        Act.START_JOINT_REVIEW,
        Act.OPINIONS,
        Act.CLOSE_REVIEW,
        Act.SUBMIT_REVISION,
        Act.CONFIRM_REVISION,
    }
)


def _draft(case: CasePlan) -> DecisionDraft:
    if case.outcome is Outcome.DENY:
        reasons, grounds = denial_for(case)
        return DecisionDraft(outcome=Outcome.DENY, reasons=reasons, legal_grounds=grounds)
    return DecisionDraft(outcome=Outcome.APPROVE, conditions=conditions_for(case))


def run_plan(rt: Runtime, plan: Plan, *, on_day: DayCallback | None = None) -> Result:
    """Replay ``plan`` day by day: the sweep at 07:00, then the day's actions in time order."""
    replay = _Replay(rt, plan)
    consultations = simulate_consultations.Consultations(
        replay.rt, replay.clock, plan.year, plan.applications, plan.seed, plan.last_day
    )  # 靠前服务: planned projects, consultations and guidance beside the cases
    problems = simulate_liaison.Ledger(
        replay.rt, replay.clock, plan.year, plan.applications, plan.seed, plan.last_day
    )  # 万人助万企: the demo enterprise's liaison and its problem ledger
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
        consultations.run_day(day)
        problems.run_day(day)
        if on_day is not None:
            on_day(day, decided)
    replay.relay()  # the outbox sweep (every minute) sends the last day's mail
    replay.result.seconds = timer.perf_counter() - started
    replay.result.cpu_seconds = timer.process_time() - cpu
    return replay.result


# -- reading the figures back ------------------------------------------------------------------


def summarise(engine: Engine, result: Result, catalogue: Catalogue | None = None) -> Summary:
    catalogue = catalogue or shared_catalogue()
    ids = list(result.ids.values())
    with session_scope(engine) as session:
        rows = [
            _Row(*row)
            for row in session.exec(
                select(
                    Application.id,
                    Application.item_code,
                    Application.status,
                    Application.track,
                    Application.decided_on,
                    Application.turnaround_working_days,
                    Application.paused_working_days,
                ).where(col(Application.id).in_(ids))
            )
        ]

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
        panels = dict(
            session.exec(
                select(Panel.application_id, Panel.conclusion).where(
                    col(Panel.application_id).in_(ids)
                )
            ).all()
        )
        commitments = session.exec(
            select(
                CommitmentCase.converted_at, CommitmentCase.check_due_on, CommitmentCase.checked_at
            ).where(col(CommitmentCase.application_id).in_(ids))
        ).all()
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
    statuses = [row.status for row in rows]
    decided = [row for row in rows if row.decided]
    checks = [(due, checked) for _, due, checked in commitments if due is not None]
    done = [(due, checked) for due, checked in checks if checked is not None]

    def group(*where: Callable[[_Row], bool]) -> Group:
        return Group.of([(r.turnaround, r.paused) for r in decided if all(w(r) for w in where)])

    comparison = Comparison(
        fast_track=group(lambda r: r.track == Track.COMMITMENT, lambda r: r.item_code == FAST),
        standard_table=group(lambda r: r.track == Track.STANDARD, lambda r: r.item_code == TABLE),
        joint_reviewed=group(lambda r: r.item_code == BOOK, lambda r: r.id in panels),
        other_books=group(lambda r: r.item_code == BOOK, lambda r: r.id not in panels),
        green=group(lambda r: r.track == Track.GREEN),
        ordinary=group(lambda r: r.track == Track.STANDARD),
        revoked=statuses.count(Status.REVOKED),
        checks_scheduled=len(checks),
        checks_done=len(done),
        checks_on_time=sum(1 for due, checked in done if local_date(checked) <= due),
    )
    return Summary(
        submitted=len(rows),
        decided=sum(1 for row in rows if row.decided_on is not None),
        approved=sum(1 for s in statuses if s in APPROVED),
        denied=statuses.count(Status.DENIED),
        refused=statuses.count(Status.NOT_ACCEPTED),
        paused=paused,
        turnaround=tuple(_turnaround(catalogue.get(code), decided) for code in REPORTED_ITEMS),
        fast_track=sum(1 for row in rows if row.track == Track.COMMITMENT),
        converted=sum(1 for converted_at, _, _ in commitments if converted_at is not None),
        joint_reviews=len(panels),
        revisions=sum(1 for conclusion in panels.values() if conclusion == "revise"),
        green=sum(1 for row in rows if row.track == Track.GREEN),
        comparison=comparison,
        **summary_counts,
    )


@dataclass(frozen=True)
class _Row:
    id: int
    item_code: str
    status: Status
    track: Track
    decided_on: date | None
    turnaround_working_days: int | None
    paused_working_days: int | None

    @property
    def decided(self) -> bool:
        """Decided after acceptance (``decided_conditions``: a refusal has no turnaround)."""
        return self.decided_on is not None and self.turnaround_working_days is not None

    @property
    def turnaround(self) -> int:
        return self.turnaround_working_days or 0

    @property
    def paused(self) -> int:
        return self.paused_working_days or 0


def _turnaround(item: Item, decided: Sequence[_Row]) -> ItemTurnaround:
    days = [r.turnaround for r in decided if r.item_code == item.code]
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
        ("paused", "暂停计时（专家评审、远程会审）", summary.paused),
        ("corrections", "一次性告知补正", summary.corrections),
        ("fast track", "告知承诺制审批", summary.fast_track),
        ("converted", "转为一般程序", summary.converted),
        ("joint reviews", "远程会审", summary.joint_reviews),
        ("revisions", "修改后通过", summary.revisions),
        ("green channel", "绿色通道", summary.green),
        ("revoked", "撤销审批决定", summary.comparison.revoked),
        ("reminders", "催办提醒", summary.reminders),
        ("expert reminders", "专家催办", result.expert_reminders),
        ("documents", "制发文书（PDF）", summary.documents),
        ("mails sent", "已发邮件", summary.mails_sent),
    ]
    for english, chinese, value in lines:
        console.print(f"  {english + ':':<18}{value:>6}   {chinese}")
    console.print("办结用时 turnaround, working days (clock pauses excluded):")
    for t in summary.turnaround:
        if not t.decided:
            console.print(f"  {t.code}: no decided cases")
            continue
        console.print(
            f"  {t.code}: median {t.median:g} working days over {t.decided} decided "
            f"(max {t.longest}); statutory {t.statutory}, promised {t.promised}; "
            f"within promised {t.within_promised}/{t.decided}, "
            f"within statutory {t.within_statutory}/{t.decided}   {t.name}",
            soft_wrap=True,  # one line per item, also when piped
        )
    print_comparison(console, summary.comparison)
    console.print(
        f"speed: {summary.submitted} cases in {result.seconds:.1f} s = "
        f"{result.cases_per_second:.2f} cases/s (CPU {result.cpu_seconds:.1f} s; "
        f"{summary.documents} PDFs rendered and stored, {summary.mails_sent} mails relayed)",
        soft_wrap=True,
    )


COMPARISON_ROWS: tuple[tuple[str, str, str], ...] = (  # (attribute, English, Chinese)
    ("fast_track", "fast track EIA-07", "告知承诺制"),
    ("standard_table", "standard EIA-02", "报告表一般程序（含转入）"),
    ("joint_reviewed", "EIA-01 joint review", "报告书远程会审"),
    ("other_books", "EIA-01 other", "报告书其他"),
    ("green", "green channel", "绿色通道"),
    ("ordinary", "ordinary standard", "一般程序（全部事项）"),
)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def print_comparison(console: Console, comparison: Comparison) -> None:
    """The tracks side by side: decided cases, turnaround and paused days (working days)."""
    console.print("对比 comparison, working days (clock pauses excluded):")
    console.print(f"  {'':<21}{'count':>6}{'median':>8}{'p90':>8}{'paused median':>15}")
    for attribute, english, chinese in COMPARISON_ROWS:
        g: Group = getattr(comparison, attribute)
        console.print(
            f"  {english:<21}{g.count:>6}{_figure(g.median):>8}{_figure(g.p90):>8}"
            f"{_figure(g.median_paused):>15}   {chinese}",
            soft_wrap=True,
        )
    c = comparison
    on_time = f" ({c.checks_on_time / c.checks_done:.0%})" if c.checks_done else ""
    console.print(
        f"  revocations: {c.revoked} of {c.fast_track.count} fast-track decisions (撤销); "
        f"post-checks on time: {c.checks_on_time}/{c.checks_done}{on_time} "
        f"of {c.checks_scheduled} scheduled (事后核查按期)",
        soft_wrap=True,
    )
