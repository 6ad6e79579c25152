"""The hearing's stop of the statutory clock (行政许可法第45条): from the request (or the order)
until the record is confirmed, or until the last request is withdrawn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from approvals import audit
from approvals.casework import pauses
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.schema import HearingSpec
from approvals.clock import local_date, to_utc
from approvals.errors import ConcurrentUpdate
from approvals.timekeeping.case_clock import pauses_of, refresh_cached
from approvals.timekeeping.schedule import shared_calendar
from models import Application, ClockPause, Hearing, User
from models.ids import id_of

REASON = "听证"


def bump_version(session: Session, application: Application) -> None:
    """The hearing changed the case: a new version (a stale page's action is refused, and the
    documents queued now get a flow request of their own: requests are keyed by version)."""
    result = session.execute(
        update(Application)
        .where(
            col(Application.id) == id_of(application),
            col(Application.version) == application.version,
        )
        .values(version=application.version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
        raise ConcurrentUpdate(
            "该办件已被他人处理或页面已过期，请刷新后重试",
            "the case was changed by someone else first; reload and retry",
        )
    session.refresh(application)


def ensure_stopped(
    session: Session,
    now: datetime,
    application: Application,
    hearing: Hearing,
    spec: HearingSpec,
    actor: User | None,
) -> ClockPause | None:
    """Stop the clock for the hearing unless it is stopped for it already. While another stop
    runs (an expert review), the hearing's starts when scheduling finds the clock running."""
    if hearing.pause_id is not None or application.clock_started_on is None:
        return None
    if any(p.end_on is None for p in pauses_of(session, id_of(application))):
        return None
    bump_version(session, application)
    pause = pauses.stop_clock(
        session,
        now,
        application,
        reason=REASON,
        max_days=spec.pause_days,
        unit=spec.hold_unit,
        comment=(
            f"依法组织听证：听证将于收到申请之日起{spec.hold_days}"
            f"{'个工作日' if spec.hold_unit.value == 'working' else '日'}内举行，"
            "计时自听证笔录经听证参加人确认之日的次日起恢复；听证申请全部撤回的，自撤回之日的次日起恢复。"
        ),
        actor=actor,
    )
    hearing.pause_id = pause.id
    session.add(hearing)
    session.flush()
    return pause


def resume(
    session: Session,
    now: datetime,
    application: Application,
    hearing: Hearing,
    actor: User | None,
    why: str,
) -> ClockPause | None:
    """End the hearing's stop today (the day it ends does not count, the next day does)."""
    pause = session.get(ClockPause, hearing.pause_id) if hearing.pause_id else None
    if pause is None or pause.end_on is not None:
        return None
    today = local_date(now)
    pause.end_on, pause.ended_by = today, actor.id if actor else None
    session.add(pause)
    session.flush()
    audit.record_case(session, to_utc(now), application.id, actor, "clock_resume", why)
    refresh_cached(session, shared_calendar(), item_of(session, application), application, today)
    return pause
