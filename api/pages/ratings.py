"""好差评 pages: the enterprise rates a case's events and replies to the feedback (on the
case's 好差评 page); staff answer or appeal bad ratings (差评整改); auditors decide appeals and
read the figures (/audit/ratings) with the rules' sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.pages import router
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import STAFF_ROLES, get_application_for
from approvals.clock import local_date
from approvals.errors import DomainError, InvalidInput
from approvals.ratings import service
from approvals.ratings.report import rating_report
from approvals.ratings.rules import load_rules
from approvals.ratings.views import events_of, rating_public, rule_sources
from models import Application, Consultation, Role, User
from models.ratings import (
    AppealCreate,
    AppealDecision,
    FollowUpAnswer,
    FollowUpReply,
    RatedEvent,
    Rating,
    RatingCreate,
)

Reader = Annotated[User, signed_in(Role.APPLICANT, *STAFF_ROLES)]
Staff = Annotated[User, signed_in(*(STAFF_ROLES - {Role.AUDITOR}))]
Auditor = Annotated[User, signed_in(Role.AUDITOR, Role.ADMIN)]
Text = Annotated[str, Form(max_length=2000)]


def _case_page(
    request: Request, session: Session, user: User, application_id: int, error: str = "",
    status_code: int = 200,
) -> Response:  # fmt: skip
    application = get_application_for(session, user, application_id)
    rules = load_rules()
    return render_page(
        request,
        "ratings_case.html",
        {
            "application": application,
            "events": events_of(session, user, application),
            "levels": rules.levels.values,
            "reasons": rules.reasons.values,
            "may_rate": user.role is Role.APPLICANT
            and user.enterprise_id == application.enterprise_id,
            "may_answer": user.role in service.RESPONDERS,
            "may_decide": user.role in service.APPEAL_DECIDERS,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/cases/{application_id}/ratings")
def case_ratings(
    application_id: Id, request: Request, user: Reader, session: SessionDep
) -> Response:
    return _case_page(request, session, user, application_id)


@dataclass(frozen=True)
class RatingForm:
    """The fields any of the page's rating forms posts (each form uses a few)."""

    level: str = ""
    reasons: tuple[str, ...] = ()
    text: str = ""
    rating_id: str = ""
    verification: str = ""
    rectification: str = ""
    feedback: str = ""
    satisfied: str = ""
    upheld: str = ""


def _apply(
    session: Session, services: AppServices, user: User, application_id: int, act: str,
    form: RatingForm,
) -> bool:  # fmt: skip
    """Take ``act``; False when there is no such act."""
    clock = services.clock
    if act in ("acceptance", "decision"):
        data = RatingCreate(
            level=int(form.level or "0"), reasons=list(form.reasons), comment=form.text
        )
        service.rate(session, clock, user, application_id, RatedEvent(act), data)
        return True
    rating_id = int(form.rating_id)
    _rating_of(session, user, application_id, rating_id)
    if act == "answer":
        answer = FollowUpAnswer(
            verification=form.verification,
            rectification=form.rectification,
            feedback=form.feedback,
        )
        service.answer(session, clock, user, rating_id, answer)
    elif act == "reply":
        reply = FollowUpReply(satisfied=form.satisfied == "yes", reply=form.text)
        service.reply(session, clock, user, rating_id, reply)
    elif act == "appeal":
        service.appeal(session, clock, user, rating_id, AppealCreate(reason=form.text))
    elif act == "appeal-decision":
        decision = AppealDecision(upheld=form.upheld == "yes", decision=form.text)
        service.decide_appeal(session, clock, user, rating_id, decision)
    else:
        return False
    return True


def _act(
    request: Request, session: Session, services: AppServices, user: User, application_id: int,
    act: str, form: RatingForm,
) -> Response:  # fmt: skip
    try:
        try:
            known = _apply(session, services, user, application_id, act, form)
        except (ValueError, ValidationError):
            raise InvalidInput(
                "请完整填写表单（差评请选择原因）", "the form is incomplete"
            ) from None
        if not known:
            return Response(status_code=404)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _case_page(request, session, user, application_id, exc.message_zh, status_for(exc))
    return RedirectResponse(f"/cases/{application_id}/ratings", status_code=303)


def _rating_of(session: Session, user: User, application_id: int, rating_id: int) -> Rating:
    rating = session.get(Rating, rating_id)
    if rating is None or rating.application_id != application_id:
        raise InvalidInput("评价不存在", "no such rating on this case")
    return rating


@router.post("/cases/{application_id}/ratings/{act}")
def act_on_ratings(
    application_id: Id,
    act: str,
    request: Request,
    user: Reader,
    session: SessionDep,
    services: ServicesDep,
    level: Annotated[str, Form(max_length=1)] = "",
    reasons: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 - FastAPI form default
    text: Text = "",
    rating_id: Annotated[str, Form(max_length=10)] = "",
    verification: Text = "",
    rectification: Text = "",
    feedback: Text = "",
    satisfied: Annotated[str, Form(max_length=3)] = "",
    upheld: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    form = RatingForm(
        level, tuple(reasons), text, rating_id, verification, rectification, feedback,
        satisfied, upheld,
    )  # fmt: skip
    return _act(request, session, services, user, application_id, act, form)


@dataclass(frozen=True)
class Rated:
    """What a rating is about, as the lists show it: a case, or a consultation's guidance."""

    number: str
    project_name: str
    href: str


def _rated(session: Session, rating: Rating) -> Rated:
    if rating.application_id is not None:
        case = session.get(Application, rating.application_id)
        assert case is not None
        return Rated(case.number, case.project_name, f"/cases/{case.id}/ratings")
    if rating.problem_id is not None:  # 万人助万企: a closed problem of the ledger
        return Rated(
            f"问题台账#{rating.problem_id}", "企业问题办理", f"/problems/{rating.problem_id}"
        )
    consultation = session.get(Consultation, rating.consultation_id)
    assert consultation is not None
    href = f"/consultations/{consultation.id}"
    return Rated(consultation.number, consultation.project_name, href)


@router.get("/ratings")
def follow_up_queue(request: Request, user: Staff, session: SessionDep) -> Response:
    """差评整改: every bad rating, earliest due first, with its case (or consultation)."""
    rows = [
        (rating_public(session, user, r), _rated(session, r)) for r in service.bad_ratings(session)
    ]
    return render_page(request, "ratings_queue.html", {"rows": rows})


@router.get("/audit/ratings")
def audit_ratings(
    request: Request, user: Auditor, session: SessionDep, services: ServicesDep
) -> Response:
    today = local_date(services.clock.now())
    rows = [
        (rating_public(session, user, r), _rated(session, r)) for r in service.bad_ratings(session)
    ]
    return render_page(
        request,
        "ratings_audit.html",
        {
            "report": rating_report(session, services.catalogue, today),
            "levels": load_rules().levels.values,
            "rows": rows,
            "today": today,
            "sources": rule_sources(),
        },
    )
