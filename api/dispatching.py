"""Launch the flow runs a committed change asked for, after the response is committed."""

from __future__ import annotations

import logging

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


def after_commit(background: BackgroundTasks, services: AppServices, application_id: int) -> None:
    background.add_task(launch_pending, services, application_id)
