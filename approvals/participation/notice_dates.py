"""Moving a running notice back in time, for the tests, ``eia demo`` and nothing else.

A notice runs whole working days and the decision waits for its end; a demonstration or a
test that must not wait days moves the notice back instead (publication, start and end by the
same number of calendar days, its length in working days kept, so it has ended yesterday at the
latest). The move is an event in the case's audit chain: the record never hides that the
period did not really pass. The simulator does not use this: its clock passes the days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from approvals import audit
from approvals.catalogue.schema import DayUnit
from approvals.timekeeping.calendar import WorkingCalendar
from models import NOTICE_KIND_LABELS, PERIOD_KINDS, HearingRight, NoticeKind, PublicNotice

PRE_APPROVAL_VIA = "拟批准公示"  # how approvals.participation.pre_approval tells the right


def move_to_ended(
    session: Session, calendar: WorkingCalendar, notice: PublicNotice, today: date, at: datetime
) -> PublicNotice:
    """Move ``notice`` back so its whole period ended before ``today`` (no-op when it has);
    flushes and appends an audit event."""
    if notice.ends_on < today:
        return notice
    shift = (notice.ends_on - today).days + 1
    while True:
        starts_on = notice.starts_on - timedelta(days=shift)
        ends_on = calendar.due(starts_on, notice.days, DayUnit.WORKING).day
        if ends_on < today:
            break
        shift += 1
    before = f"{notice.starts_on}～{notice.ends_on}"
    if notice.kind is NoticeKind.PRE_APPROVAL:  # the hearing right it told moves with it
        for right in session.exec(
            select(HearingRight).where(
                HearingRight.application_id == notice.application_id,
                HearingRight.via == PRE_APPROVAL_VIA,
                HearingRight.notified_on == notice.starts_on,
            )
        ):
            right.notified_on = starts_on
            session.add(right)
    notice.starts_on, notice.ends_on = starts_on, ends_on
    notice.published_at = notice.published_at - timedelta(days=shift)
    session.add(notice)
    audit.append_event(
        session,
        at=at,
        application_id=notice.application_id,
        actor_id=None,
        actor_name="测试/演示",
        actor_role="系统",
        action="public_notice_dates_moved",
        comment=(
            f"{NOTICE_KIND_LABELS[notice.kind]}期间由{before}前移为{starts_on}～{ends_on}"
            "（演示或测试，非真实公示）"
        ),
    )
    session.flush()
    return notice


def move_case_notices_to_ended(
    session: Session, calendar: WorkingCalendar, application_id: int, today: date, at: datetime
) -> list[PublicNotice]:
    """Every notice of the case that has not ended yet, moved back (see ``move_to_ended``)."""
    running = session.exec(
        select(PublicNotice).where(
            PublicNotice.application_id == application_id,
            col(PublicNotice.ends_on) >= today,
            col(PublicNotice.kind).in_(list(PERIOD_KINDS)),
        )
    ).all()
    return [move_to_ended(session, calendar, n, today, at) for n in running]
