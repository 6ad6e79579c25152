"""advance-standard-review: carry a case through its automated stages to the next human step.

The sequence is written once (``advance_case``) and run either as Prefect tasks (the
deployment) or as plain calls (``flows.inline``, used by tests and scripts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flows import steps
from flows.runtime import Runtime
from mail import kept_connection

StepRunner = Callable[..., Any]


def advance_case(application_id: int, run: StepRunner) -> str:
    """Issue every pending document (number → render and store → record and queue mail),
    move the case out of its automated state, and send its mail. Returns the new status."""
    for document_id in run(steps.pending_document_ids, application_id):
        run(steps.number_document, document_id)
        stored = run(steps.render_and_store, document_id)
        run(steps.mark_issued, document_id, stored)
    status = run(steps.finish_stage, application_id)
    run(steps.relay_mail, application_id)
    return str(status)


def advance_batch(rt: Runtime, application_ids: list[int], run: StepRunner) -> dict[int, str]:
    """A worker's batch: ``advance_case`` for each case, one failing (S3 or SMTP away) not
    stopping the others; returns each case's error, "" if it went through. The cases' mail
    goes over one SMTP connection (``mail.kept_connection``), each still sent as soon as its
    case is done and recorded sent before the next."""
    outcome: dict[int, str] = {}
    with kept_connection(rt.sender):
        for application_id in application_ids:
            try:
                advance_case(application_id, run)
                outcome[application_id] = ""
            except Exception as exc:  # reported to the worker, which keeps the claim for a retry
                outcome[application_id] = f"{type(exc).__name__}: {exc}"
    return outcome
