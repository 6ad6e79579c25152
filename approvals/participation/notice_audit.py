"""What the auditor reads of the notices: did each run its full length, how long did publication
take after the event it follows, how many working days did the case spend in it.

Publication lag: working days from the event (acceptance, the leader's agreement, the decision)
to the day the notice was published; the target is the same working day (0), the outer limit
20 working days (政府信息公开条例第二十六条). A notice ran its full length when the step it holds
back (drafting after the 受理公示, signing after the 拟批准公示) came after its last day and its
dates were never moved (``notice_dates``: demonstrations and tests); a 公告 when its display
period has passed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals.clock import as_local, local_date
from approvals.timekeeping.calendar import WorkingCalendar
from models import (
    NOTICE_KIND_LABELS,
    AuditEvent,
    Decision,
    NoticeKind,
    PublicNotice,
)

TARGET_LAG = 0  # the same working day
LIMIT_LAG = 20  # 政府信息公开条例第二十六条: within 20 working days
MOVED = "public_notice_dates_moved"


@dataclass(frozen=True)
class NoticeLine:
    notice_id: int
    application_id: int
    kind: NoticeKind
    kind_label: str
    event_on: date | None
    published_on: date
    starts_on: date
    ends_on: date
    days: int
    lag_working_days: int | None  # None: the event day is not recorded
    on_target: bool | None  # published on the event's working day
    within_limit: bool | None  # within 20 working days
    held_until: date | None  # the day the held-back step came (drafting, signing)
    working_days_in_notice: int  # of the period, up to today
    ran_full_length: bool | None  # None: still running
    dates_moved: bool


def _lag(calendar: WorkingCalendar, event_on: date | None, published_on: date) -> int | None:
    if event_on is None:
        return None
    if published_on <= event_on:
        return 0
    return calendar.working_days_between(event_on, published_on)[0]


def _held_until(notice: PublicNotice, decision: Decision | None) -> date | None:
    """The day of the step the notice held back; None when there is none yet, or when the
    decision came first (告知承诺制: decide first, publish after)."""
    if decision is None or _before(decision.drafted_at, notice.published_at):
        return None
    if notice.kind is NoticeKind.ACCEPTANCE and decision.drafted_at is not None:
        return local_date(as_local(decision.drafted_at))
    if notice.kind is NoticeKind.PRE_APPROVAL and decision.signed_at is not None:
        return local_date(as_local(decision.signed_at))
    return None


def _before(moment: datetime | None, published: datetime) -> bool:
    return moment is not None and as_local(moment) < as_local(published)


def line_of(
    calendar: WorkingCalendar,
    notice: PublicNotice,
    decision: Decision | None,
    moved: bool,
    today: date,
) -> NoticeLine:
    published_on = local_date(as_local(notice.published_at))
    lag = _lag(calendar, notice.event_on, published_on)
    held = _held_until(notice, decision)
    ended = today > notice.ends_on
    if notice.kind in (NoticeKind.ACCEPTANCE, NoticeKind.PRE_APPROVAL):
        ran = None if held is None and not ended else (held is None or held > notice.ends_on)
    else:
        ran = True if ended else None
    if moved and ran is not None:
        ran = False
    upto = min(today, notice.ends_on)
    in_notice = (
        calendar.working_days_between(notice.starts_on, upto)[0] if upto > notice.starts_on else 0
    )
    return NoticeLine(
        notice_id=notice.id or 0,
        application_id=notice.application_id,
        kind=notice.kind,
        kind_label=NOTICE_KIND_LABELS[notice.kind],
        event_on=notice.event_on,
        published_on=published_on,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        days=notice.days,
        lag_working_days=lag,
        on_target=None if lag is None else lag <= TARGET_LAG,
        within_limit=None if lag is None else lag <= LIMIT_LAG,
        held_until=held,
        working_days_in_notice=in_notice,
        ran_full_length=ran,
        dates_moved=moved,
    )


def _moved_cases(session: Session, application_ids: Iterable[int]) -> set[int]:
    ids = list(set(application_ids))
    if not ids:
        return set()
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == MOVED, col(AuditEvent.application_id).in_(ids)
        )
    )
    return {e.application_id for e in events if e.application_id is not None}


def case_notices(
    session: Session, calendar: WorkingCalendar, application_id: int, today: date
) -> list[NoticeLine]:
    """Every notice of one case, in publication order."""
    notices = list(
        session.exec(
            select(PublicNotice)
            .where(PublicNotice.application_id == application_id)
            .order_by(col(PublicNotice.published_at), col(PublicNotice.id))
        )
    )
    decision = session.exec(
        select(Decision).where(Decision.application_id == application_id)
    ).first()
    moved = application_id in _moved_cases(session, [application_id])
    return [line_of(calendar, n, decision, moved, today) for n in notices]


@dataclass(frozen=True)
class NoticeKindSummary:
    kind: NoticeKind
    kind_label: str
    notices: int
    finished: int  # whose full length can be judged (ended, or the held step came)
    ran_full_length: int
    full_length_share: float | None
    median_lag_working_days: float | None
    on_target: int  # published on the event's working day
    beyond_limit: int  # published after more than 20 working days
    median_working_days_in_notice: float | None


def summary(
    session: Session,
    calendar: WorkingCalendar,
    today: date,
    since: date | None = None,
    until: date | None = None,
) -> list[NoticeKindSummary]:
    """Per kind of notice, over the notices that started in [since, until]."""
    query = select(PublicNotice)
    if since is not None:
        query = query.where(col(PublicNotice.starts_on) >= since)
    if until is not None:
        query = query.where(col(PublicNotice.starts_on) <= until)
    notices = list(session.exec(query))
    case_ids = {n.application_id for n in notices}
    decisions = (
        {
            d.application_id: d
            for d in session.exec(
                select(Decision).where(col(Decision.application_id).in_(list(case_ids)))
            )
        }
        if case_ids
        else {}
    )
    moved = _moved_cases(session, case_ids)
    lines = [
        line_of(calendar, n, decisions.get(n.application_id), n.application_id in moved, today)
        for n in notices
    ]
    rows = []
    for kind in NoticeKind:
        mine = [line for line in lines if line.kind is kind]
        judged = [line for line in mine if line.ran_full_length is not None]
        full = sum(1 for line in judged if line.ran_full_length)
        lags = [line.lag_working_days for line in mine if line.lag_working_days is not None]
        spent = [line.working_days_in_notice for line in mine]
        rows.append(
            NoticeKindSummary(
                kind=kind,
                kind_label=NOTICE_KIND_LABELS[kind],
                notices=len(mine),
                finished=len(judged),
                ran_full_length=full,
                full_length_share=round(full / len(judged), 4) if judged else None,
                median_lag_working_days=statistics.median(lags) if lags else None,
                on_target=sum(1 for lag in lags if lag <= TARGET_LAG),
                beyond_limit=sum(1 for lag in lags if lag > LIMIT_LAG),
                median_working_days_in_notice=statistics.median(spent) if spent else None,
            )
        )
    return rows
