"""After a committed change: in inline mode (tests, scripts), run the work it recorded in
this process once the response is sent. In production (``dispatch_mode=prefect``) nothing
happens here: the request committed its decision and the work request together
(``approvals.dispatch.request_flow``), and the workers claim and run it; no request
calls Prefect, so a request holds one connection and never waits on the orchestrator."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import BackgroundTasks

from api.services import AppServices
from approvals import dispatch
from approvals.clock import to_utc
from approvals.ports import FlowLauncher
from core.db import session_scope

log = logging.getLogger(__name__)


def launch_pending(services: AppServices, launcher: FlowLauncher, application_id: int) -> None:
    """Run each pending request of the case in process; a failure stays pending."""
    with session_scope(services.engine) as session:
        for dispatch_id in dispatch.pending_for_application(session, application_id):
            ok = dispatch.launch(session, launcher, to_utc(services.clock.now()), dispatch_id)
            session.commit()
            if not ok:
                log.warning("dispatch %s failed; left pending", dispatch_id)


def shielded(task: Callable[..., Any], *args: Any) -> None:
    """Run ``task`` after the response, never letting it fail the connection: an exception
    escaping a background task makes uvicorn close the keep-alive connection, and the client's
    next request on it gets no answer. What the task did not do is outbox work (pending
    requests, unsent mail) that the workers and the sweep re-drive."""
    try:
        task(*args)
    except Exception:
        log.warning("%s postponed to the outbox sweep", task.__name__, exc_info=True)


def after_commit(background: BackgroundTasks, services: AppServices, application_id: int) -> None:
    if services.launcher is not None:
        background.add_task(shielded, launch_pending, services, services.launcher, application_id)


def after_guidance(background: BackgroundTasks, services: AppServices) -> None:
    """靠前服务: in inline mode, issue the 指导意见 just recorded once the response is sent."""
    if services.launcher is not None:
        background.add_task(shielded, _issue_guidance, services.launcher)


def _issue_guidance(launcher: FlowLauncher) -> None:
    launcher.issue_guidance()
