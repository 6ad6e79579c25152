"""好差评 over JSON: the enterprise rates a case's events and replies to the feedback; staff
answer a bad rating (回访核实、整改、反馈) or appeal it; auditors decide appeals and read the
figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from approvals.casework.queries import STAFF_ROLES, get_application_for
from approvals.clock import local_date
from approvals.errors import NotFound
from approvals.ratings import service
from approvals.ratings.report import rating_report
from approvals.ratings.views import events_of, rating_public, rule_sources
from models import Role
from models.ratings import (
    AppealCreate,
    AppealDecision,
    FollowUpAnswer,
    FollowUpReply,
    FollowUpState,
    RatableEvent,
    RatedEvent,
    Rating,
    RatingCreate,
    RatingPublic,
    RatingReport,
    SourcedRule,
)

router = APIRouter(prefix="/api", tags=["好差评 ratings"])
APPLICANT = require_roles(Role.APPLICANT)
STAFF = require_roles(*STAFF_ROLES)
AUDITORS = require_roles(Role.AUDITOR, Role.ADMIN)


def _public(session: SessionDep, user: CurrentUser, rating_id: int) -> RatingPublic:
    rating = session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"评价{rating_id}不存在", f"rating {rating_id} not found")
    if rating.application_id is not None:
        get_application_for(session, user, rating.application_id)  # visible to this reader?
    elif user.role not in STAFF_ROLES and user.enterprise_id != rating.enterprise_id:
        raise NotFound(f"评价{rating_id}不存在", f"rating {rating_id} not found")
    return rating_public(session, user, rating)


@router.get("/applications/{application_id}/ratings", response_model=list[RatableEvent])
def case_ratings(application_id: Id, user: CurrentUser, session: SessionDep) -> list[RatableEvent]:
    """The case's events that can be rated now, each with its rating if given."""
    return events_of(session, user, get_application_for(session, user, application_id))


@router.post(
    "/applications/{application_id}/ratings/{event}",
    response_model=RatingPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def rate(
    application_id: Id,
    event: Annotated[RatedEvent, Path(description="acceptance 受理 | decision 办结")],
    body: RatingCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:
    """Rate one event (5 非常满意 … 1 非常不满意); a bad rating names its reasons."""
    rating = service.rate(session, services.clock, user, application_id, event, body)
    session.commit()
    return rating_public(session, user, rating)


@router.post(
    "/consultations/{consultation_id}/rating",
    response_model=RatingPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def rate_guidance(
    consultation_id: Id, body: RatingCreate, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    """靠前服务: rate the written guidance (指导意见) of a consultation, once."""
    rating = service.rate_guidance(session, services.clock, user, consultation_id, body)
    session.commit()
    return rating_public(session, user, rating)


@router.post(
    "/problems/{problem_id}/rating",
    response_model=RatingPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def rate_problem(
    problem_id: Id, body: RatingCreate, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    """万人助万企: rate how a closed (销号) problem of the ledger was handled, once."""
    rating = service.rate_problem(session, services.clock, user, problem_id, body)
    session.commit()
    return rating_public(session, user, rating)


@router.get("/ratings/follow-ups", response_model=list[RatingPublic], dependencies=[STAFF])
def follow_ups(
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[FollowUpState | None, Query(description="open | answered | …")] = None,
) -> list[RatingPublic]:
    """The bad ratings and their follow-ups, earliest due first."""
    return [rating_public(session, user, r) for r in service.bad_ratings(session, state)]


@router.post("/ratings/{rating_id}/answer", response_model=RatingPublic, dependencies=[STAFF])
def answer(
    rating_id: Id, body: FollowUpAnswer, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    """回访核实、整改、反馈 (the enterprise is mailed the feedback)."""
    service.answer(session, services.clock, user, rating_id, body)
    session.commit()
    return _public(session, user, rating_id)


@router.post("/ratings/{rating_id}/reply", response_model=RatingPublic, dependencies=[APPLICANT])
def reply(
    rating_id: Id, body: FollowUpReply, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    """The enterprise's one reply to the feedback (追评)."""
    service.reply(session, services.clock, user, rating_id, body)
    session.commit()
    return _public(session, user, rating_id)


@router.post("/ratings/{rating_id}/appeal", response_model=RatingPublic, dependencies=[STAFF])
def appeal(
    rating_id: Id, body: AppealCreate, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    """申诉复核: staff believe the bad rating false."""
    service.appeal(session, services.clock, user, rating_id, body)
    session.commit()
    return _public(session, user, rating_id)


@router.post(
    "/ratings/{rating_id}/appeal-decision", response_model=RatingPublic, dependencies=[AUDITORS]
)
def decide_appeal(
    rating_id: Id, body: AppealDecision, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> RatingPublic:  # fmt: skip
    service.decide_appeal(session, services.clock, user, rating_id, body)
    session.commit()
    return _public(session, user, rating_id)


@router.get("/audit/ratings", response_model=RatingReport, dependencies=[AUDITORS])
def report(session: SessionDep, services: ServicesDep) -> RatingReport:
    """Ratings by level, item and officer; follow-ups open, overdue, on time, late."""
    today = local_date(services.clock.now())
    return rating_report(session, services.catalogue, today)


@router.get("/ratings/rules", response_model=list[SourcedRule], dependencies=[STAFF])
def rules() -> list[SourcedRule]:
    """The adopted 好差评 rules with their evidence markers and sources (staff only)."""
    return rule_sources()
