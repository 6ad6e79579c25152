"""Launch the flow runs a committed change asked for, after the response is committed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import BackgroundTasks

from api.services import AppServices
from approvals.clock import to_utc
from approvals.services import dispatch
from core.db import session_scope

log = logging.getLogger(__name__)


def launch_pending(services: AppServices, application_id: int) -> None:
    """Launch each pending dispatch of the case; a failure stays pending for the sweep."""
    with session_scope(services.engine) as session:
        for dispatch_id in dispatch.pending_for_application(session, application_id):
            ok = dispatch.launch(
                session, services.launcher, to_utc(services.clock.now()), dispatch_id
            )
            session.commit()
            if not ok:
                log.warning("dispatch %s failed; the outbox sweep will retry it", dispatch_id)


def shielded(task: Callable[..., Any], *args: Any) -> None:
    """Run ``task`` after the response, never letting it fail the connection: an exception
    escaping a background task makes uvicorn close the keep-alive connection, and the client's
    next request on it gets no answer. What the task did not do is outbox work (pending
    dispatches, unsent mail) that the sweep re-drives."""
    try:
        task(*args)
    except Exception:
        log.warning("%s postponed to the outbox sweep", task.__name__, exc_info=True)


def after_commit(background: BackgroundTasks, services: AppServices, application_id: int) -> None:
    background.add_task(shielded, launch_pending, services, application_id)
