"""万人助万企 over JSON: the administrator marks key enterprises and assigns their liaison; the
liaison reads the enterprise's cases; the enterprise or its liaison raises problems in the
ledger, staff answer and resolve them, the enterprise confirms (销号) or reopens; auditors read
the ledger's figures."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import Session

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from approvals.clock import local_date
from approvals.liaison import assignment, ledger
from approvals.liaison.report import ledger_report, problem_public
from models import LedgerProblem, Role
from models.liaison import (
    KeyEnterpriseAssign,
    KeyEnterprisePublic,
    LedgerReport,
    LiaisonCase,
    ProblemConfirm,
    ProblemCreate,
    ProblemPublic,
    ProblemText,
    ProblemUnit,
)

router = APIRouter(prefix="/api", tags=["万人助万企 liaison"])
ADMIN = require_roles(Role.ADMIN)
AUDITORS = require_roles(Role.AUDITOR, Role.ADMIN)


def _public(session: Session, services: ServicesDep, problem: LedgerProblem) -> ProblemPublic:
    return problem_public(session, problem, local_date(services.clock.now()))


@router.get("/key-enterprises", response_model=list[KeyEnterprisePublic])
def key_enterprises(user: CurrentUser, session: SessionDep) -> list[KeyEnterprisePublic]:
    """The key enterprises the caller follows (its own as liaison; all for overseers)."""
    return assignment.visible(session, user)


@router.put("/key-enterprises", response_model=KeyEnterprisePublic, dependencies=[ADMIN])
def assign(
    body: KeyEnterpriseAssign, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> KeyEnterprisePublic:
    """Mark an enterprise key and assign its liaison (包联干部)."""
    assignment.assign(session, services.clock.now(), user, body)
    session.commit()
    [row] = [r for r in assignment.visible(session, user) if r.enterprise_id == body.enterprise_id]
    return row


@router.delete(
    "/key-enterprises/{enterprise_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[ADMIN]
)
def unassign(
    enterprise_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> None:
    assignment.unassign(session, services.clock.now(), user, enterprise_id)
    session.commit()


@router.get("/key-enterprises/{enterprise_id}/cases", response_model=list[LiaisonCase])
def enterprise_cases(
    enterprise_id: Id, user: CurrentUser, session: SessionDep
) -> list[LiaisonCase]:
    """The key enterprise's cases with status, due date and warning (its liaison, overseers)."""
    return assignment.cases_of(session, user, enterprise_id)


@router.get("/problems", response_model=list[ProblemPublic])
def problems(user: CurrentUser, session: SessionDep, services: ServicesDep) -> list[ProblemPublic]:
    """The ledger as the caller may read it: open problems first, by due date."""
    return [_public(session, services, p) for p in ledger.visible(session, user)]


@router.post("/problems", response_model=ProblemPublic, status_code=status.HTTP_201_CREATED)
def raise_problem(
    body: ProblemCreate, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ProblemPublic:
    """The key enterprise, or its liaison (naming ``enterprise_id``), records a problem."""
    problem = ledger.raise_problem(session, services.clock, user, body)
    session.commit()
    return _public(session, services, problem)


@router.get("/problems/{problem_id}", response_model=ProblemPublic)
def problem(
    problem_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ProblemPublic:
    return _public(session, services, ledger.get_problem(session, user, problem_id))


@router.post("/problems/{problem_id}/replies", response_model=ProblemPublic)
def reply(
    problem_id: Id, body: ProblemText, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ProblemPublic:
    problem = ledger.reply(session, services.clock, user, problem_id, body.text)
    session.commit()
    return _public(session, services, problem)


@router.post("/problems/{problem_id}/unit", response_model=ProblemPublic)
def assign_unit(
    problem_id: Id, body: ProblemUnit, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ProblemPublic:
    """交办: give the problem to a responsible unit."""
    problem = ledger.assign_unit(session, services.clock, user, problem_id, body.responsible_unit)
    session.commit()
    return _public(session, services, problem)


@router.post("/problems/{problem_id}/resolve", response_model=ProblemPublic)
def resolve(
    problem_id: Id, body: ProblemText, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ProblemPublic:
    """办结: staff record the solution; the enterprise is mailed to confirm."""
    problem = ledger.resolve(session, services.clock, user, problem_id, body.text)
    session.commit()
    return _public(session, services, problem)


@router.post("/problems/{problem_id}/confirm", response_model=ProblemPublic)
def confirm(
    problem_id: Id, body: ProblemConfirm, user: CurrentUser, session: SessionDep,
    services: ServicesDep,
) -> ProblemPublic:  # fmt: skip
    """The enterprise confirms (``solved``: 销号) or reopens a resolved problem."""
    problem = ledger.confirm(session, services.clock, user, problem_id, body.solved, body.text)
    session.commit()
    return _public(session, services, problem)


@router.get("/audit/problems", response_model=LedgerReport, dependencies=[AUDITORS])
def report(session: SessionDep, services: ServicesDep) -> LedgerReport:
    """Problems open, overdue, escalated, closed within the deadline and late."""
    return ledger_report(session, local_date(services.clock.now()))
