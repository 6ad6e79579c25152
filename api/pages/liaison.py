"""万人助万企 pages: 包联企业 (/liaison: the administrator assigns liaisons, a liaison sees its
enterprises and their cases), 问题台账 (/problems: raise, answer, 交办, 办结, the enterprise
confirms or reopens) and the auditor's ledger (/audit/problems). Every form posts, redirects
and gets; a refusal is shown on the page it came from (``api.pages.refusals``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Request, Response
from sqlmodel import Session, col, select

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.display import FLASH_MESSAGES, flash_of
from api.pages.form_action import form_action
from api.pages.refusals import with_refusal
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import STAFF_ROLES
from approvals.clock import local_date
from approvals.errors import InvalidInput
from approvals.liaison import assignment, ledger
from approvals.liaison.report import ledger_report, problem_public
from approvals.liaison.rules import load_rules
from approvals.ratings import service as ratings
from approvals.ratings.rules import load_rules as rating_rules
from approvals.ratings.views import rating_public
from models import Enterprise, LedgerProblem, ProblemState, Role, User
from models.liaison import KeyEnterpriseAssign, ProblemCreate
from models.ratings import FollowUpAnswer, RatingCreate

Reader = Annotated[User, signed_in(Role.APPLICANT, *STAFF_ROLES)]
Staff = Annotated[User, signed_in(*(STAFF_ROLES - {Role.AUDITOR}))]
LedgerUser = Annotated[User, signed_in(Role.APPLICANT, *(STAFF_ROLES - {Role.AUDITOR}))]
Admin = Annotated[User, signed_in(Role.ADMIN)]
Auditor = Annotated[User, signed_in(Role.AUDITOR, Role.ADMIN)]
Line = Annotated[str, Form(max_length=300)]
Text = Annotated[str, Form(max_length=4000)]
FLASH_MESSAGES.update(
    {
        "liaison_assigned": "已确定重点企业及包联干部。",
        "problem_raised": "问题已登记，将在办理时限内答复。",
        "problem_replied": "已答复。",
        "problem_assigned": "已交办。",
        "problem_resolved": "已办结，等待企业确认。",
        "problem_confirmed": "已确认。",
        "problem_rated": "感谢您的评价。",
        "problem_rating_answered": "已反馈企业。",
    }
)


@router.get("/liaison")
def key_enterprises(
    request: Request, user: Staff, session: SessionDep, services: ServicesDep
) -> Response:
    is_admin = user.role is Role.ADMIN
    enterprises = list(session.exec(select(Enterprise).order_by(col(Enterprise.name))))
    staff = list(
        session.exec(
            select(User)
            .where(col(User.role).in_(assignment.LIAISON_ROLES), User.is_active == True)  # noqa: E712
            .order_by(col(User.display_name))
        )
    )

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "liaison_enterprises.html",
            {
                "rows": assignment.visible(session, user),
                "is_admin": is_admin,
                "enterprises": enterprises if is_admin else [],
                "staff": staff if is_admin else [],
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
            },
        )

    return with_refusal(request, services, user.id, render)


@router.post("/liaison")
def assign_liaison(
    request: Request, user: Admin, session: SessionDep, services: ServicesDep,
    enterprise_id: Line = "", liaison_id: Line = "", note: Line = "",
) -> Response:  # fmt: skip
    def step() -> object:
        data = KeyEnterpriseAssign(
            enterprise_id=int(enterprise_id), liaison_id=int(liaison_id), note=note
        )
        return assignment.assign(session, services.clock.now(), user, data)

    return form_action(request, session, services, user, "/liaison", step, "liaison_assigned")


@router.get("/liaison/enterprises/{enterprise_id}")
def enterprise_cases(
    enterprise_id: Id, request: Request, user: Staff, session: SessionDep
) -> Response:
    cases = assignment.cases_of(session, user, enterprise_id)
    enterprise = session.get(Enterprise, enterprise_id)
    return render_page(
        request,
        "liaison_cases.html",
        {
            "enterprise": enterprise,
            "cases": cases,
            "liaison": assignment.liaison_of(session, enterprise_id),
        },
    )


def _may_raise(session: Session, user: User) -> list[Enterprise]:
    """The enterprises the user may raise a problem for (its own if key; a liaison's)."""
    if user.role is Role.APPLICANT:
        own = session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
        return [own] if own and assignment.find(session, own.id or 0) else []
    rows = assignment.visible(session, user) if user.role in ledger.HANDLERS else []
    found = (session.get(Enterprise, r.enterprise_id) for r in rows)
    return [e for e in found if e is not None]


@router.get("/problems")
def problems(
    request: Request, user: LedgerUser, session: SessionDep, services: ServicesDep
) -> Response:
    today = local_date(services.clock.now())
    rows = [problem_public(session, p, today) for p in ledger.visible(session, user)]
    rules = load_rules()

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "problems.html",
            {
                "rows": rows,
                "raise_for": _may_raise(session, user),
                "is_enterprise": user.role is Role.APPLICANT,
                "categories": rules.categories.values,
                "units": rules.units.values,
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
                "values": (refusal or {}).get("values", {}),
            },
        )

    return with_refusal(request, services, user.id, render)


@router.post("/problems")
def raise_problem(
    request: Request, user: LedgerUser, session: SessionDep, services: ServicesDep,
    title: Line = "", description: Text = "", category: Line = "", responsible_unit: Line = "",
    enterprise_id: Line = "",
) -> Response:  # fmt: skip
    values = {"title": title, "description": description, "category": category,
              "responsible_unit": responsible_unit}  # fmt: skip

    def step() -> LedgerProblem:
        data = ProblemCreate(
            enterprise_id=int(enterprise_id) if enterprise_id.strip() else None,
            title=title, description=description, category=category,
            responsible_unit=responsible_unit,
        )  # fmt: skip
        return ledger.raise_problem(session, services.clock, user, data)

    return form_action(
        request, session, services, user, "/problems", step, "problem_raised", values,
        target=lambda p: f"/problems/{p.id}",
    )  # fmt: skip


@router.get("/problems/{problem_id}")
def problem_page(
    problem_id: Id, request: Request, user: Reader, session: SessionDep, services: ServicesDep
) -> Response:
    problem = ledger.get_problem(session, user, problem_id)
    view = problem_public(session, problem, local_date(services.clock.now()))
    is_enterprise = user.role is Role.APPLICANT
    handler = ledger.may_handle(session, user, problem.enterprise_id)
    rating = ratings.problem_rating(session, problem_id)
    levels = rating_rules()

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "problem.html",
            {
                "p": view,
                "is_enterprise": is_enterprise,
                "handler": handler,
                "open": problem.state is ProblemState.OPEN,
                "resolved": problem.state is ProblemState.RESOLVED,
                "closed": problem.state is ProblemState.CLOSED,
                "units": load_rules().units.values,
                "rating": rating_public(session, user, rating) if rating else None,
                "levels": levels.levels.values,
                "reasons": levels.reasons.values,
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
            },
        )

    return with_refusal(request, services, user.id, render)


@router.post("/problems/{problem_id}/{act}")
def act_on_problem(
    problem_id: Id, act: str, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, text: Text = "", responsible_unit: Line = "", solved: Line = "",
    level: Line = "", reasons: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006
    verification: Text = "", rectification: Text = "",
) -> Response:  # fmt: skip
    clock, path = services.clock, f"/problems/{problem_id}"
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "reply": (
            lambda: ledger.reply(session, clock, user, problem_id, _text(text)),
            "problem_replied",
        ),
        "unit": (
            lambda: ledger.assign_unit(session, clock, user, problem_id, _text(responsible_unit)),
            "problem_assigned",
        ),
        "resolve": (
            lambda: ledger.resolve(session, clock, user, problem_id, _text(text)),
            "problem_resolved",
        ),
        "confirm": (
            lambda: ledger.confirm(session, clock, user, problem_id, solved == "yes", text),
            "problem_confirmed",
        ),
    }
    if act == "rate":  # 好差评 of a closed problem
        data = lambda: RatingCreate(level=int(level or "0"), reasons=reasons, comment=text)  # noqa: E731
        steps[act] = (
            lambda: ratings.rate_problem(session, clock, user, problem_id, data()),
            "problem_rated",
        )
    if act == "rating-answer":
        answer = lambda: FollowUpAnswer(  # noqa: E731
            verification=verification, rectification=rectification, feedback=text
        )
        steps[act] = (
            lambda: _answer(session, services, user, problem_id, answer()),
            "problem_rating_answered",
        )
    if act not in steps:
        return Response(status_code=404)
    step, done = steps[act]
    return form_action(request, session, services, user, path, step, done)


def _answer(
    session: Session, services: AppServices, user: User, problem_id: int, data: FollowUpAnswer
) -> object:
    ledger.get_problem(session, user, problem_id)
    rating = ratings.problem_rating(session, problem_id)
    if rating is None:
        raise InvalidInput("该问题尚无评价", "no rating of this problem")
    return ratings.answer(session, services.clock, user, rating.id or 0, data)


def _text(value: str) -> str:
    if len(value.strip()) < 2:
        raise InvalidInput("请填写内容（至少2个字）", "text too short", field="text")
    return value


@router.get("/audit/problems")
def audit_problems(
    request: Request, user: Auditor, session: SessionDep, services: ServicesDep
) -> Response:
    today = local_date(services.clock.now())
    rows = [problem_public(session, p, today) for p in ledger.visible(session, user)]
    rules = load_rules()
    sources = [(label, rule.evidence.value, rule.sources) for label, rule in rules.sourced()]
    return render_page(
        request,
        "problems_audit.html",
        {"report": ledger_report(session, today), "rows": rows, "sources": sources},
    )
