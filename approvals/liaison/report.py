"""The ledger as the auditor reads it (open, overdue, closed within the deadline), and the
public shape of a problem."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, select

from approvals.liaison.ledger import REPLY_LABELS, replies_of
from approvals.liaison.rules import load_rules
from models import Enterprise, LedgerProblem, ProblemState
from models.ids import id_of
from models.liaison import (
    PROBLEM_STATE_LABELS,
    LedgerReport,
    ProblemPublic,
    ProblemReplyPublic,
)


def closed_on_time(problem: LedgerProblem) -> bool | None:
    """Closed, and its last 办结 on or before the due date (None while not closed)."""
    if problem.state is not ProblemState.CLOSED or problem.resolved_on is None:
        return None
    return problem.resolved_on <= problem.due_on


def is_overdue(problem: LedgerProblem, today: date) -> bool:
    """Still 办理中 past its due date (a 办结 awaiting the enterprise's confirmation is not)."""
    return problem.state is ProblemState.OPEN and problem.due_on < today


def problem_public(session: Session, problem: LedgerProblem, today: date) -> ProblemPublic:
    enterprise = session.get(Enterprise, problem.enterprise_id)
    return ProblemPublic(
        id=id_of(problem),
        enterprise_id=problem.enterprise_id,
        enterprise_name=enterprise.name if enterprise else "",
        raised_by_liaison=problem.raised_by_liaison,
        raised_at=problem.raised_at,
        title=problem.title,
        description=problem.description,
        category=problem.category,
        category_label=load_rules().label_of(problem.category),
        responsible_unit=problem.responsible_unit,
        deadline_days=problem.deadline_days,
        due_on=problem.due_on,
        state=problem.state,
        state_label=PROBLEM_STATE_LABELS[problem.state],
        overdue=is_overdue(problem, today),
        escalated_on=problem.escalated_on,
        resolved_on=problem.resolved_on,
        closed_on=problem.closed_on,
        closed_on_time=closed_on_time(problem),
        reopened=problem.reopened,
        replies=[
            ProblemReplyPublic(
                author_name=r.author_name,
                kind=r.kind,
                kind_label=REPLY_LABELS.get(r.kind, r.kind),
                text=r.text,
                at=r.at,
            )
            for r in replies_of(session, id_of(problem))
        ],
    )


def ledger_report(session: Session, today: date) -> LedgerReport:
    problems = list(session.exec(select(LedgerProblem)))
    closed = [p for p in problems if p.state is ProblemState.CLOSED]
    on_time = sum(1 for p in closed if closed_on_time(p))
    labels = load_rules()
    return LedgerReport(
        total=len(problems),
        open=len(problems) - len(closed),
        overdue=sum(1 for p in problems if is_overdue(p, today)),
        escalated=sum(1 for p in problems if p.escalated_on is not None),
        closed=len(closed),
        closed_on_time=on_time,
        closed_late=len(closed) - on_time,
        closed_on_time_share=round(on_time / len(closed), 3) if closed else None,
        by_category=dict(Counter(labels.label_of(p.category) for p in problems)),
    )
