"""The 受理公示: written in the acceptance's own transaction, so it cannot be lost.

An item with ``acceptance_notice`` and rule ``before_decision`` publishes it on the day of
acceptance (also a deemed one); it runs ``days`` working days counted from the day after, on
the working-day calendar. Drafting the decision is refused until the notice has ended and every
comment on it is answered (``approvals.participation.comments.check_may_draft``).
Rule ``after_decision`` (告知承诺制) decides first and publishes after: its notice is written
with the decision (``publish_on_decision``), and comments on it inform the post-approval check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from approvals.catalogue.schema import Item, PublicationRule
from approvals.errors import NotFound
from approvals.timekeeping.calendar import WorkingCalendar
from models import Application, Enterprise, Material, NoticeKind, PublicNotice
from models.ids import id_of


def _current_material(session: Session, application_id: int, code: str) -> Material | None:
    return session.exec(
        select(Material).where(
            Material.application_id == application_id,
            Material.material_code == code,
            Material.superseded == False,  # noqa: E712
        )
    ).first()


def publish_on_acceptance(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    accepted_on: date,
    at: datetime,
) -> PublicNotice | None:
    """Write the case's 受理公示 if its item publishes one at acceptance (idempotent)."""
    return _publish(
        session, calendar, application, item, accepted_on, at, PublicationRule.BEFORE_DECISION
    )


def publish_on_decision(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    decided_on: date,
    at: datetime,
) -> PublicNotice | None:
    """告知承诺制: decide first, publish after: the notice is written with the decision."""
    return _publish(
        session, calendar, application, item, decided_on, at, PublicationRule.AFTER_DECISION
    )


def _publish(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    accepted_on: date,
    at: datetime,
    moment: PublicationRule,
) -> PublicNotice | None:
    spec = item.acceptance_notice
    if spec is None or spec.rule is not moment:
        return None
    assert application.id is not None
    existing = find_notice(session, application.id, NoticeKind.ACCEPTANCE)
    if existing is not None:
        return existing
    public = _current_material(session, application.id, spec.public_material)
    if public is None:  # a required material: submission refuses a case without it
        return None
    participation = (
        _current_material(session, application.id, spec.participation_material)
        if spec.participation_material
        else None
    )
    enterprise = session.get(Enterprise, application.enterprise_id)
    notice = PublicNotice(
        application_id=application.id,
        kind=NoticeKind.ACCEPTANCE,
        item_code=item.code,
        item_name=item.name_zh,
        project_name=application.project_name,
        builder=enterprise.name if enterprise else "",
        site=application.site,
        district=application.district,
        consultant=application.consultant,
        public_material_id=id_of(public),
        participation_material_id=participation.id if participation else None,
        event_on=accepted_on,
        starts_on=accepted_on,
        ends_on=calendar.due(accepted_on, spec.days, spec.unit).day,
        days=spec.days,
        published_at=at,
    )
    session.add(notice)
    session.flush()
    return notice


def cn_day(day: date) -> str:
    """A day as notices and their refusals write it: 2026年12月4日."""
    return f"{day.year}年{day.month}月{day.day}日"


def find_notice(session: Session, application_id: int, kind: NoticeKind) -> PublicNotice | None:
    return session.exec(
        select(PublicNotice).where(
            PublicNotice.application_id == application_id, PublicNotice.kind == kind
        )
    ).first()


def get_notice(session: Session, notice_id: int) -> PublicNotice:
    notice = session.get(PublicNotice, notice_id)
    if notice is None:
        raise NotFound("公示不存在", "no such public notice")
    return notice


def is_open(notice: PublicNotice, today: date) -> bool:
    return notice.starts_on <= today <= notice.ends_on


@dataclass(frozen=True)
class NoticeFilter:
    kind: NoticeKind | None = None
    open: bool | None = None  # True: running today; False: ended; None: both
    kinds: tuple[NoticeKind, ...] = ()  # any of these (with ``kind`` unset)
    text: str = ""  # in the project's name, the builder's or the site
    district: str = ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_notices(
    session: Session, today: date, flt: NoticeFilter, limit: int = 200
) -> list[PublicNotice]:
    """Notices, newest first: open ones end soonest first, then ended ones."""
    query = select(PublicNotice)
    if flt.kind is not None:
        query = query.where(PublicNotice.kind == flt.kind)
    elif flt.kinds:
        query = query.where(col(PublicNotice.kind).in_(list(flt.kinds)))
    if flt.text.strip():
        pattern = _like(flt.text.strip())
        query = query.where(
            or_(
                col(PublicNotice.project_name).like(pattern, escape="\\"),
                col(PublicNotice.builder).like(pattern, escape="\\"),
                col(PublicNotice.site).like(pattern, escape="\\"),
            )
        )
    if flt.district.strip():
        query = query.where(PublicNotice.district == flt.district.strip())
    if flt.open is True:
        query = query.where(col(PublicNotice.ends_on) >= today).order_by(
            col(PublicNotice.ends_on), col(PublicNotice.id)
        )
    elif flt.open is False:
        query = query.where(col(PublicNotice.ends_on) < today).order_by(
            col(PublicNotice.ends_on).desc(), col(PublicNotice.id).desc()
        )
    else:
        query = query.order_by(col(PublicNotice.published_at).desc(), col(PublicNotice.id).desc())
    return list(session.exec(query.limit(limit)))


def days_left(calendar: WorkingCalendar, notice: PublicNotice, today: date) -> int:
    """Working days of the period (the day after publication .. the end) from today on, today
    included; 0 once ended."""
    if today > notice.ends_on:
        return 0
    since = max(notice.starts_on, today - timedelta(days=1))
    return calendar.working_days_between(since, notice.ends_on)[0]
