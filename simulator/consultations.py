"""靠前服务 in the simulated year: about one planned project for every five applications (at
least one a month), each registered by the demo enterprise on a working day, assigned by the
section chief, booked on a time the officer offers (video or on site, one to four working days
ahead), reminded by the deadline sweep, guided after the consultation (the 指导意见 rendered,
signed, stored and mailed as the service does) and, for most, rated. Seeded; the replay calls
``Consultations.run_day`` once a day after the day's case actions, through the same services
the API calls.

``print_figures`` prints consultations per month and the median time from request to guidance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import SHANGHAI, FixedClock
from approvals.consultation import guidance, requests, slots
from approvals.consultation.report import consultation_report
from approvals.ratings import service as ratings
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.schedule import shared_calendar
from core.db import session_scope
from flows import deadlines
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import ConsultMode, EiaCategory, User
from models.consultation import ConsultationCreate, GuidanceCreate, SlotCreate
from models.ratings import RatingCreate

PER_APPLICATIONS = 5  # one consultation for every five applications
AT_LEAST_PER_MONTH = 1
# (item, category) an officer finds, weighted: most planned projects need a report table.
FINDINGS = (
    ("EIA-02", EiaCategory.REPORT_TABLE, 6),
    ("EIA-01", EiaCategory.REPORT_BOOK, 2),
    ("EIA-08", EiaCategory.REGISTRATION_FORM, 1),
)
PROJECTS = ("精密零部件加工", "食品加工", "电子元件组装", "新材料中试", "物流仓储配套")


@dataclass(frozen=True)
class Planned:
    """One consultation's moments (Asia/Shanghai) and the officer's findings."""

    index: int
    requested: datetime
    assigned: datetime
    slot: datetime
    mode: ConsultMode
    guided: datetime
    item_code: str
    category: EiaCategory
    rating: int | None  # 5 … 1, None: not rated

    def steps(self) -> list[tuple[datetime, str]]:
        booked = self.assigned + timedelta(hours=2)
        return [
            (self.requested, "request"),
            (self.assigned, "assign"),
            (self.assigned + timedelta(hours=1), "offer"),
            (booked, "book"),
            (self.guided, "guide"),
            *([(self.guided + timedelta(hours=1), "rate")] if self.rating else []),
        ]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def plan(
    year: int, applications: int, seed: int, last_day: date, calendar: WorkingCalendar
) -> list[Planned]:
    """The year's consultations, requested before the replay's last month ends."""
    rng = random.Random(f"consultations:{year}:{seed}")
    months = sorted({date(year, m, 1) for m in range(1, 13) if date(year, m, 1) <= last_day})
    count = max(applications // PER_APPLICATIONS, AT_LEAST_PER_MONTH * len(months))
    planned: list[Planned] = []
    for index in range(count):
        month = months[index % len(months)]
        day = month + timedelta(days=rng.randrange(28))
        while not calendar.is_workday(day):
            day += timedelta(days=1)
        assigned = calendar.add_working_days(day, rng.choice((0, 1, 1, 2))).day
        slot_day = calendar.add_working_days(assigned, rng.randint(1, 4)).day
        guided_day = calendar.add_working_days(slot_day, rng.choice((0, 0, 1, 2))).day
        if guided_day > last_day:
            continue
        code, category, _ = rng.choices(FINDINGS, weights=[f[2] for f in FINDINGS])[0]
        rated = rng.random() < 0.8
        planned.append(
            Planned(
                index=index,
                requested=_at(day, rng.randint(9, 15), rng.choice((0, 15, 30, 45))),
                assigned=_at(assigned, 10) if assigned > day else _at(day, 16),
                slot=_at(slot_day, rng.choice((9, 10, 14, 15)), 30),
                mode=rng.choice((ConsultMode.VIDEO, ConsultMode.VIDEO, ConsultMode.ON_SITE)),
                guided=_at(guided_day, 17),
                item_code=code,
                category=category,
                rating=rng.choices((5, 4, 3, 2), weights=(6, 3, 1, 0.3))[0] if rated else None,
            )
        )
    return planned


class Consultations:
    """Replays the planned consultations day by day on the replay's clock."""

    def __init__(self, rt: Runtime, clock: FixedClock, year: int, applications: int, seed: int,
                 last_day: date) -> None:  # fmt: skip
        self.rt, self.clock = rt, clock
        self.launcher = InlineLauncher(rt)
        self.by_day: dict[date, list[tuple[datetime, str, Planned]]] = {}
        for p in plan(year, applications, seed, last_day, shared_calendar()):
            for moment, step in p.steps():
                self.by_day.setdefault(moment.date(), []).append((moment, step, p))
        self.ids: dict[int, int] = {}  # planned index -> consultation id
        self.slot_ids: dict[int, int] = {}
        with session_scope(rt.engine) as session:
            names = ("qiye", "kezhang", "chengban")
            users = {u.username: u for u in session.exec(select(User)) if u.username in names}
        self.enterprise, self.chief, self.officer = (users[n] for n in names)

    def run_day(self, day: date) -> None:
        """The sweep's reminder, then the day's steps in time order (never before the clock:
        the day's case actions ran first)."""
        deadlines.remind_consultations(self.rt)
        for moment, step, planned in sorted(self.by_day.get(day, []), key=lambda s: s[0]):
            self.clock.set(max(moment, self.clock.now()))
            with session_scope(self.rt.engine) as session:
                self._step(session, step, planned)
                session.commit()
            if step == "guide":
                self.launcher.issue_guidance()

    def _step(self, session: Session, step: str, p: Planned) -> None:
        clock, who = self.clock, lambda u: session.merge(u)
        if step == "request":
            data = ConsultationCreate(
                project_name=f"模拟{PROJECTS[p.index % len(PROJECTS)]}项目{p.index + 1}号",
                site=f"经开区第{p.index % 20 + 1}大街", district="郑州经济技术开发区",
                industry_code="3453", scale="年产零部件10万件", description="新建厂房一座。",
                question="应编制哪类环评文件？",
            )  # fmt: skip
            self.ids[p.index] = (
                requests.register(session, clock, who(self.enterprise), data).id or 0
            )
        elif step == "assign":
            officer_id = self.officer.id or 0
            requests.assign(session, clock, who(self.chief), self.ids[p.index], officer_id)
        elif step == "offer":
            offered = SlotCreate(
                starts_at=p.slot, minutes=60, mode=p.mode, place="腾讯会议（模拟）"
            )
            self.slot_ids[p.index] = slots.offer(session, clock, who(self.officer), offered).id or 0
        elif step == "book":
            slot_id = self.slot_ids[p.index]
            slots.book(session, clock, who(self.enterprise), self.ids[p.index], slot_id)
        elif step == "guide":
            data = GuidanceCreate(item_code=p.item_code, eia_category=p.category,
                                  obstacles="注意厂界噪声与挥发性有机物治理。")  # fmt: skip
            guidance.issue(
                session, clock, self.rt.catalogue, who(self.officer), self.ids[p.index], data
            )
        elif step == "rate" and p.rating:
            reasons = ["办事效率低"] if p.rating <= 2 else []
            rating = RatingCreate(level=p.rating, reasons=reasons)
            ratings.rate_guidance(session, clock, who(self.enterprise), self.ids[p.index], rating)


def print_figures(console: Console, engine: Engine) -> None:
    """Consultations per month and the median time from request to guidance."""
    with session_scope(engine) as session:
        report = consultation_report(session, shared_calendar())
    median = "—" if report.median_working_days is None else f"{report.median_working_days:g}"
    console.print(
        f"  consultations: {report.requests} requested, {report.guided} guided, median "
        f"{median} working days from request to guidance   前期指导（靠前服务）",
        soft_wrap=True,
    )
    for m in report.by_month:
        month_median = "—" if m.median_working_days is None else f"{m.median_working_days:g}"
        console.print(
            f"    {m.month}: {m.requests} requested, {m.guided} guided, median {month_median}"
        )
