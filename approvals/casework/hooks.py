"""Where the features join the shared case logic (STYLE.md: a feature is a room; shared case
logic never imports a feature — features register with it).

Casework and issuing call the hooks below at their points and know nothing of who answers;
each feature adds its handlers in its own ``hooks.register`` and ``approvals.rooms.compose()``,
called once by every entrypoint (the app, the workers, the CLI, the simulator, the tests), runs
them all. Reading the hooks before that raises: a feature silently missing would skip its
checks (容缺受理 at sign-off, the 听证 record, the 受理公示).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from approvals.catalogue import Item
from approvals.timekeeping.calendar import WorkingCalendar
from models import Application, Decision, Document, Outcome

# materials a submission may lack for now (容缺受理), by code
ExcusedMaterials = Callable[[Session, Application, date], frozenset[str]]
# refuses an acceptance by raising (the exchange's project-code and credit checks)
AcceptGate = Callable[[Session, Application, date], None]
# after acceptance, in its transaction (the 受理公示): calendar, case, item, accepted on, at
OnAccepted = Callable[[Session, WorkingCalendar, Application, Item, date, datetime], object]
# refuse the draft of a decision by raising (public comments still open)
MayDraft = Callable[[Session, Item, Application, date], None]
# refuse the sign-off by raising (听证, 拟批准公示, materials still owed)
MaySign = Callable[[Session, Item, Application, Outcome, date], None]
# a decision signed, in the sign-off's transaction (a licence item's licence changes)
OnSigned = Callable[[Session, datetime, Application, Item, Decision], object]
# a case decided (the fast track's 结果公示 after its decision): calendar, case, item, on, at
OnDecided = Callable[[Session, WorkingCalendar, Application, Item, date, datetime], object]
# a case's warning level rose (the sweep), in its transaction
OnWarning = Callable[[Session, Application, datetime], object]
# keys a decision's document adds to its context (the 听证 note)
DecisionContext = Callable[[Session, Application], dict[str, Any]]


@dataclass(frozen=True)
class Issued:
    """A case's document just issued, in the issuing transaction."""

    session: Session
    application: Application
    item: Item
    document: Document
    label: str  # the document's name for this item (批复, 准予行政许可决定书, …)
    issuer: str  # the issuing authority's name
    at: datetime


OnIssued = Callable[[Issued], object]


@dataclass
class CaseHooks:
    excused_materials: list[ExcusedMaterials] = field(default_factory=list)
    accept_gates: list[AcceptGate] = field(default_factory=list)
    on_accepted: list[OnAccepted] = field(default_factory=list)
    may_draft: list[MayDraft] = field(default_factory=list)
    may_sign: list[MaySign] = field(default_factory=list)
    on_signed: list[OnSigned] = field(default_factory=list)
    on_decided: list[OnDecided] = field(default_factory=list)
    on_warning: list[OnWarning] = field(default_factory=list)
    on_issued: list[OnIssued] = field(default_factory=list)
    decision_context: list[DecisionContext] = field(default_factory=list)
    composed: bool = False


_HOOKS = CaseHooks()


def registry() -> CaseHooks:
    """The hooks to register with (``approvals.rooms.compose`` only)."""
    return _HOOKS


def hooks() -> CaseHooks:
    """The registered hooks; refuses to answer before the features are composed."""
    if not _HOOKS.composed:
        raise RuntimeError(
            "the features are not registered with the shared case logic: "
            "call approvals.rooms.compose() at the entrypoint"
        )
    return _HOOKS


def excused_materials(session: Session, application: Application, today: date) -> frozenset[str]:
    excused: frozenset[str] = frozenset()
    for excuse in hooks().excused_materials:
        excused |= excuse(session, application, today)
    return excused


def check_may_accept(session: Session, application: Application, today: date) -> None:
    for gate in hooks().accept_gates:
        gate(session, application, today)


def accepted(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    accepted_on: date,
    at: datetime,
) -> None:
    for handler in hooks().on_accepted:
        handler(session, calendar, application, item, accepted_on, at)


def check_may_draft(session: Session, item: Item, application: Application, today: date) -> None:
    for check in hooks().may_draft:
        check(session, item, application, today)


def check_may_sign(
    session: Session, item: Item, application: Application, outcome: Outcome, today: date
) -> None:
    for check in hooks().may_sign:
        check(session, item, application, outcome, today)


def signed(
    session: Session, moment: datetime, application: Application, item: Item, decision: Decision
) -> None:
    for handler in hooks().on_signed:
        handler(session, moment, application, item, decision)


def decided(
    session: Session,
    calendar: WorkingCalendar,
    application: Application,
    item: Item,
    decided_on: date,
    at: datetime,
) -> None:
    for handler in hooks().on_decided:
        handler(session, calendar, application, item, decided_on, at)


def warned(session: Session, application: Application, now: datetime) -> None:
    for handler in hooks().on_warning:
        handler(session, application, now)


def issued(event: Issued) -> None:
    for handler in hooks().on_issued:
        handler(event)


def decision_context(session: Session, application: Application) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for extra in hooks().decision_context:
        keys |= extra(session, application)
    return keys
