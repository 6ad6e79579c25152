"""A year's workload, planned: which item each application is for, when it arrives, what happens
at intake, whether the clock stops for expert review, how long each staff step takes, and the
outcome. Pure: a seeded plan of dated events and no I/O; ``simulator.replay`` replays it through the
real services on a moved clock.

Every date comes from the working calendar: applications arrive and staff act on working days
(holidays and make-up days included). The plan also predicts what the statutory clock must show
at the end (decision day, turnaround, paused days, the day of a deemed acceptance), so a replay
can be checked against it.

Besides the standard review the plan holds the bureau's other tracks: fast-track applications
(告知承诺制, EIA-07) that are decided within one working day and checked afterwards (or, not
eligible, converted to the standard review of a report table), report books reviewed by a drawn
expert panel (远程会审, possibly "pass after revision"), and green-channel cases (绿色通道) the
section chief flags at acceptance, whose staff steps are drawn from the shortened budgets.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from approvals.catalogue import DayUnit, Item, ProcessKind, lawbook
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.catalogue.schema import PublicationRule
from approvals.clock import SHANGHAI
from approvals.errors import InvalidInput
from approvals.joint_review.expert_draw import MAX_SEED
from approvals.timekeeping.calendar import Pause, WorkingCalendar
from models.enums import Outcome

EXPERT_REVIEW = "专家评审"
OFFICE_OPENS = 8 * 60 + 30  # minutes after midnight, Asia/Shanghai
OFFICE_CLOSES = 17 * 60 + 30
SWEEP_MINUTE = 7 * 60  # the daily deadline sweep runs before office hours
# working days a case officer has (approvals.timekeeping.case_clock.STEP_BUDGETS)
DRAFTING_BUDGET = 8
STEP_BUDGET = 2  # review and sign-off
# the green channel's (approvals.timekeeping.case_clock.GREEN_STEP_BUDGETS)
GREEN_DRAFTING_BUDGET = 3
GREEN_STEP_BUDGET = 1
POST_CHECK_DAYS = 20  # a fast-track check is due 20 working days after the decision
CHECK_LEAD_DAYS = 5  # the sweep assigns a check due within 5 working days (assign_due_checks)
CONVERTS_TO = "EIA-02"  # an ineligible fast-track report table (commitment.STANDARD_ITEM)
JOINT_REVIEW_ITEMS = ("EIA-01",)  # report books: reviewed by a drawn panel (远程会审)
MEETING_MINUTES = (9 * 60, 9 * 60 + 30, 14 * 60, 14 * 60 + 30)  # the panel's video meeting
SPECIALTY_SETS = (  # what a panel must cover (approvals.joint_review.expert_draw.SPECIALTIES)
    ("air", "water"),
    ("air", "noise"),
    ("water", "soil_groundwater"),
    ("air", "solid_waste"),
    ("water", "ecology"),
    ("air", "environmental_risk"),
)

# Relative frequency of the items (EIA report tables far outnumber report books; both outnumber
# everything else); any other appliable item weighs 1.
ITEM_WEIGHTS: dict[str, int] = {
    "EIA-02": 36,
    "EIA-01": 14,
    "PW-02": 6,
    "PW-01": 4,
    "PW-04": 4,
    "PW-05": 3,
    "EIA-05": 3,
    "RD-01": 2,
    "RD-04": 2,
    "HW-02": 2,
    "OT-03": 2,
}
# The fast track (告知承诺制 for listed report tables) is about as frequent as report books. Kept
# apart from ITEM_WEIGHTS, which bench/datagen.py also reads for its own item mix.
FAST_TRACK_WEIGHTS: dict[str, int] = {"EIA-07": 14}
# Arrivals by month (the Spring Festival and year-end push show in real workloads).
MONTH_WEIGHTS = (0.9, 0.6, 1.0, 1.0, 1.1, 1.1, 1.0, 0.9, 1.0, 0.9, 1.1, 1.3)


class Intake(StrEnum):
    ACCEPT = "accept"
    CORRECTION = "correction"  # 补正 requested, resubmitted a few days later, then accepted
    DEEMED = "deemed"  # intake silent past the item's intake period: the sweep deems it accepted
    REFUSE = "refuse"  # 不予受理


class Late(StrEnum):
    NONE = "none"
    DRAFTING = "drafting"  # the case officer overruns the 8-working-day step budget
    REVIEW = "review"  # the section chief overruns 2 working days
    SIGNING = "signing"  # the leader overruns 2 working days
    PROMISED = "promised"  # the steps fit their budgets but the promised limit is exceeded


class Route(StrEnum):
    STANDARD = "standard"
    FAST_TRACK = "fast_track"  # 告知承诺制, eligible: decided at once, checked afterwards
    CONVERTED = "converted"  # applied for the fast track, not eligible: the standard review


class Feature(StrEnum):
    """What ``plan_year(ensure=...)`` can guarantee at least one case of."""

    CORRECTION = "correction"
    DEEMED = "deemed"
    REFUSAL = "refusal"
    PAUSE = "pause"  # the plain 专家评审 clock stop
    LATE = "late"
    DENIAL = "denial"
    FAST_TRACK = "fast_track"  # decided on the fast track
    CONVERSION = "conversion"  # a fast-track application converted to the standard review
    JOINT_REVIEW = "joint_review"
    REVISION = "revision"  # a joint review concluding "pass after revision"
    GREEN = "green"
    REVOCATION = "revocation"  # the post-approval check finds the commitment false
    HEARING = "hearing"  # a 听证 after the 拟批准公示 (laid out again with one if none drew it)


class Act(StrEnum):
    """One human action of the replay (the automated stages follow from them)."""

    SUBMIT = "submit"  # create, upload every required material, submit
    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"  # upload the missing material again and resubmit
    REFUSE = "refuse"
    PAUSE = "pause"  # 专家评审: the clock stops (特别程序告知书)
    RESUME = "resume"
    DRAFT = "draft"
    APPROVE_DRAFT = "approve_draft"
    AGREE = "agree"  # the leader agrees in principle: the 拟批准公示 is published
    COMMENT = "comment"  # a member of the public comments on the 受理公示 (maybe late)
    ANSWER = "answer"  # the case officer answers every comment waiting
    SIGN = "sign"
    FLAG_GREEN = "flag_green"  # the section chief flags the green channel at acceptance
    START_JOINT_REVIEW = "start_joint_review"  # the case officer draws the panel; clock stops
    OPINIONS = "opinions"  # every panel member submits a conclusion and an opinion
    CLOSE_REVIEW = "close_review"  # the chair closes: pass, or pass after revision
    SUBMIT_REVISION = "submit_revision"  # the applicant uploads and submits the revised report
    CONFIRM_REVISION = "confirm_revision"  # the chair confirms it; the clock runs again
    POST_CHECK = "post_check"  # the assigned officer records the fast track's check
    REQUEST_HEARING = "request_hearing"  # the applicant asks within §47's period (拟批准公示)
    ORDER_HEARING = "order_hearing"  # the bureau holds one of its own motion (§46): announced
    SCHEDULE_HEARING = "schedule_hearing"  # the officer sets time and place: 听证通知书
    HOLD_HEARING = "hold_hearing"  # held; the presiding officer's clerk enters the record
    CONFIRM_HEARING = "confirm_hearing"  # the applicant confirms the record: 听证笔录, clock runs


@dataclass(frozen=True)
class Rates:
    correction: float = 0.15
    deemed: float = 0.03
    refusal: float = 0.03
    expert_review: float = 0.30  # of the cases whose item lists 专家评审 as a clock stop
    late: float = 0.10
    denial: float = 0.08
    fast_track_eligible: float = 0.85  # of the fast-track applications
    check_on_time: float = 0.90  # post-approval checks recorded by their due day
    revocation: float = 0.05  # of the fast-track decisions: the commitment was false
    joint_review: float = 0.50  # of the report books (JOINT_REVIEW_ITEMS)
    revision: float = 0.40  # of the joint reviews: pass after revision
    green: float = 0.03  # of the standard cases accepted
    commented: float = 0.35  # of the cases with a 受理公示 before the decision
    late_comment: float = 0.25  # of the commented cases: one comment after the notice's end
    hearing: float = 0.05  # of the approvals with a 拟批准公示 whose item has a hearing
    hearing_ordered: float = 0.34  # of the hearings: ordered by the bureau, not asked for


@dataclass(frozen=True)
class ItemProfile:
    """What the planner needs to know of a catalogue item."""

    code: str
    weight: int
    statutory_days: int | None
    promised_days: int | None
    expert_review: bool
    required_materials: tuple[str, ...]
    fast_track: bool = False  # a 告知承诺制 item (process kind commitment)
    notice_days: int = 0  # its 受理公示 runs before the decision: drafting waits for its end
    pre_approval_days: int = 0  # its 拟批准公示 runs before signing an approval
    hearing: bool = False  # its law provides for a hearing (行政许可法第46–48条)
    intake_days: int = lawbook.DEFAULT_INTAKE_DAYS  # silent intake past it is deemed acceptance
    intake_unit: DayUnit = lawbook.DEFAULT_INTAKE_UNIT  # (e.g. 排污许可管理条例第9条: 3日)

    @property
    def budget(self) -> int:
        """Working days the bureau aims to finish in: the promised limit, else the statutory."""
        return self.promised_days or self.statutory_days or 20

    @classmethod
    def of(cls, item: Item) -> ItemProfile:
        working = DayUnit.WORKING
        return cls(
            code=item.code,
            weight={**ITEM_WEIGHTS, **FAST_TRACK_WEIGHTS}.get(item.code, 1),
            statutory_days=item.statutory.days if item.statutory.unit is working else None,
            promised_days=item.promised.days if item.promised.unit is working else None,
            expert_review=EXPERT_REVIEW in item.clock_stops,
            required_materials=tuple(m.code for m in item.materials if m.required),
            fast_track=item.process_kind is ProcessKind.COMMITMENT,
            notice_days=_notice_days(item),
            pre_approval_days=_pre_approval_days(item),
            hearing=item.hearing is not None,
            intake_days=lawbook.intake_period(item.code)[0],
            intake_unit=lawbook.intake_period(item.code)[1],
        )


def _notice_days(item: Item) -> int:
    spec = item.acceptance_notice
    if spec is None or spec.rule is not PublicationRule.BEFORE_DECISION:
        return 0
    return spec.days


def _pre_approval_days(item: Item) -> int:
    spec = item.pre_approval_notice
    if spec is None or spec.rule is not PublicationRule.BEFORE_DECISION:
        return 0
    return spec.days


@dataclass(frozen=True)
class Project:
    name: str
    site: str
    district: str
    industry_code: str
    total_investment: Decimal  # 万元
    env_investment: Decimal
    consultant: str


@dataclass(frozen=True)
class Commitment:
    """What a fast-track applicant declares (``models.schemas.CommitmentFacts``), and who it
    is: each fast-track project has its own company, so a revocation bars only that one."""

    enterprise: str
    park_name: str | None
    longitude: float | None
    latitude: float | None
    document_type: str = "report_table"
    in_sensitive_area: bool = False
    has_electroplating: bool = False
    # the reason expected (an approvals.commitment.eligibility.Reason value)
    ineligible: str | None = None

    @property
    def eligible(self) -> bool:
        return self.ineligible is None

    def facts(self) -> dict[str, Any]:
        return {
            "document_type": self.document_type,
            "park_name": self.park_name,
            "longitude": self.longitude,
            "latitude": self.latitude,
            "in_sensitive_area": self.in_sensitive_area,
            "has_electroplating": self.has_electroplating,
        }


@dataclass(frozen=True)
class JointReview:
    """A remote joint review (远程会审): the panel's seed, the meeting, the conclusion."""

    seed: int  # the draw's seed, recorded on the panel so an auditor can replay it
    needed: tuple[str, ...]  # specialties the panel must cover
    meeting: datetime  # Asia/Shanghai
    conclusion: str  # "pass" | "revise"
    dissent: bool  # one member votes the other way (the majority decides)
    started_on: date
    closed_on: date
    revised_on: date | None
    confirmed_on: date | None


@dataclass(frozen=True)
class PostCheck:
    """The fast track's post-approval check."""

    due_on: date
    assigned_on: date  # the daily sweep that gives it to a case officer
    checked_on: date
    conforms: bool  # False: the commitment was false, the decision is revoked

    @property
    def on_time(self) -> bool:
        return self.checked_on <= self.due_on


@dataclass(frozen=True, order=True)
class Event:
    day: date
    minute: int
    case: int
    act: Act

    @property
    def at(self) -> datetime:
        return datetime.combine(self.day, time(self.minute // 60, self.minute % 60), SHANGHAI)


@dataclass(frozen=True)
class HearingPlan:
    """A hearing after the leader's agreement: asked for (or ordered), scheduled the next
    working day for 8 working days later (the notice takes 7), held, the record confirmed the
    working day after; the clock stands still from the request to the confirmation."""

    ordered: bool
    requested_on: date
    held_at: datetime
    confirmed_on: date

    @property
    def pause(self) -> Pause:
        return Pause(self.requested_on, self.confirmed_on)


@dataclass(frozen=True)
class CasePlan:
    index: int
    item_code: str
    project: Project
    intake: Intake
    missing_material: str | None  # the material a correction asks for
    pause_days: int  # working days the clock stands still for expert review (0: none)
    pause_max_days: int  # the longest pause the applicant is told of in writing
    late: Late
    outcome: Outcome | None  # None: refused at intake
    events: tuple[Event, ...]
    submitted_on: date
    deemed_on: date | None  # the day the sweep deems the case accepted
    clock_started_on: date | None
    decided_on: date
    turnaround_working_days: int | None  # pauses excluded
    paused_working_days: int
    route: Route
    final_item_code: str  # the item decided on (EIA-02 for a converted case)
    commitment: Commitment | None  # fast-track applications (decided or converted)
    joint_review: JointReview | None
    green: bool
    post_check: PostCheck | None
    comments: int = 0  # public comments on its 受理公示
    late_comments: int = 0  # ... of which after the notice's last day
    hearing: HearingPlan | None = None


@dataclass(frozen=True)
class Plan:
    year: int
    applications: int
    seed: int
    cases: tuple[CasePlan, ...]
    events: tuple[Event, ...] = field(repr=False)

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return max((e.day for e in self.events), default=self.first_day)

    def days(self) -> list[date]:
        """Every simulated day, 1 January to the last event (cases may finish next year)."""
        span = (self.last_day - self.first_day).days
        return [self.first_day + timedelta(days=i) for i in range(span + 1)]

    def count(self, feature: Feature) -> int:
        return sum(1 for case in self.cases if _has(case, feature))


def _has(case: CasePlan, feature: Feature) -> bool:
    review, check = case.joint_review, case.post_check
    return {
        Feature.CORRECTION: case.intake is Intake.CORRECTION,
        Feature.DEEMED: case.intake is Intake.DEEMED,
        Feature.REFUSAL: case.intake is Intake.REFUSE,
        Feature.PAUSE: case.pause_days > 0,
        Feature.LATE: case.late is not Late.NONE,
        Feature.DENIAL: case.outcome is Outcome.DENY,
        Feature.FAST_TRACK: case.route is Route.FAST_TRACK,
        Feature.CONVERSION: case.route is Route.CONVERTED,
        Feature.JOINT_REVIEW: review is not None,
        Feature.REVISION: review is not None and review.conclusion == "revise",
        Feature.GREEN: case.green,
        Feature.REVOCATION: check is not None and not check.conforms,
        Feature.HEARING: case.hearing is not None,
    }[feature]


# -- project facts -----------------------------------------------------------------------------

BRANDS = (
    "宏达", "恒信", "华瑞", "天成", "金盛", "中联", "新航", "瑞丰", "博远", "豫能",
    "中原", "嵩山", "黄河", "同创", "鑫源", "国基", "裕华", "安泰", "润泽", "龙翔",
)  # fmt: skip
PROJECTS: tuple[tuple[str, str], ...] = (  # (project, GB/T 4754 code)
    ("年产5000台数控机床建设项目", "3421"),
    ("汽车零部件生产线技术改造项目", "3670"),
    ("年产30万吨水泥粉磨站项目", "3011"),
    ("速冻食品加工厂建设项目", "1432"),
    ("污水处理厂提标改造工程", "4620"),
    ("医药中间体生产项目", "2710"),
    ("锂电池正极材料生产项目", "3841"),
    ("燃气热电联产项目", "4412"),
    ("铝型材深加工项目", "3252"),
    ("包装印刷生产线项目", "2319"),
    ("家具制造基地建设项目", "2110"),
    ("电子元器件生产项目", "3989"),
    ("一般工业固体废物综合利用项目", "4220"),
    ("医院门诊综合楼改扩建项目", "8411"),
    ("冷链物流园建设项目", "5960"),
    ("面粉加工技术改造项目", "1311"),
    ("陶瓷制品生产线项目", "3074"),
    ("表面处理（电镀）车间改造项目", "3360"),
)
SITES = ("第九大街", "经南五路", "航海东路", "科学大道", "金水东路", "107国道", "嵩山南路")
CONSULTANTS = (
    "河南中环评价咨询有限公司",
    "郑州市环境保护科学研究所",
    "河南省环境工程评估中心",
    "中国电建集团中南勘测设计研究院有限公司",
    "河南绿博环保科技有限公司",
)


def _project(rng: random.Random) -> Project:
    product, industry = rng.choice(PROJECTS)
    brand = rng.choice(BRANDS)
    district = rng.choice(ZHENGZHOU_DISTRICTS)
    total = Decimal(rng.randrange(50_000, 5_000_000)) / 100  # 500 to 50,000 万元
    env = (total * Decimal(rng.randrange(2, 9)) / 100).quantize(Decimal("0.01"))
    consultant = rng.choice(CONSULTANTS)
    return Project(
        name=f"{brand}{product}",
        site=f"郑州市{district}{rng.choice(SITES)}{rng.randrange(1, 300)}号",
        district=district,
        industry_code=industry,
        total_investment=total.quantize(Decimal("0.01")),
        env_investment=env,
        consultant=consultant,
    )


# The fast track's projects: industries in the 告知承诺制 scope (approvals/reference/
# commitment_scope.yaml), sites inside parks whose plan EIA passed (parks.yaml), and the
# ways an application falls out of it. tests/integration/test_simulate.py checks every one
# against approvals.commitment.eligibility.
FAST_PROJECTS: tuple[tuple[str, str, str], ...] = (  # (project, GB/T 4754 code, trade)
    ("年产20万套汽车零部件项目", "3670", "汽车零部件"),
    ("数控机床零部件加工项目", "3421", "精密机械"),
    ("智能终端产品组装项目", "3990", "电子科技"),
    ("输配电及控制设备生产项目", "3823", "电气"),
    ("医疗器械生产项目", "3581", "医疗器械"),
    ("家用电器组装项目", "3851", "电器"),
    ("LED照明灯具生产项目", "3872", "照明科技"),
    ("工业自动化仪表生产项目", "4011", "仪器仪表"),
    ("齿轮及传动部件生产项目", "3452", "传动科技"),
    ("文体用品生产项目", "2411", "文体用品"),
)
OUT_OF_SCOPE_PROJECTS: tuple[tuple[str, str, str], ...] = (
    ("年产30万吨水泥粉磨站项目", "3011", "建材"),
    ("医药中间体生产项目", "2710", "医药化工"),
)
ELIGIBLE_SITES: tuple[tuple[str, str | None, float, float], ...] = (  # district, park, lon, lat
    ("郑州经济技术开发区", "郑州经济技术开发区", 113.80, 34.68),
    ("郑州高新技术产业开发区", "郑州高新技术产业开发区", 113.54, 34.82),
    ("郑州航空港经济综合实验区", "郑州航空港经济综合实验区", 113.85, 34.52),
    # not 上街区先进制造业开发区: its plan EIA passed on 2023-08-07, after the simulated years
    ("金水区", "中国（河南）自由贸易试验区郑州片区", 113.68, 34.79),
    ("荥阳市", "河南荥阳经济开发区", 113.37, 34.78),
    ("新郑市", "河南新郑经济开发区", 113.74, 34.40),
    ("中牟县", "河南中牟经济开发区", 113.93, 34.67),
)
OUTSIDE_SITE: tuple[str, str | None, float, float] = ("二七区", None, 113.60, 34.70)
UNPASSED_SITE: tuple[str, str | None, float, float] = (  # plan EIA under review (found)
    "中牟县",
    "中牟县现代服务业开发区",
    113.93,
    34.74,
)
INELIGIBLE = (  # approvals.commitment.eligibility.Reason values
    "outside_eligible_parks",
    "park_plan_eia_not_passed",
    "electroplating_or_two_high_one_danger",
    "sensitive_area",
    "category_not_in_scope",
    "not_report_table",
)


def _fast_project(rng: random.Random, ineligible: str | None) -> tuple[Project, Commitment]:
    """A fast-track project and its declarations; eligible unless ``ineligible`` says why."""
    out_of_scope = ineligible == "category_not_in_scope"
    product, industry, trade = rng.choice(OUT_OF_SCOPE_PROJECTS if out_of_scope else FAST_PROJECTS)
    brand = rng.choice(BRANDS)
    if ineligible == "outside_eligible_parks":
        district, park, lon, lat = OUTSIDE_SITE
    elif ineligible == "park_plan_eia_not_passed":
        district, park, lon, lat = UNPASSED_SITE
    else:
        district, park, lon, lat = rng.choice(ELIGIBLE_SITES)
    total = Decimal(rng.randrange(20_000, 800_000)) / 100  # 200 to 8,000 万元
    env = (total * Decimal(rng.randrange(2, 9)) / 100).quantize(Decimal("0.01"))
    project = Project(
        name=f"{brand}{product}",
        site=f"郑州市{district}{rng.choice(SITES)}{rng.randrange(1, 300)}号",
        district=district,
        industry_code=industry,
        total_investment=total.quantize(Decimal("0.01")),
        env_investment=env,
        consultant=rng.choice(CONSULTANTS),
    )
    commitment = Commitment(
        enterprise=f"郑州{brand}{trade}有限公司",
        park_name=park,
        longitude=lon,
        latitude=lat,
        document_type="report_book" if ineligible == "not_report_table" else "report_table",
        in_sensitive_area=ineligible == "sensitive_area",
        has_electroplating=ineligible == "electroplating_or_two_high_one_danger",
        ineligible=ineligible,
    )
    return project, commitment


# -- planning ----------------------------------------------------------------------------------


@dataclass
class _Draw:
    """The random choices of one case, before they are laid out on the calendar."""

    profile: ItemProfile  # the item applied for
    final: ItemProfile  # the item decided on (the standard review's, for a converted case)
    route: Route
    submit_day: date
    submit_minute: int
    project: Project
    commitment: Commitment | None
    intake: Intake
    outcome: Outcome | None
    expert_review: bool  # the plain 专家评审 pause
    joint: bool  # a remote joint review instead
    revise: bool  # ... concluding "pass after revision"
    green: bool
    late: Late
    check_late: bool  # fast track: the check is recorded after its due day
    revoked: bool  # fast track: the check finds the commitment false
    hearing: bool = False  # a hearing is guaranteed (else drawn at its rate when laid out)


@dataclass(frozen=True)
class _Profiles:
    """The items a plan draws from, by the part they can play."""

    all: list[ItemProfile]
    standard: list[ItemProfile]
    fast: list[ItemProfile]
    converts_to: ItemProfile | None
    joint: list[ItemProfile]
    reviewed: list[ItemProfile]  # standard items with the 专家评审 clock stop
    heard: list[ItemProfile]  # standard items with a 拟批准公示 and a hearing

    @classmethod
    def of(cls, profiles: list[ItemProfile]) -> _Profiles:
        standard = [p for p in profiles if not p.fast_track]
        return cls(
            all=profiles,
            standard=standard,
            fast=[p for p in profiles if p.fast_track],
            converts_to=next((p for p in standard if p.code == CONVERTS_TO), None),
            joint=[p for p in standard if p.code in JOINT_REVIEW_ITEMS and p.expert_review],
            reviewed=[p for p in standard if p.expert_review],
            heard=[p for p in standard if p.hearing and p.pre_approval_days],
        )

    def can(self, feature: Feature) -> bool:
        """Whether a case of ``feature`` can be made from these items at all."""
        if feature in _FAST_FEATURES:
            return bool(self.fast)
        if feature is Feature.CONVERSION:
            return bool(self.fast) and self.converts_to is not None
        if not self.standard and not (self.fast and self.converts_to):
            return False
        if feature in _JOINT_FEATURES:
            return bool(self.joint)
        if feature is Feature.PAUSE:
            return bool(self.reviewed)
        if feature is Feature.HEARING:
            return bool(self.heard)
        return True


def plan_year(
    year: int,
    applications: int,
    items: Sequence[Item | ItemProfile],
    calendar: WorkingCalendar,
    *,
    seed: int = 1,
    rates: Rates = Rates(),
    ensure: Collection[Feature] = (),
) -> Plan:
    """The plan of ``applications`` cases arriving on the working days of ``year``.

    The same arguments give the same plan. ``ensure`` guarantees at least one case of each
    named feature (as far as there are cases and items to give them to), for small runs and
    tests; features that fit together may share a case.
    """
    if applications < 1:
        raise InvalidInput("申请数量至少为1", "--applications must be at least 1")
    if not items:
        raise InvalidInput("没有可申请的事项", "no appliable items to simulate")
    if not 2004 <= year <= 2098:
        raise InvalidInput(f"年份{year}超出范围", f"year {year} is out of range (2004-2098)")
    profiles = _Profiles.of([p if isinstance(p, ItemProfile) else ItemProfile.of(p) for p in items])
    rng = random.Random(f"eia-simulation:{year}:{applications}:{seed}")
    workdays = [d for d in _year_days(year) if calendar.is_workday(d)]
    day_weights = [MONTH_WEIGHTS[d.month - 1] for d in workdays]

    draws: list[_Draw] = []
    for _ in range(applications):
        draws.append(_draw(rng, rates, profiles, workdays, day_weights))
    draws.sort(key=lambda d: (d.submit_day, d.submit_minute))
    _ensure(rng, draws, profiles, {Feature(f) for f in ensure})

    cases = tuple(_lay_out(rng, calendar, i, d, rates, d.hearing) for i, d in enumerate(draws))
    events = tuple(sorted(e for case in cases for e in case.events))
    return Plan(year, applications, seed, cases, events)


def _year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _draw(
    rng: random.Random,
    rates: Rates,
    profiles: _Profiles,
    workdays: list[date],
    day_weights: list[float],
) -> _Draw:
    profile = rng.choices(profiles.all, [p.weight for p in profiles.all])[0]
    day = rng.choices(workdays, day_weights)[0]
    minute = rng.randrange(OFFICE_OPENS, OFFICE_CLOSES - 60)
    roll = rng.random()
    if roll < rates.refusal:
        intake = Intake.REFUSE
    elif roll < rates.refusal + rates.deemed:
        intake = Intake.DEEMED
    elif roll < rates.refusal + rates.deemed + rates.correction:
        intake = Intake.CORRECTION
    else:
        intake = Intake.ACCEPT
    deny = rng.random() < rates.denial
    expert, joint, revise, green = rng.random(), rng.random(), rng.random(), rng.random()
    late = rng.choice(list(Late)[1:]) if rng.random() < rates.late else Late.NONE
    eligible, on_time, revoked = rng.random(), rng.random(), rng.random()
    d = _Draw(
        profile=profile,
        final=profile,
        route=Route.STANDARD,
        submit_day=day,
        submit_minute=minute,
        project=_project(rng),
        commitment=None,
        intake=intake,
        outcome=Outcome.DENY if deny else Outcome.APPROVE,
        expert_review=False,
        joint=False,
        revise=False,
        green=False,
        late=late,
        check_late=on_time >= rates.check_on_time,
        revoked=revoked < rates.revocation,
    )
    if profile.fast_track:
        fast = profiles.converts_to is None or eligible < rates.fast_track_eligible
        _make_fast(rng, profiles, d, eligible=fast)
        if fast:
            return d
    if d.intake is Intake.REFUSE:
        _refuse(d)
        return d
    panel_reviewed = d.final.code in JOINT_REVIEW_ITEMS and d.final.expert_review
    d.joint = panel_reviewed and joint < rates.joint_review
    d.revise = d.joint and revise < rates.revision
    d.expert_review = not d.joint and d.final.expert_review and expert < rates.expert_review
    d.green = green < rates.green
    return d


def _make_fast(rng: random.Random, profiles: _Profiles, d: _Draw, *, eligible: bool) -> None:
    """Make ``d`` a fast-track application: decided on it, or converted (keeping the standard
    review's choices, which then apply to the report table it becomes)."""
    if not d.profile.fast_track:
        d.profile = rng.choices(profiles.fast, [p.weight for p in profiles.fast])[0]
    d.project, d.commitment = _fast_project(rng, None if eligible else rng.choice(INELIGIBLE))
    if eligible:
        d.route, d.final = Route.FAST_TRACK, d.profile
        d.intake, d.outcome, d.late = Intake.ACCEPT, Outcome.APPROVE, Late.NONE
        d.expert_review = d.joint = d.revise = d.green = False
        return
    assert profiles.converts_to is not None
    d.route, d.final = Route.CONVERTED, profiles.converts_to
    d.joint = d.revise = False
    d.expert_review = d.expert_review and d.final.expert_review


def _switch(rng: random.Random, d: _Draw, choices: list[ItemProfile]) -> None:
    """Give an unclaimed draw another standard item (and a project of its own)."""
    d.profile = d.final = rng.choices(choices, [p.weight for p in choices])[0]
    if d.route is not Route.STANDARD:
        d.route, d.commitment, d.project = Route.STANDARD, None, _project(rng)
        d.intake = Intake.ACCEPT if d.intake is Intake.REFUSE else d.intake


def _refuse(d: _Draw) -> None:
    d.intake, d.outcome, d.late = Intake.REFUSE, None, Late.NONE
    d.expert_review = d.joint = d.revise = d.green = False


# -- guaranteeing features -----------------------------------------------------------------------

_FAST_FEATURES = frozenset({Feature.FAST_TRACK, Feature.REVOCATION})
_JOINT_FEATURES = frozenset({Feature.JOINT_REVIEW, Feature.REVISION})
_INTAKE_FEATURES = frozenset({Feature.CORRECTION, Feature.DEEMED})
# The most constrained first, so that the later ones can share their cases.
_ENSURE_ORDER = (
    Feature.FAST_TRACK,
    Feature.REVOCATION,
    Feature.CONVERSION,
    Feature.JOINT_REVIEW,
    Feature.REVISION,
    Feature.HEARING,
    Feature.REFUSAL,
    Feature.PAUSE,
    Feature.DEEMED,
    Feature.CORRECTION,
    Feature.GREEN,
    Feature.LATE,
    Feature.DENIAL,
)
_SHARES = frozenset({Feature.REVOCATION, Feature.REVISION, Feature.HEARING})  # a claimed case
_IMPLIES = {
    Feature.REVOCATION: {Feature.FAST_TRACK},
    Feature.REVISION: {Feature.JOINT_REVIEW},
}


def _draw_has(d: _Draw, feature: Feature) -> bool:
    standard = d.route is not Route.FAST_TRACK
    return {
        Feature.CORRECTION: standard and d.intake is Intake.CORRECTION,
        Feature.DEEMED: standard and d.intake is Intake.DEEMED,
        Feature.REFUSAL: standard and d.intake is Intake.REFUSE,
        Feature.PAUSE: standard and d.expert_review,
        Feature.LATE: standard and d.late is not Late.NONE,
        Feature.DENIAL: standard and d.outcome is Outcome.DENY,
        Feature.FAST_TRACK: not standard,
        Feature.CONVERSION: d.route is Route.CONVERTED,
        Feature.JOINT_REVIEW: standard and d.joint,
        Feature.REVISION: standard and d.joint and d.revise,
        Feature.GREEN: standard and d.green,
        Feature.REVOCATION: not standard and d.revoked,
        Feature.HEARING: standard and d.hearing,
    }[feature]


def _natural(d: _Draw, feature: Feature) -> bool:
    """``d`` would take ``feature`` with the least change."""
    if feature in (Feature.FAST_TRACK, Feature.CONVERSION):
        return d.profile.fast_track
    if feature is Feature.REVOCATION:
        return d.route is Route.FAST_TRACK
    if feature is Feature.REVISION:
        return d.joint
    if feature is Feature.JOINT_REVIEW:
        return d.route is Route.STANDARD and d.final.code in JOINT_REVIEW_ITEMS
    if feature is Feature.PAUSE:
        return d.route is not Route.FAST_TRACK and d.final.expert_review and not d.joint
    if feature is Feature.HEARING:
        heard = d.final.hearing and d.final.pre_approval_days > 0
        return d.route is not Route.FAST_TRACK and heard and d.intake is not Intake.REFUSE
    return d.route is not Route.FAST_TRACK and d.intake is not Intake.REFUSE


def _compatible(feature: Feature, claimed: set[Feature], profiles: _Profiles) -> bool:
    """Can a draw already holding the guaranteed ``claimed`` take ``feature`` too?"""
    if not profiles.can(feature):
        return False
    if not claimed:
        return True
    if claimed & _FAST_FEATURES or feature in _FAST_FEATURES:
        return claimed <= _FAST_FEATURES and feature in _FAST_FEATURES
    if Feature.REFUSAL in claimed:
        return feature is Feature.CONVERSION
    if feature is Feature.REFUSAL:
        return claimed <= {Feature.CONVERSION}
    if feature is Feature.CONVERSION:
        return not claimed & _JOINT_FEATURES
    if feature in _JOINT_FEATURES:
        return not claimed & {Feature.CONVERSION, Feature.PAUSE}
    if feature is Feature.PAUSE:
        return not claimed & {*_JOINT_FEATURES, Feature.HEARING}
    if feature is Feature.DENIAL:
        return Feature.HEARING not in claimed
    if feature in _INTAKE_FEATURES:
        return not claimed & _INTAKE_FEATURES
    if feature is Feature.HEARING:  # an approval on an item with a hearing (EIA-01, the joint
        # review's, has one; a paused case's item might have to change; a converted one is
        # kept for a refusal)
        return not claimed & {Feature.DENIAL, Feature.REFUSAL, Feature.PAUSE, Feature.CONVERSION}
    return True  # green channel, lateness, denial go with any standard review


def _ensure(
    rng: random.Random, draws: list[_Draw], profiles: _Profiles, wanted: set[Feature]
) -> None:
    """Give each wanted feature to one case, without undoing one guaranteed before: a case
    that has it is kept as it is; otherwise the feature goes to the case it fits best, a case
    not yet holding a guarantee, or one whose guarantees it goes with."""
    claims: list[set[Feature]] = [set() for _ in draws]
    for feature in _ENSURE_ORDER:
        if feature not in wanted:
            continue
        having = [i for i, d in enumerate(draws) if _draw_has(d, feature)]
        if having:
            chosen = max(  # one holding guarantees already, or the most wanted features
                having,
                key=lambda i: (bool(claims[i]), sum(_draw_has(draws[i], f) for f in wanted)),
            )
        else:
            fits = [i for i in range(len(draws)) if _compatible(feature, claims[i], profiles)]
            if not fits:
                continue
            natural = [i for i in fits if _natural(draws[i], feature)]
            pool = (
                [i for i in natural if claims[i] and feature in _SHARES]  # revoke, revise, hear
                or natural
                or [i for i in fits if not claims[i]]
                or fits
            )
            chosen = rng.choice(pool)
            _give(rng, profiles, draws[chosen], feature)
        claims[chosen] |= {feature, *_IMPLIES.get(feature, ())}


def _give(rng: random.Random, profiles: _Profiles, d: _Draw, feature: Feature) -> None:
    if feature is Feature.FAST_TRACK or (
        feature is Feature.REVOCATION and d.route is not Route.FAST_TRACK
    ):
        _make_fast(rng, profiles, d, eligible=True)
    if feature is Feature.REVOCATION:
        d.revoked = True
    if feature in _FAST_FEATURES:
        return
    if feature is Feature.CONVERSION:
        _make_fast(rng, profiles, d, eligible=False)
        return
    if d.route is Route.FAST_TRACK:  # an unclaimed fast-track case: the standard review
        if profiles.standard:
            _switch(rng, d, profiles.standard)
        else:
            _make_fast(rng, profiles, d, eligible=False)
    if feature is Feature.REFUSAL:
        _refuse(d)
        return
    if d.intake is Intake.REFUSE:
        d.intake = Intake.ACCEPT
    if d.outcome is None:
        d.outcome = Outcome.APPROVE
    if feature in _JOINT_FEATURES:
        if d.route is not Route.STANDARD or d.final.code not in JOINT_REVIEW_ITEMS:
            _switch(rng, d, profiles.joint)
        d.joint, d.expert_review = True, False
        d.revise = d.revise or feature is Feature.REVISION
    elif feature is Feature.PAUSE:
        if not d.final.expert_review:
            _switch(rng, d, profiles.reviewed)
        d.expert_review, d.joint, d.revise = True, False, False
    elif feature is Feature.CORRECTION:
        d.intake = Intake.CORRECTION
    elif feature is Feature.DEEMED:
        d.intake = Intake.DEEMED
    elif feature is Feature.GREEN:
        d.green = True
    elif feature is Feature.LATE:
        d.late = rng.choice(list(Late)[1:])
    elif feature is Feature.DENIAL:
        d.outcome = Outcome.DENY
    elif feature is Feature.HEARING:
        if not (d.final.hearing and d.final.pre_approval_days):
            _switch(rng, d, profiles.heard)
        d.outcome, d.hearing = Outcome.APPROVE, True


# -- laying a case out on the calendar ---------------------------------------------------------


class _Layout:
    """Places one case's actions on the calendar, each strictly after the one before."""

    def __init__(self, rng: random.Random, calendar: WorkingCalendar, index: int) -> None:
        self.rng, self.calendar, self.index = rng, calendar, index
        self.events: list[Event] = []

    def add_working_days(self, day: date, n: int) -> date:
        return self.calendar.add_working_days(day, n).day

    def at(self, day: date, minute: int, act: Act) -> Event:
        event = Event(day, minute, self.index, act)
        self.events.append(event)
        return event

    def not_before(self, last: Event, ended: date) -> Event:
        """``last`` (the latest event) moved to the first working day after ``ended`` if it
        falls on or before it."""
        if last.day > ended:
            return last
        assert self.events[-1] is last, "only the latest event moves"
        self.events.pop()
        day = self.add_working_days(ended, 1)
        return self.at(day, last.minute, last.act)  # no draw: the rest of the plan stays

    def soon_after(self, previous: Event, act: Act) -> Event:
        """``act`` half an hour after ``previous``, or at opening the next working day (drawing
        nothing, so the rest of the plan stays as drawn)."""
        if previous.minute + 30 <= OFFICE_CLOSES:
            return self.at(previous.day, previous.minute + 30, act)
        return self.at(self.add_working_days(previous.day, 1), OFFICE_OPENS, act)

    def after(self, previous: Event, working_days: int, act: Act) -> Event:
        """``act`` ``working_days`` after ``previous`` (0: later the same working day, or the
        next working day when the office has closed or it is not a working day)."""
        day, minute = previous.day, previous.minute
        if working_days == 0 and self.calendar.is_workday(day):
            later = max(minute, OFFICE_OPENS) + self.rng.randrange(15, 121)
            if later <= OFFICE_CLOSES:
                return self.at(day, later, act)
        target = self.add_working_days(day, max(working_days, 1))
        return self.at(target, self.rng.randrange(OFFICE_OPENS, OFFICE_CLOSES), act)


def _staff_days(
    rng: random.Random, profile: ItemProfile, late: Late, green: bool = False
) -> tuple[int, int, int]:
    """(drafting, review, sign-off) working days; together they fit the budget unless late.
    The green channel's are drawn from its shortened step budgets."""
    budget = profile.budget
    if green:
        drafting_budget, step_budget = GREEN_DRAFTING_BUDGET, GREEN_STEP_BUDGET
        review, sign = rng.choice((0, 0, 1)), rng.choice((0, 0, 1))
        drafting = rng.randint(1, max(1, min(drafting_budget, budget - review - sign)))
    else:
        drafting_budget, step_budget = DRAFTING_BUDGET, STEP_BUDGET
        review = min(rng.choice((0, 1, 1, 2)), max(0, (budget - 1) // 2))
        sign = min(rng.choice((0, 1, 1, 2)), max(0, budget - 1 - review))
        top = max(1, min(DRAFTING_BUDGET, budget - review - sign))
        low = max(1, min(top, math.ceil(budget * 0.4) - review - sign))
        drafting = rng.randint(low, top)
    if late is Late.DRAFTING:
        drafting = drafting_budget + rng.randint(1, 6)
    elif late is Late.REVIEW:
        review = step_budget + rng.randint(1, 4)
    elif late is Late.SIGNING:
        sign = step_budget + rng.randint(1, 3)
    elif late is Late.PROMISED:
        over = budget + rng.randint(1, max(2, budget // 4))
        drafting = max(drafting, over - review - sign)
    return drafting, review, sign


def _lay_out(
    rng: random.Random,
    calendar: WorkingCalendar,
    index: int,
    d: _Draw,
    rates: Rates,
    with_hearing: bool = False,
) -> CasePlan:
    lay = _Layout(rng, calendar, index)
    submitted = lay.at(d.submit_day, d.submit_minute, Act.SUBMIT)
    case = CasePlan(
        index=index,
        item_code=d.profile.code,
        project=d.project,
        intake=d.intake,
        missing_material=None,
        pause_days=0,
        pause_max_days=0,
        late=d.late,
        outcome=d.outcome,
        events=(),
        submitted_on=d.submit_day,
        deemed_on=None,
        clock_started_on=None,
        decided_on=d.submit_day,
        turnaround_working_days=None,
        paused_working_days=0,
        route=d.route,
        final_item_code=d.final.code,
        commitment=d.commitment,
        joint_review=None,
        green=False,
        post_check=None,
    )
    if d.route is Route.FAST_TRACK:
        return _lay_out_fast(lay, case, d, submitted)
    intake_deadline = calendar.due(d.submit_day, d.profile.intake_days, d.profile.intake_unit).day
    within, _ = calendar.working_days_between(submitted.day, intake_deadline)
    intake_days = min(rng.choice((0, 1, 1, 2, 3)), within)  # staff act within the item's period
    if d.intake is Intake.REFUSE:
        refused = lay.after(submitted, intake_days, Act.REFUSE)
        return replace(case, events=tuple(lay.events), decided_on=refused.day)
    if d.intake is Intake.DEEMED:
        deemed_on = intake_deadline + timedelta(days=1)  # the first daily sweep past it
        accepted = Event(deemed_on, SWEEP_MINUTE, index, Act.ACCEPT)  # the sweep's, not staff's
        case = replace(case, deemed_on=deemed_on, clock_started_on=d.submit_day)  # as of receipt
    elif d.intake is Intake.CORRECTION:
        asked = lay.after(submitted, intake_days, Act.REQUEST_CORRECTION)
        again = lay.after(asked, rng.randint(2, 8), Act.RESUBMIT)
        accepted = lay.after(again, rng.choice((0, 1, 1, 2)), Act.ACCEPT)
        required = d.final.required_materials
        missing = rng.choice(required) if required else None
        case = replace(case, missing_material=missing, clock_started_on=accepted.day)
    else:
        accepted = lay.after(submitted, intake_days, Act.ACCEPT)
        case = replace(case, clock_started_on=accepted.day)

    anchor = accepted
    if d.green:  # flagged by the section chief as the case is accepted
        anchor = lay.after(accepted, 0, Act.FLAG_GREEN)
        case = replace(case, green=True)
    drafting, review, sign = _staff_days(rng, d.final, d.late, d.green)
    pauses: list[Pause] = []
    if d.joint:
        drafting = max(drafting, 2)
        before = rng.randint(1, min(3, drafting - 1))
        resumed, joint_review, spans = _joint_review(lay, anchor, before, d.revise)
        pauses += spans
        case = replace(case, joint_review=joint_review)
        drafted = lay.after(resumed, drafting - before, Act.DRAFT)
    elif d.expert_review:
        drafting = max(drafting, 2)
        before = rng.randint(1, min(3, drafting - 1))
        paused = lay.after(anchor, before, Act.PAUSE)
        pause_days = rng.randint(5, 25)
        resumed = lay.after(paused, pause_days, Act.RESUME)
        pauses.append(Pause(paused.day, resumed.day))
        case = replace(
            case,
            pause_days=pause_days,
            pause_max_days=max(10, math.ceil(pause_days / 10) * 10),
        )
        drafted = lay.after(resumed, drafting - before, Act.DRAFT)
    else:
        drafted = lay.after(anchor, drafting, Act.DRAFT)
    if d.final.notice_days:  # the draft waits for the 受理公示's last day and the answers
        ended = lay.add_working_days(accepted.day, d.final.notice_days)
        answered = _comments(lay, accepted, ended, rates)
        drafted = lay.not_before(drafted, max(ended, answered.day if answered else ended))
        if answered is not None:
            case = replace(
                case,
                comments=sum(1 for e in lay.events if e.act is Act.COMMENT),
                late_comments=sum(1 for e in lay.events if e.act is Act.COMMENT and e.day > ended),
            )
    reviewed = lay.after(drafted, review, Act.APPROVE_DRAFT)
    if d.final.pre_approval_days and d.outcome is Outcome.APPROVE:
        signed = lay.after(reviewed, sign, Act.SIGN)  # drawn as without the notice
        lay.events.pop()
        agreed = lay.soon_after(reviewed, Act.AGREE)
        ended = lay.add_working_days(agreed.day, d.final.pre_approval_days)
        hearing = _hearing(lay, agreed, rates, force=with_hearing) if d.final.hearing else None
        if hearing is not None:
            pauses.append(hearing.pause)
            case = replace(case, hearing=hearing)
            ended = max(ended, hearing.confirmed_on)
        lay.events.append(signed)  # ... and moved past the 拟批准公示's last day (and the record)
        signed = lay.not_before(signed, ended)
    else:
        signed = lay.after(reviewed, sign, Act.SIGN)

    started = case.clock_started_on
    assert started is not None
    used = calendar.used(started, signed.day, DayUnit.WORKING, pauses).days
    return replace(
        case,
        events=tuple(sorted(lay.events)),  # the public comments interleave
        decided_on=signed.day,  # the issuing flow runs at the sign-off and decides the case
        turnaround_working_days=used,
        paused_working_days=calendar.used(started, signed.day, DayUnit.WORKING).days - used,
    )


def _hearing(lay: _Layout, agreed: Event, rates: Rates, *, force: bool) -> HearingPlan | None:
    """An occasional hearing once the 拟批准公示 is out (its own random stream: the rest of the
    plan stays as drawn): asked for within the 5 working days of §47, or ordered (§46)."""
    rng = random.Random(f"hearing:{lay.index}:{agreed.day}")
    if not force and rng.random() >= rates.hearing:
        return None
    ordered = rng.random() < rates.hearing_ordered
    asked_on = lay.add_working_days(agreed.day, rng.randint(1, 3))
    lay.at(asked_on, rng.randrange(OFFICE_OPENS, OFFICE_CLOSES),
           Act.ORDER_HEARING if ordered else Act.REQUEST_HEARING)  # fmt: skip
    scheduled_on = lay.add_working_days(asked_on, 1)
    lay.at(scheduled_on, rng.randrange(OFFICE_OPENS, OFFICE_CLOSES), Act.SCHEDULE_HEARING)
    held_on = lay.add_working_days(scheduled_on, 8)
    lay.at(held_on, 16 * 60, Act.HOLD_HEARING)
    confirmed = lay.at(
        lay.add_working_days(held_on, 1),
        rng.randrange(OFFICE_OPENS, OFFICE_CLOSES),
        Act.CONFIRM_HEARING,
    )
    held_at = datetime.combine(held_on, time(9, 30), SHANGHAI)
    return HearingPlan(ordered, asked_on, held_at, confirmed.day)


def _comments(lay: _Layout, accepted: Event, ended: date, rates: Rates) -> Event | None:
    """The public's comments on the 受理公示 (from its own random stream, so the rest of the plan
    stays as drawn) and the officer's answer to them; None when nobody comments."""
    rng = random.Random(f"comments:{lay.index}:{accepted.day}")
    if rng.random() >= rates.commented:
        return None
    days = [
        day for day in (lay.add_working_days(accepted.day, n) for n in range(1, 11)) if day <= ended
    ]
    picked = sorted(rng.sample(days, k=min(len(days), rng.randint(1, 3))))
    if rng.random() < rates.late_comment:
        picked.append(lay.add_working_days(ended, rng.randint(1, 3)))
    last = accepted
    for day in picked:
        last = Event(day, rng.randrange(8 * 60, 22 * 60), lay.index, Act.COMMENT)
        lay.events.insert(len(lay.events) - 1, last)  # before the draft, which stays last
    answer_day = lay.add_working_days(last.day, rng.randint(1, 2))
    answer = Event(answer_day, rng.randrange(OFFICE_OPENS, OFFICE_CLOSES), lay.index, Act.ANSWER)
    lay.events.insert(len(lay.events) - 1, answer)
    return answer


def _joint_review(
    lay: _Layout, anchor: Event, before: int, revise: bool
) -> tuple[Event, JointReview, list[Pause]]:
    """Panel drawn ``before`` working days into drafting (the clock stops), the meeting 3-10
    working days later, every opinion in on the day, the chair closing; after "pass after
    revision" the applicant revises in 5-15 working days and the chair confirms (the clock
    stays stopped until then). Returns the event the drafting resumes after."""
    rng = lay.rng
    started = lay.after(anchor, before, Act.START_JOINT_REVIEW)
    meeting_day = lay.add_working_days(started.day, rng.randint(3, 10))
    meeting_minute = rng.choice(MEETING_MINUTES)
    opinions = lay.at(meeting_day, meeting_minute + rng.randrange(60, 151), Act.OPINIONS)
    closed = lay.after(opinions, rng.choice((0, 0, 1)), Act.CLOSE_REVIEW)
    spans = [Pause(started.day, closed.day)]
    resumed, revised, confirmed = closed, None, None
    if revise:
        revised = lay.after(closed, rng.randint(5, 15), Act.SUBMIT_REVISION)
        confirmed = lay.after(revised, rng.choice((0, 1, 1, 2)), Act.CONFIRM_REVISION)
        spans.append(Pause(closed.day, confirmed.day))
        resumed = confirmed
    review = JointReview(
        seed=rng.randint(1, MAX_SEED),
        needed=rng.choice(SPECIALTY_SETS),
        meeting=datetime.combine(
            meeting_day, time(meeting_minute // 60, meeting_minute % 60), SHANGHAI
        ),
        conclusion="revise" if revise else "pass",
        dissent=rng.random() < 0.5,
        started_on=started.day,
        closed_on=closed.day,
        revised_on=revised.day if revised else None,
        confirmed_on=confirmed.day if confirmed else None,
    )
    return resumed, review, spans


def _lay_out_fast(lay: _Layout, case: CasePlan, d: _Draw, submitted: Event) -> CasePlan:
    """告知承诺制: intake and the leader each act the same or the next working day (decided
    within one working day of acceptance); the daily sweep assigns the post-approval check
    when it comes within CHECK_LEAD_DAYS of its due day; the officer records it, mostly by
    then."""
    rng, calendar = lay.rng, lay.calendar
    accepted = lay.after(submitted, rng.choice((0, 0, 1)), Act.ACCEPT)
    signed = lay.after(accepted, rng.choice((0, 0, 1)), Act.SIGN)
    due = calendar.due(signed.day, POST_CHECK_DAYS, DayUnit.WORKING).day
    assigned = signed.day + timedelta(days=1)  # the sweep of the decision day ran before it
    while calendar.due(assigned, CHECK_LEAD_DAYS, DayUnit.WORKING).day < due:
        assigned += timedelta(days=1)
    first = assigned if calendar.is_workday(assigned) else lay.add_working_days(assigned, 1)
    if d.check_late:
        checked_on = lay.add_working_days(due, rng.randint(1, 8))
    else:
        window = calendar.working_days_between(first, due)[0]
        checked_on = lay.add_working_days(first, rng.randint(0, window))
    checked = lay.at(checked_on, rng.randrange(OFFICE_OPENS, OFFICE_CLOSES), Act.POST_CHECK)
    return replace(
        case,
        events=tuple(lay.events),
        clock_started_on=accepted.day,
        decided_on=signed.day,
        turnaround_working_days=calendar.used(accepted.day, signed.day, DayUnit.WORKING).days,
        post_check=PostCheck(due, assigned, checked.day, conforms=not d.revoked),
    )


# -- texts of the staff's decisions ------------------------------------------------------------

CONDITIONS = (
    "严格落实报告提出的废气治理措施，颗粒物、挥发性有机物排放执行国家和河南省相关标准。",
    "生产废水经预处理达标后排入园区污水处理厂，不得直接外排。",
    "危险废物分类收集、规范贮存，委托有资质单位处置，执行转移联单制度。",
    "选用低噪声设备并采取隔声、减振措施，厂界噪声执行GB 12348-2008相应标准。",
    "建立环境管理台账，按规定开展自行监测并公开监测信息。",
)
DENIAL_REASONS = (
    (
        "项目选址位于饮用水水源二级保护区内，不符合《中华人民共和国水污染防治法》第六十六条规定。",
        "《建设项目环境保护管理条例》第十一条第（一）项",
    ),
    (
        "项目所在区域环境质量未达到国家或者地方环境质量标准，且项目拟采取的措施不能满足区域"
        "环境质量改善目标管理要求。",
        "《建设项目环境保护管理条例》第十一条第（二）项",
    ),
    (
        "环境影响评价文件的基础资料数据明显不实，内容存在重大缺陷，环境影响评价结论不明确。",
        "《建设项目环境保护管理条例》第十一条第（五）项",
    ),
)
REFUSALS = (
    ("该项目属于省级生态环境主管部门审批权限，不属于本机关受理范围。", "河南省生态环境厅"),
    (
        "该项目依法应当填报环境影响登记表，实行备案管理，无需申请审批。",
        "建设项目环境影响登记表备案系统",
    ),
    ("申请事项依法不需要取得行政许可。", None),
)
CORRECTION_REASONS = (
    "文件未加盖公章",
    "内容与报批稿不一致，请提供最终版本",
    "缺少附件页，请一次性补齐",
    "扫描件不清晰，请重新上传",
)


def pre_approval_text_for(case: CasePlan) -> tuple[str, str]:
    """项目概况 and 主要环境影响及对策措施 of the case's 拟批准公示."""
    p = case.project
    overview = (
        f"{p.name}，位于{p.site}，总投资{p.total_investment}万元，"
        f"其中环保投资{p.env_investment}万元。"
    )
    return overview, "；".join(conditions_for(case))


def conditions_for(case: CasePlan) -> list[str]:
    rng = random.Random(f"conditions:{case.index}:{case.project.name}")
    return rng.sample(CONDITIONS, k=rng.randint(2, 4))


def denial_for(case: CasePlan) -> tuple[str, str]:
    return DENIAL_REASONS[case.index % len(DENIAL_REASONS)]


def refusal_for(case: CasePlan) -> tuple[str, str | None]:
    return REFUSALS[case.index % len(REFUSALS)]


def correction_reason_for(case: CasePlan) -> str:
    return CORRECTION_REASONS[case.index % len(CORRECTION_REASONS)]


GREEN_JUSTIFICATIONS = (
    "省市重点建设项目，列入年度重大项目清单，需特事特办加快审批",
    "民生保障工程（供水、供热），须在采暖季前投入运行，申请绿色通道",
    "应急保障项目，承担医疗废物应急处置任务，需尽快审批",
    "稳投资重点项目，市政府专题会议要求压缩审批时间",
)
PASS_OPINIONS = (
    "报告编制规范，评价因子识别全面，预测结论可信，同意通过。",
    "工程分析清楚，污染防治措施可行，环境影响可接受，同意通过。",
)
REVISION_OPINIONS = (
    "补充大气环境影响预测的气象资料和预测参数\n核实生产废水去向及园区污水处理厂接纳能力",
    "完善噪声源强及厂界达标分析\n补充危险废物贮存场所设置及管理要求",
    "核实卫生防护距离内的环境敏感目标\n细化环境风险防范措施和应急预案",
)
CHECK_FINDINGS = (
    "现场核查：建设地点、规模及生产工艺与告知承诺书一致",
    "现场核查：废气、废水治理设施已按报告表要求建设，与承诺一致",
)
FALSE_COMMITMENTS = (
    "实际建有电镀生产线，与承诺不符",
    "溶剂型涂料年用量超过10吨，与承诺不符",
    "厂区位于园区规划范围以外，与承诺不符",
)


def green_justification_for(case: CasePlan) -> str:
    return GREEN_JUSTIFICATIONS[case.index % len(GREEN_JUSTIFICATIONS)]


def opinion_for(case: CasePlan, conclusion: str, member: int) -> str:
    texts = REVISION_OPINIONS if conclusion == "revise" else PASS_OPINIONS
    return texts[(case.index + member) % len(texts)]


def check_findings_for(case: CasePlan) -> list[str]:
    check = case.post_check
    if check is not None and not check.conforms:
        return [FALSE_COMMITMENTS[case.index % len(FALSE_COMMITMENTS)]]
    return [CHECK_FINDINGS[case.index % len(CHECK_FINDINGS)]]
