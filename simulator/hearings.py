"""The hearings of a replayed year, through the same services the hearing pages and API use:
the applicant asks within §47's period (or the bureau orders one, §46, announced), the case
officer schedules it with the section chief presiding (not a reviewer, §48(三)), the record is
entered after the hearing, the applicant confirms it; the 特别程序告知书, 听证通知书 and 听证笔录
are issued as the API's requests would issue them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from approvals.participation.hearings import conduct, requests
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    ClockPause,
    Enterprise,
    Hearing,
    HearingMode,
    HearingOrigin,
    User,
)
from models.hearings import HearingRecordIn, Participant, Statement
from simulator.plan import Act, CasePlan

HEARING_ACTS = frozenset(
    {
        Act.REQUEST_HEARING,
        Act.ORDER_HEARING,
        Act.SCHEDULE_HEARING,
        Act.HOLD_HEARING,
        Act.CONFIRM_HEARING,
    }
)
REASONS = "项目对周边居民生活环境影响较大，申请人要求就拟批准内容举行听证，陈述意见"
ORDERED = "项目涉及周边居民集中区的重大公共利益，本机关决定举行听证，听取社会各方意见"


@dataclass(frozen=True)
class Actors:
    applicant: User
    officer: User
    presiding: User


def act(
    session: Session, now: datetime, who: Actors, case: CasePlan, act: Act, application_id: int
) -> None:
    """One planned hearing act of ``case`` at ``now``."""
    planned = case.hearing
    assert planned is not None, "a hearing act of a case planned without one"
    application = session.get(Application, application_id)
    assert application is not None
    calendar = shared_calendar()
    if act is Act.REQUEST_HEARING:
        requests.request_as_applicant(
            session, calendar, now, who.applicant, application, REASONS, "项目联系人"
        )
    elif act is Act.ORDER_HEARING:
        requests.order(session, calendar, now, who.officer, application, ORDERED)
    elif act is Act.SCHEDULE_HEARING:
        conduct.schedule(
            session, calendar, now, who.officer, application,
            scheduled_at=planned.held_at, mode=HearingMode.IN_PERSON,
            place="郑州市生态环境局听证室", presiding_officer_id=who.presiding.id or 0,
            recorder="书记员",
        )  # fmt: skip
    elif act is Act.HOLD_HEARING:
        builder = _builder(session, application)
        record = HearingRecordIn(
            held_at=planned.held_at,
            participants=[
                Participant(name=builder, role="申请人"),
                Participant(name=who.officer.display_name, role="行政许可审查人员"),
            ],
            review_opinion="项目选址符合规划，污染防治措施可行，拟予批准。",
            statements=[
                Statement(speaker=builder, text="项目已采取隔声降噪和废气收集处理措施。"),
                Statement(speaker=who.officer.display_name, text="对主要环境影响及措施作了说明。"),
            ],
            adoption_note="听证中提出的噪声防治意见已采纳，在批复中提出要求。",
        )
        conduct.record(session, now, who.officer, application, record)
    elif act is Act.CONFIRM_HEARING:
        conduct.confirm(session, now, who.applicant, application, name="", confirmed=True, note="")


def _builder(session: Session, application: Application) -> str:
    enterprise = session.get(Enterprise, application.enterprise_id)
    return enterprise.name if enterprise else "建设单位"


@dataclass(frozen=True)
class Figures:
    held: int
    ordered: int
    median_paused_working_days: float | None


def figures(session: Session, application_ids: list[int]) -> Figures:
    """The year's hearings: how many were held, how many the bureau ordered, and the median
    working days the clock stood still for one."""
    rows = session.exec(
        select(Hearing).where(col(Hearing.application_id).in_(application_ids))
    ).all()
    held = [h for h in rows if h.recorded_at is not None]
    days = sorted(_paused(session, h) for h in held)
    median = None
    if days:
        mid = len(days) // 2
        median = float(days[mid]) if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
    return Figures(len(held), sum(h.origin is HearingOrigin.ORDERED for h in held), median)


def _paused(session: Session, hearing: Hearing) -> int:
    pause = session.get(ClockPause, hearing.pause_id) if hearing.pause_id else None
    if pause is None or pause.end_on is None:
        return 0
    return shared_calendar().working_days_between(pause.start_on, pause.end_on)[0]
