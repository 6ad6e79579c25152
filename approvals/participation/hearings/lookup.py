"""Reading a case's hearing, its requests and the right to one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sql
from sqlalchemy import ColumnElement, ScalarSelect
from sqlmodel import Session, col, select

from approvals.catalogue.schema import HearingSpec, Item
from approvals.errors import InvalidInput, NotFound
from models import Hearing, HearingRequest, HearingRight, HearingState

LIVE = frozenset(
    {HearingState.REQUESTED, HearingState.SCHEDULED, HearingState.HELD, HearingState.RECORDED}
)


def spec_of(item: Item) -> HearingSpec:
    if item.hearing is None:
        raise InvalidInput(
            f"事项“{item.name_zh}”不适用听证程序",
            f"item {item.code} has no hearing",
        )
    return item.hearing


def live_hearing(session: Session, application_id: int) -> Hearing | None:
    """The case's hearing that is not cancelled (at most one)."""
    return session.exec(
        select(Hearing)
        .where(Hearing.application_id == application_id, col(Hearing.state).in_(list(LIVE)))
        .order_by(col(Hearing.id).desc())
    ).first()


def last_told(application_id: int | ColumnElement[int]) -> ScalarSelect[date]:
    """The last day the applicant was told of its right to a hearing, as a scalar subquery
    (NULL when never), for readers that fold it into a statement of their own."""
    return (
        select(col(HearingRight.notified_on))
        .where(HearingRight.application_id == application_id)
        .order_by(col(HearingRight.notified_on).desc(), col(HearingRight.id).desc())
        .limit(1)
        .scalar_subquery()
    )


def sign_facts(session: Session, application_id: int) -> tuple[HearingState | None, date | None]:
    """What signing asks of hearings, in one statement: the live hearing's state and the last
    day the right to one was told (each None where there is none)."""
    state = (
        select(col(Hearing.state))
        .where(Hearing.application_id == application_id, col(Hearing.state).in_(list(LIVE)))
        .order_by(col(Hearing.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    found_state, found_told = session.execute(sql.select(state, last_told(application_id))).one()
    return found_state, found_told


def hearings_of(session: Session, application_id: int) -> list[Hearing]:
    return list(
        session.exec(
            select(Hearing)
            .where(Hearing.application_id == application_id)
            .order_by(col(Hearing.id))
        )
    )


def get_live_hearing(session: Session, application_id: int) -> Hearing:
    hearing = live_hearing(session, application_id)
    if hearing is None:
        raise NotFound("该办件没有进行中的听证", "no hearing on this case")
    return hearing


def requests_of(session: Session, hearing_id: int) -> list[HearingRequest]:
    return list(
        session.exec(
            select(HearingRequest)
            .where(HearingRequest.hearing_id == hearing_id)
            .order_by(col(HearingRequest.requested_at), col(HearingRequest.id))
        )
    )


def active_requests(session: Session, hearing_id: int) -> list[HearingRequest]:
    return [r for r in requests_of(session, hearing_id) if r.withdrawn_at is None]


def latest_right(session: Session, application_id: int) -> HearingRight | None:
    return session.exec(
        select(HearingRight)
        .where(HearingRight.application_id == application_id)
        .order_by(col(HearingRight.notified_on).desc(), col(HearingRight.id).desc())
    ).first()
