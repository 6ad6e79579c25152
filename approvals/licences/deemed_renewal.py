"""Deemed renewal (行政许可法第50条): a renewal filed in time whose licence expires before it is
decided is renewed by law — by the daily sweep (flows.deadlines), audited and mailed to the
applicant; running the sweep twice renews once. Services flush; callers commit."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.transitions import SYSTEM_NAME, SYSTEM_ROLE
from approvals.catalogue import LicenceAction, LicenceSpec
from approvals.catalogue.item_versions import item_of
from approvals.clock import Clock, local_date, to_utc
from approvals.licences.service import (
    ACTIVE,
    find_licence,
    latest_renewal_day,
    renew,
    title_of,
)
from approvals.timekeeping.calendar import WorkingCalendar
from models import Application, Enterprise, Licence, OutboxMail, Status
from models.ids import id_of

DEEMED_RENEWAL_ACTION = "deemed_renewal"
# Filed, not decided: the states in which a renewal can be deemed granted by the sweep.
UNDECIDED = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.DRAFTING,
    Status.REVIEWING,
    Status.SIGNING,
)


def filed_in_time(
    calendar: WorkingCalendar, spec: LicenceSpec, licence: Licence, received_on: date | None
) -> bool:
    if received_on is None:
        return False
    if spec.renew_before_days is None:
        return received_on <= licence.valid_to
    latest = latest_renewal_day(
        calendar, licence.valid_to, spec.renew_before_days, spec.renew_before_unit
    )
    return received_on <= latest


def _deemed_case(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    today: date,
    *,
    lock: bool,
) -> tuple[LicenceSpec, Licence] | None:
    """(spec, licence) when ``application`` is a renewal due to be deemed granted today."""
    spec = item_of(session, application).licence
    if (
        spec is None
        or spec.action is not LicenceAction.RENEW
        or application.status not in UNDECIDED
        or not application.licence_number
    ):
        return None
    licence = find_licence(session, application.licence_number, lock=lock)
    if (
        licence is None
        or licence.status != ACTIVE
        or licence.enterprise_id != application.enterprise_id
        or licence.valid_to >= today
        or licence.last_application_id == application.id
        or not filed_in_time(calendar, spec, licence, application.received_on)
    ):
        return None
    return spec, licence


def deemed_renewal_due(session: Session, calendar: WorkingCalendar, today: date) -> list[int]:
    """Open renewals, filed in time, whose licence has expired undecided."""
    cases = session.exec(
        select(Application)
        .join(Licence, col(Licence.number) == col(Application.licence_number))
        .where(
            col(Application.status).in_(list(UNDECIDED)),
            Licence.valid_to < today,
            Licence.status == ACTIVE,
        )
        .order_by(col(Application.id))
    ).all()
    return [id_of(c) for c in cases if _deemed_case(session, calendar, c, today, lock=False)]


def deem_renewed(
    session: Session, clock: Clock, calendar: WorkingCalendar, application_id: int
) -> bool:
    """Renew the licence by law, audit it and mail the applicant; False when not (or no
    longer) due, so running the sweep twice renews once."""
    application = session.get(Application, application_id)
    now = clock.now()
    if application is None:
        return False
    found = _deemed_case(session, calendar, application, local_date(now), lock=True)
    if found is None:
        return False
    spec, licence = found
    expired_on = licence.valid_to
    renew(session, spec, licence)
    licence.last_application_id = id_of(application)
    licence.updated_at = to_utc(now)
    session.add(licence)
    title = title_of(licence.kind)
    comment = (
        f"{title}“{licence.number}”的延续申请（于{application.received_on}提出）在有效期届满"
        f"（{expired_on.isoformat()}）前未作出决定，依《行政许可法》第五十条视为准予延续，"
        f"新有效期自{licence.valid_from.isoformat()}至{licence.valid_to.isoformat()}。"
    )
    audit.append_event(
        session,
        at=to_utc(now),
        application_id=application.id,
        actor_id=None,
        actor_name=SYSTEM_NAME,
        actor_role=SYSTEM_ROLE,
        action=DEEMED_RENEWAL_ACTION,
        comment=comment,
    )
    enterprise = session.get(Enterprise, application.enterprise_id)
    session.add(
        OutboxMail(
            message_id=f"<deemed-renewal-{application.id}-{licence.id}@eia.local>",
            application_id=application.id,
            to_addr=application.contact_email,
            subject=f"【视为准予延续】{title}（{licence.number}）——办件{application.number}",
            body=(
                f"{enterprise.name if enterprise else ''}：\n\n{comment}\n\n"
                f"办件 {application.number} 仍在办理中，办结后将另行送达决定文书。\n"
            ),
            created_at=to_utc(now),
        )
    )
    session.flush()
    return True
