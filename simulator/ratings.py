"""好差评 of a replayed year, through the same services the rating page and the 差评整改 page
use: the enterprise rates most decided cases the working day after the decision (seeded: most
非常满意, a few 差评 naming their reasons), a section chief answers each 差评's follow-up some
working days later (now and then after its deadline). Run after the replay, each act on its own
day's clock."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from rich.console import Console
from sqlmodel import Session, col, select

from approvals.clock import SHANGHAI, FixedClock
from approvals.ratings import service
from approvals.ratings.report import rating_report
from approvals.ratings.rules import load_rules
from approvals.timekeeping.schedule import shared_calendar
from flows.runtime import Runtime
from models import Application, RatedEvent, Role, User
from models.ratings import FollowUpAnswer, RatingCreate
from simulator.plan import Plan

RATED = 0.7  # of the decided cases the enterprise rates
LEVELS = (5, 4, 3, 2, 1)
WEIGHTS = (55, 25, 12, 5, 3)  # 非常满意 … 非常不满意


def _at(day: date, hour: int) -> FixedClock:
    return FixedClock(datetime.combine(day, time(hour, 0), SHANGHAI))


def rate_year(rt: Runtime, plan: Plan, application_ids: list[int]) -> int:
    """Rate the decided cases of the replayed year and answer the 差评; returns how many."""
    calendar, rules = shared_calendar(), load_rules()
    rated = 0
    with Session(rt.engine) as session:
        chief = session.exec(select(User).where(User.role == Role.SECTION_CHIEF)).first()
        assert chief is not None, "the demo accounts include a section chief"
        applications = session.exec(
            select(Application)
            .where(col(Application.id).in_(application_ids))
            .order_by(col(Application.id))
        ).all()
        for application in applications:
            rng = random.Random(f"rating:{plan.seed}:{application.id}")
            decided = application.decided_on
            if decided is None or RatedEvent.DECISION not in service.ratable_events(application):
                continue
            if rng.random() >= RATED:
                continue
            rater = session.exec(
                select(User).where(
                    User.enterprise_id == application.enterprise_id, User.role == Role.APPLICANT
                )
            ).first()
            if rater is None:
                continue
            level = rng.choices(LEVELS, WEIGHTS)[0]
            reasons = [rng.choice(rules.reasons.values)] if rules.is_bad(level) else []
            day = calendar.add_working_days(decided, 1).day
            rating = service.rate(
                session, _at(day, 10), rater, application.id or 0, RatedEvent.DECISION,
                RatingCreate(level=level, reasons=reasons),
            )  # fmt: skip
            session.commit()
            rated += 1
            if reasons:
                later = calendar.add_working_days(day, rng.randint(2, 18)).day
                answer = FollowUpAnswer(
                    verification="已电话回访企业，核实所反映的问题属实。",
                    rectification="已提醒承办人员改进，并补充完善办事指南说明。",
                    feedback="已向企业反馈整改情况。",
                )
                service.answer(session, _at(later, 15), chief, rating.id or 0, answer)
                session.commit()
    return rated


def print_figures(console: Console, rt: Runtime, today: date) -> None:
    """The rating distribution and the follow-ups answered on time."""
    with Session(rt.engine) as session:
        report = rating_report(session, rt.catalogue, today)
    levels = "、".join(f"{level}分 {report.by_level.get(level, 0)}" for level in LEVELS)
    answered = report.follow_ups_on_time + report.follow_ups_late
    share = f" ({report.follow_ups_on_time / answered:.0%})" if answered else ""
    console.print(
        f"  ratings: {report.total} ({levels}), satisfied {report.satisfaction:.0%}; follow-ups "
        f"answered on time {report.follow_ups_on_time}/{answered}{share}, open "
        f"{report.follow_ups_open}   好差评（差评整改按期）",
        soft_wrap=True,
    )
