"""What a reader sees of a rating: the enterprise its rating and the feedback; staff and
auditors also the appeal; never the rules' sources to an applicant."""

from __future__ import annotations

from sqlmodel import Session

from approvals.casework.queries import STAFF_ROLES
from approvals.ratings.rules import load_rules
from approvals.ratings.service import find_follow_up, ratable_events, ratings_of
from models import Application, User
from models.ids import id_of
from models.ratings import (
    FOLLOW_UP_LABELS,
    RATED_EVENT_LABELS,
    FollowUpPublic,
    RatableEvent,
    Rating,
    RatingPublic,
    SourcedRule,
)


def rating_public(session: Session, reader: User, rating: Rating) -> RatingPublic:
    follow_up = find_follow_up(session, id_of(rating))
    staff = reader.role in STAFF_ROLES
    public_follow_up = None
    if follow_up is not None:
        answered = follow_up.answered_on
        public_follow_up = FollowUpPublic(
            state=follow_up.state,
            state_label=FOLLOW_UP_LABELS[follow_up.state],
            due_on=follow_up.due_on,
            verification=follow_up.verification,
            rectification=follow_up.rectification,
            feedback=follow_up.feedback,
            answered_on=answered,
            on_time=None if answered is None else answered <= follow_up.due_on,
            reply=follow_up.reply,
            reply_satisfied=follow_up.reply_satisfied,
            appeal_reason=follow_up.appeal_reason if staff else None,
            appeal_decision=follow_up.appeal_decision if staff else None,
        )
    return RatingPublic(
        id=id_of(rating),
        application_id=rating.application_id,
        consultation_id=rating.consultation_id,
        problem_id=rating.problem_id,
        event=rating.event,
        event_label=RATED_EVENT_LABELS[rating.event],
        level=rating.level,
        level_label=load_rules().levels.values[rating.level],
        reasons=list(rating.reasons),
        comment=rating.comment,
        rated_at=rating.rated_at,
        follow_up=public_follow_up,
    )


def events_of(session: Session, reader: User, application: Application) -> list[RatableEvent]:
    rated = ratings_of(session, id_of(application))
    return [
        RatableEvent(
            event=event,
            event_label=RATED_EVENT_LABELS[event],
            rating=rating_public(session, reader, rated[event]) if event in rated else None,
        )
        for event in ratable_events(application)
    ]


def rule_sources() -> list[SourcedRule]:
    return [
        SourcedRule(rule=label, evidence=rule.evidence.value, sources=list(rule.sources))
        for label, rule in load_rules().sourced()
    ]
