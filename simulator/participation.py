"""The public's part in a replayed year: comments on the 受理公示 (some after its end) and the
case officer's answers, through the same services the comment form and the officer use."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session

from approvals.participation import comments, notice_audit
from approvals.participation.notices import find_notice
from approvals.timekeeping.schedule import shared_calendar
from models import NoticeKind, User
from simulator.plan import CasePlan, Plan

NAMES = ("王女士", "李先生", "张先生", "刘女士", "陈先生", "附近居民", "周边企业职工")
TEXTS = (
    "项目距离居民区较近，请说明施工期和运营期噪声防治措施。",
    "建议公开施工期扬尘监测数据，并设置围挡和喷淋。",
    "请说明废水是否接入园区污水处理厂，处理能力是否满足。",
    "危险废物暂存间的位置和防渗措施请予公开。",
    "希望夜间不进行高噪声作业。",
    "请核实卫生防护距离内是否有敏感点。",
)
ANSWERS = (
    "已要求建设单位落实报告书提出的措施，并纳入审批条件。",
    "经核实，报告书已对该问题作出分析，相关措施可行，已在批复中予以明确。",
    "已转建设单位研究落实，项目建成后纳入日常监管。",
)


def comment(session: Session, case: CasePlan, application_id: int, at: datetime) -> None:
    """A member of the public comments on the case's 受理公示 (late after its last day);
    ``at`` in UTC, as stored (the audit chain hashes what it stores)."""
    notice = find_notice(session, application_id, NoticeKind.ACCEPTANCE)
    assert notice is not None and notice.id is not None, "a comment on a case without notice"
    rng = random.Random(f"comment:{case.index}:{at.isoformat()}")
    text = comments.CommentIn(
        name=rng.choice(NAMES),
        contact=f"1390000{rng.randrange(10_000):04d}",
        text=rng.choice(TEXTS),
    )
    comments.submit_comment(session, notice.id, text, None, f"sim-{case.index}", at)


def answer_all(session: Session, officer: User, application_id: int, at: datetime) -> int:
    """The case officer answers every comment waiting; returns how many."""
    waiting = comments.unanswered(comments.comments_of(session, application_id))
    for row in waiting:
        assert row.id is not None
        text = ANSWERS[row.id % len(ANSWERS)]
        comments.respond(session, officer, application_id, row.id, text, at)
    return len(waiting)


def notice_figures(
    engine: Engine, plan: Plan
) -> tuple[list[notice_audit.NoticeKindSummary], int, int]:
    """Per kind of notice over the replayed year (as the auditor reads them, on the day after
    the last event), and the comments received, of which late."""
    last = plan.last_day + timedelta(days=1)
    with Session(engine) as session:
        rows = notice_audit.summary(session, shared_calendar(), last, plan.first_day, plan.last_day)
    return rows, sum(c.comments for c in plan.cases), sum(c.late_comments for c in plan.cases)


def print_notice_figures(console: Console, engine: Engine, plan: Plan) -> None:
    rows, received, late = notice_figures(engine, plan)
    console.print("公示公告 notices (ran full length / publication lag, working days):")
    for row in rows:
        if not row.notices:
            continue
        share = "—" if row.full_length_share is None else f"{row.full_length_share:.0%}"
        lag = "—" if row.median_lag_working_days is None else f"{row.median_lag_working_days:g}"
        console.print(
            f"  {row.kind.value}: {row.notices} published, ran full length {share} "
            f"({row.ran_full_length}/{row.finished}), median lag {lag}, "
            f"beyond 20 working days {row.beyond_limit}   {row.kind_label}"
        )
    console.print(f"  public comments: {received} (late {late})   公众意见（其中逾期）")
