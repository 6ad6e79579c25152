"""What differs by process kind, said once: one row of behaviour per ``ProcessKind``.

The process graph (approvals.catalogue.process.standard) says which steps exist, who takes them
and which document each issues; this table says what the shared use cases do differently per kind —
submission, the intake's accept step, what follows acceptance, the signed decision's payload,
and how a case leaves its issuing stage. Shared case logic (cases, review, issuing) reads the
row of the case's kind and never branches on the kind itself. A kind that is a feature's own
registers its row from its room (the fast track: commitment/hooks.py, at approvals.rooms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from approvals.casework import filing
from approvals.casework import hooks as case_hooks
from approvals.casework.transitions import Payload, move
from approvals.catalogue import Catalogue, Item
from approvals.catalogue.process.standard import FINISH_DECISION, Action
from approvals.clock import Clock, local_date, to_utc
from models import Application, Decision, ProcessKind, Status, Track, User
from models.ids import id_of

Submit = Callable[[Session, Clock, Catalogue, User, Application], Application]
OnAccepted = Callable[[Session, User, Application, datetime], None]
DecisionPayload = Callable[[Session, Application, Decision], Payload]
OnSigned = Callable[[Session, datetime, Application, Item, Decision], None]
FinishIssuing = Callable[[Session, datetime, Application], None]


@dataclass(frozen=True)
class KindSteps:
    submit: Submit  # after the material check: the case moves on (or is filed at once)
    track: Track = Track.STANDARD  # the clock track its cases start on
    accept: Action | None = None  # the intake's accept step; None: no intake
    on_accepted: OnAccepted | None = None  # after acceptance, in the same transaction
    after_acceptance: Action | None = None  # the system step once the 受理通知书 is issued
    decision_payload: DecisionPayload | None = None  # what the signed decision carries
    on_signed: OnSigned | None = None  # after 签发, in the same transaction
    finish_issuing: FinishIssuing | None = None  # leave ISSUING once the result is issued


def _submit_for_review(
    session: Session, clock: Clock, catalogue: Catalogue, actor: User, application: Application
) -> Application:
    action = Action.RESUBMIT if application.status is Status.CORRECTION else Action.SUBMIT
    move(session, to_utc(clock.now()), application, action, actor)
    return application


def _decision_of(session: Session, application: Application) -> Decision:
    return session.exec(select(Decision).where(Decision.application_id == id_of(application))).one()


def _standard_payload(session: Session, application: Application, decision: Decision) -> Payload:
    return {
        "conditions": list(decision.conditions),
        "reasons": decision.reasons,
        "legal_grounds": decision.legal_grounds,
    }


def _signed(
    session: Session, moment: datetime, application: Application, item: Item, decision: Decision
) -> None:
    """What a signed decision implies for the features (a licence item's licence changes)."""
    case_hooks.signed(session, moment, application, item, decision)


def _finish_decision(session: Session, now: datetime, application: Application) -> None:
    """批复 or 不予批准决定书 issued: approved or denied, as the drafted decision said."""
    action = FINISH_DECISION[_decision_of(session, application).outcome]
    application.decided_on = local_date(now)  # before the move: it records the turnaround
    move(session, to_utc(now), application, action, None)


def _finish_answer(session: Session, now: datetime, application: Application) -> None:
    application.decided_on = local_date(now)
    move(session, to_utc(now), application, Action.FINISH_ANSWER, None)


KINDS: dict[ProcessKind, KindSteps] = {
    ProcessKind.STANDARD: KindSteps(
        submit=_submit_for_review,
        accept=Action.ACCEPT,
        after_acceptance=Action.START_DRAFTING,
        decision_payload=_standard_payload,
        on_signed=_signed,
        finish_issuing=_finish_decision,
    ),
    ProcessKind.SERVICE: KindSteps(
        submit=_submit_for_review,
        accept=Action.ACCEPT_SERVICE,  # taken and assigned; the answer is the only document
        finish_issuing=_finish_answer,
    ),
    ProcessKind.FILING: KindSteps(submit=filing.file),
}


def register_kind(kind: ProcessKind, steps: KindSteps) -> None:
    """A feature's own process kind and its row (at composition, approvals.rooms)."""
    KINDS[kind] = steps


def steps_of(application: Application) -> KindSteps:
    return KINDS[application.process_kind]
