"""万人助万企 in the simulated year: the demo enterprise is a key enterprise with 李承办 as its
liaison (so the liaison is mailed on its decisions and warnings), and it or its liaison raises
about one problem for every eight applications (at least two a month). Most are resolved
within their category's deadline, some late (the deadline sweep escalates them first); the
enterprise confirms (销号) the day after, or once in ten reopens and confirms the second
answer. Seeded; the replay calls ``Ledger.run_day`` once a day after the day's case actions,
through the same services the API calls.

``print_figures`` prints the ledger: raised, open, overdue, escalated, closed within deadline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.clock import SHANGHAI, FixedClock
from approvals.liaison import assignment, ledger
from approvals.liaison.report import ledger_report
from approvals.liaison.rules import load_rules
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.schedule import shared_calendar
from core.db import session_scope
from flows import deadlines
from flows.runtime import Runtime
from models import User
from models.liaison import KeyEnterpriseAssign, ProblemCreate

PER_APPLICATIONS = 8
AT_LEAST_PER_MONTH = 2
TOPICS = ("危废暂存间建设标准", "排污许可变更", "环评文件编制深度", "在线监测联网", "用地规划协调")


@dataclass(frozen=True)
class Planned:
    index: int
    category: str
    by_liaison: bool
    steps: tuple[tuple[datetime, str], ...]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), SHANGHAI)


def plan(year: int, applications: int, seed: int, last_day: date,
         calendar: WorkingCalendar) -> list[Planned]:  # fmt: skip
    rng = random.Random(f"ledger:{year}:{seed}")
    rules = load_rules()
    categories = list(rules.categories.values)
    months = [date(year, m, 1) for m in range(1, 13) if date(year, m, 1) <= last_day]
    planned = []
    for index in range(max(applications // PER_APPLICATIONS, AT_LEAST_PER_MONTH * len(months))):
        day = months[index % len(months)].replace(day=rng.randint(1, 28))
        while not calendar.is_workday(day):
            day = calendar.add_working_days(day, 1).day
        category = rng.choice(categories)
        deadline = rules.days_of(category)
        late = rng.random() < 0.2
        took = deadline + rng.randint(1, 5) if late else rng.randint(1, deadline)
        resolved = calendar.add_working_days(day, took).day
        steps = [(_at(day, 10), "raise"), (_at(resolved, 16), "resolve")]
        answered = calendar.add_working_days(resolved, 1).day
        if rng.random() < 0.1:  # the enterprise is not satisfied once
            again = calendar.add_working_days(answered, 2).day
            steps += [(_at(answered, 11), "reopen"), (_at(again, 16), "resolve")]
            answered = calendar.add_working_days(again, 1).day
        steps.append((_at(answered, 11), "confirm"))
        kept = tuple(s for s in steps if s[0].date() <= last_day)
        planned.append(Planned(index, category, rng.random() < 0.4, kept))
    return planned


class Ledger:
    """Replays the planned problems day by day on the replay's clock."""

    def __init__(self, rt: Runtime, clock: FixedClock, year: int, applications: int, seed: int,
                 last_day: date) -> None:  # fmt: skip
        self.rt, self.clock = rt, clock
        self.by_day: dict[date, list[tuple[datetime, str, Planned]]] = {}
        for p in plan(year, applications, seed, last_day, shared_calendar()):
            for moment, step in p.steps:
                self.by_day.setdefault(moment.date(), []).append((moment, step, p))
        self.ids: dict[int, int] = {}
        with session_scope(rt.engine) as session:
            names = ("qiye", "chengban", "admin")
            users = {u.username: u for u in session.exec(select(User)) if u.username in names}
            self.enterprise, self.liaison, admin = (users[n] for n in names)
            key = KeyEnterpriseAssign(
                enterprise_id=self.enterprise.enterprise_id or 0, liaison_id=self.liaison.id or 0,
                note="模拟：重点企业",
            )  # fmt: skip
            assignment.assign(session, clock.now(), admin, key)
            session.commit()

    def run_day(self, day: date) -> None:
        deadlines.escalate_problems(self.rt)  # the sweep's step (its mail relayed next morning)
        for moment, step, planned in sorted(self.by_day.get(day, []), key=lambda s: s[0]):
            self.clock.set(max(moment, self.clock.now()))
            with session_scope(self.rt.engine) as session:
                self._step(session, step, planned)
                session.commit()

    def _step(self, session: Session, step: str, p: Planned) -> None:
        clock, who = self.clock, lambda u: session.merge(u)
        if step == "raise":
            raiser = self.liaison if p.by_liaison else self.enterprise
            data = ProblemCreate(
                enterprise_id=self.enterprise.enterprise_id, category=p.category,
                title=f"{TOPICS[p.index % len(TOPICS)]}（模拟{p.index + 1}）",
                description="企业反映该事项办理依据不清，请协调明确。",
            )  # fmt: skip
            self.ids[p.index] = ledger.raise_problem(session, clock, who(raiser), data).id or 0
        elif step == "resolve":
            text = "已会同责任单位研究答复，并现场指导。"
            ledger.resolve(session, clock, who(self.liaison), self.ids[p.index], text)
        elif step in ("confirm", "reopen"):
            solved = step == "confirm"
            ledger.confirm(session, clock, who(self.enterprise), self.ids[p.index], solved)


def print_figures(console: Console, engine: Engine, today: date) -> None:
    """The ledger's figures as of ``today`` (the replay's last day)."""
    with session_scope(engine) as session:
        report = ledger_report(session, today)
    share = "—" if report.closed_on_time_share is None else f"{report.closed_on_time_share:.0%}"
    console.print(
        f"  problem ledger: {report.total} raised, {report.open} open ({report.overdue} overdue), "
        f"{report.escalated} escalated, {report.closed} closed, {report.closed_on_time} within "
        f"the deadline ({share}), {report.closed_late} late   问题台账（按期办结率）",
        soft_wrap=True,
    )
