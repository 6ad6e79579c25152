"""Live queues: ``GET /queue/live`` answers the signed-in reviewer's queue in a few bytes (its
count and fingerprint); the page script polls it, shows the count in the menu and, on the queue
page, swaps in the fresh list when the fingerprint changes: no reload needed."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

from api.deps import SessionDep
from api.pages import router
from api.pages.security import QueueUser
from approvals.services.live_queue import queue_state

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
