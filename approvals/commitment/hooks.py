"""How the fast track (告知承诺制) joins the shared case logic: its process kind's row
(casework.kinds) — submit, accept, sign at once, its decision's payload, and how it leaves
issuing (decided, the post-approval check opened, the 结果公示 through casework.hooks)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals.casework import hooks as case_hooks
from approvals.casework.kinds import KindSteps, register_kind
from approvals.casework.transitions import Payload, move
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import Action
from approvals.clock import local_date, to_utc
from approvals.commitment import steps
from approvals.timekeeping.schedule import shared_calendar
from models import Application, Decision, ProcessKind, Track


def _payload(session: Session, application: Application, decision: Decision) -> Payload:
    return steps.decision_payload(session, application)


def _finish(session: Session, now: datetime, application: Application) -> None:
    """The fast-track decision issued: decided, the post-approval check opens, and it is
    published (结果公示)."""
    application.decided_on = local_date(now)
    move(session, to_utc(now), application, Action.FINISH_COMMITMENT, None)
    steps.open_post_check(session, shared_calendar(), application)
    case_hooks.decided(
        session,
        shared_calendar(),
        application,
        item_of(session, application),
        local_date(now),
        to_utc(now),
    )


def register() -> None:
    register_kind(
        ProcessKind.COMMITMENT,
        KindSteps(
            submit=steps.submit,
            track=Track.COMMITMENT,
            accept=Action.ACCEPT,
            on_accepted=steps.on_accepted,
            after_acceptance=Action.START_SIGNING,
            decision_payload=_payload,
            finish_issuing=_finish,
        ),
    )
