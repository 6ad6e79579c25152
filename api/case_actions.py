"""The staff's actions on a case, once: the JSON API (``api/routers/staff.py``) and the pages
(``api/pages/staff.py``) both call these, so a page handler only parses its form and renders
the result.

Each action calls its use case, commits (the caller owns the transaction: here, the entry
point), and — when the step queued automated work (a document to issue) — launches the flow
runs after the commit. A refusal (``DomainError``) raises before anything is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import BackgroundTasks
from sqlmodel import Session

from api.dispatching import after_commit
from api.services import AppServices
from approvals.casework import answers, cases, review
from models import Application, PostalDispatch, User
from models.ids import id_of
from models.schemas import (
    AnswerCreate,
    CorrectionRequest,
    DecisionDraft,
    PostalDispatchCreate,
    RefusalRequest,
)


@dataclass(frozen=True)
class Actor:
    """Who acts, with what: the request's session and services, and the background tasks the
    flow launch runs in (None: the step starts no automated work)."""

    session: Session
    services: AppServices
    user: User
    background: BackgroundTasks | None = None


def _done(actor: Actor, application: Application, starts_work: bool) -> Application:
    actor.session.commit()
    if starts_work and actor.background is not None:
        after_commit(actor.background, actor.services, id_of(application))
    return application


def accept(actor: Actor, application_id: int, version: int | None) -> Application:
    """受理 (a 受理通知书 is issued by the flow), or 受理分办 of a service request."""
    s = actor.services
    app = cases.accept(actor.session, s.clock, s.catalogue, actor.user, application_id, version)
    return _done(actor, app, starts_work=True)


def request_correction(
    actor: Actor, application_id: int, body: CorrectionRequest, version: int | None
) -> Application:
    """补正: the complete list of what is missing, once (补正通知书)."""
    app = cases.request_correction(
        actor.session, actor.services.clock, actor.user, application_id, body, version
    )
    return _done(actor, app, starts_work=True)


def refuse(
    actor: Actor, application_id: int, body: RefusalRequest, version: int | None
) -> Application:
    """不予受理, with reasons (不予受理决定书)."""
    app = cases.refuse(
        actor.session, actor.services.clock, actor.user, application_id, body, version
    )
    return _done(actor, app, starts_work=True)


def draft_decision(
    actor: Actor, application_id: int, body: DecisionDraft, version: int | None
) -> Application:
    """承办人拟办: approve with conditions, or deny with reasons."""
    app = review.draft_decision(
        actor.session, actor.services.clock, actor.user, application_id, body, version
    )
    return _done(actor, app, starts_work=False)


CommentStep = Callable[..., Application]


def _with_comment(
    step: CommentStep, actor: Actor, application_id: int, comment: str, version: int | None
) -> Application:
    return step(
        actor.session, actor.services.clock, actor.user, application_id, comment.strip(), version
    )


def approve_draft(
    actor: Actor, application_id: int, comment: str, version: int | None
) -> Application:
    """科室审核通过: on to the leader."""
    app = _with_comment(review.approve_draft, actor, application_id, comment, version)
    return _done(actor, app, starts_work=False)


def return_draft(
    actor: Actor, application_id: int, comment: str, version: int | None
) -> Application:
    """审核退回: back to the case officer, with the reason."""
    app = _with_comment(review.return_draft, actor, application_id, comment, version)
    return _done(actor, app, starts_work=False)


def sign(actor: Actor, application_id: int, comment: str, version: int | None) -> Application:
    """领导签发: the issuing flow numbers, renders, stores and mails the decision."""
    s = actor.services
    app = review.sign(
        actor.session, s.clock, s.catalogue, actor.user, application_id, comment.strip(), version
    )
    return _done(actor, app, starts_work=True)


def return_from_signing(
    actor: Actor, application_id: int, comment: str, version: int | None
) -> Application:
    """签发退回: back to the case officer, with the reason."""
    app = _with_comment(review.return_from_signing, actor, application_id, comment, version)
    return _done(actor, app, starts_work=False)


def answer(
    actor: Actor, application_id: int, body: AnswerCreate, version: int | None
) -> Application:
    """承办人答复 (service items): the 答复书 is numbered, rendered and mailed by the flow."""
    s = actor.services
    app = answers.answer(
        actor.session, s.clock, s.catalogue, actor.user, application_id, body, version
    )
    return _done(actor, app, starts_work=True)


def record_postal(actor: Actor, application_id: int, body: PostalDispatchCreate) -> PostalDispatch:
    """网上受理，邮寄结果: the courier and waybill of the sealed original."""
    row = review.record_postal_dispatch(
        actor.session, actor.services.clock, actor.user, application_id, body
    )
    actor.session.commit()
    return row
