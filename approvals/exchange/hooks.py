"""How the outside platforms join the shared case logic (casework.hooks): the intake checks
(project code, credit lists) before an acceptance, and a decision's national report and
project-code push when it is issued."""

from __future__ import annotations

from approvals.casework.hooks import CaseHooks, Issued
from approvals.exchange import reporting
from approvals.exchange.intake import intake_gate


def _report(event: Issued) -> None:
    reporting.on_document_issued(
        event.session, event.document, authority=event.issuer, now=event.at
    )


def register(hooks: CaseHooks) -> None:
    hooks.accept_gates.append(intake_gate)
    hooks.on_issued.append(_report)
