"""Live queues and cases. ``GET /queue/live`` answers the signed-in reviewer's queue in a few
bytes (its count and fingerprint); the page script polls it, shows the count in the menu and,
on the queue page, swaps in the fresh list when the fingerprint changes: no reload needed.
``GET /cases/{id}/live`` answers a case's version: its page then offers to show the new state
(it does not reload by itself, so nothing typed into its forms is lost)."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

from api.deps import SessionDep
from api.pages import router
from api.pages.security import PageUser, QueueUser
from api.params import Id
from approvals.casework.live_queue import queue_state
from approvals.casework.queries import get_application_for
from models.enums import STATUS_LABELS

POLL_SECONDS = 3  # what the page script waits between polls (sent so the server decides)


class QueueLive(BaseModel):
    count: int
    fingerprint: str
    poll_seconds: int


@router.get("/queue/live", response_model=QueueLive)
def queue_live(user: QueueUser, session: SessionDep, response: Response) -> QueueLive:
    response.headers["Cache-Control"] = "no-store"
    state = queue_state(session, user)
    return QueueLive(count=state.count, fingerprint=state.fingerprint, poll_seconds=POLL_SECONDS)


class CaseLive(BaseModel):
    version: int
    status_label: str


@router.get("/cases/{application_id}/live", response_model=CaseLive)
def case_live(
    application_id: Id, user: PageUser, session: SessionDep, response: Response
) -> CaseLive:
    """The case's version and status: the case page says when the case has moved on."""
    response.headers["Cache-Control"] = "no-store"
    application = get_application_for(session, user, application_id)
    return CaseLive(version=application.version, status_label=STATUS_LABELS[application.status])
