"""The Prefect flows and tasks. Tasks take ids; the worker's runtime supplies the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from approvals.clock import to_utc
from approvals.services import dispatch
from core.db import session_scope
from core.processes import watch_parent
from flows import deadlines, steps, sweeps
from flows.runtime import runtime
from flows.standard import advance_case
from orchestration.prefect_launcher import PrefectLauncher

# A flow-run process stops itself if the worker that started it dies (a no-op elsewhere).
watch_parent()

_RETRYING = {steps.render_and_store, steps.relay_mail, steps.mark_issued}


def _as_task(step: Callable[..., Any]) -> Any:
    def call(*args: Any) -> Any:
        return step(runtime(), *args)

    call.__name__ = step.__name__
    return task(
        call,
        name=step.__name__.replace("_", "-"),
        cache_policy=NO_CACHE,
        retries=3 if step in _RETRYING else 0,
        retry_delay_seconds=[2, 10, 30],
    )


_TASKS = {
    step: _as_task(step)
    for step in (
        steps.pending_document_ids,
        steps.number_document,
        steps.render_and_store,
        steps.mark_issued,
        steps.finish_stage,
        steps.relay_mail,
    )
}


def _run_as_task(step: Callable[..., Any], *args: Any) -> Any:
    return _TASKS[step](*args)


@flow(name="advance-standard-review", log_prints=False)
async def advance_standard_review(application_id: int) -> str:
    """Async on purpose: a sync flow pays ~1 s per run for joining its heartbeat thread."""
    return advance_case(application_id, _run_as_task)


@flow(name="sweep-outbox")
def sweep_outbox(stale_after_seconds: int = 60) -> dict[str, int]:
    """Re-drive what a crash or an outage left behind: undispatched flow requests, cases stuck
    in an automated stage, unsent mail. Idempotent: running it twice sends nothing twice.
    Sync on purpose: ``run_deployment`` is called from it (it runs once a minute, so the
    heartbeat join does not matter)."""
    rt = runtime()
    launcher = PrefectLauncher(rt.settings.prefect_deployment_prefix, rt.settings.prefect_api_url)
    cutoff = to_utc(rt.clock.now() - timedelta(seconds=stale_after_seconds))
    relaunched = 0
    with session_scope(rt.engine) as session:
        for row in dispatch.pending_dispatches(session, created_before=cutoff):
            relaunched += dispatch.launch(session, launcher, to_utc(rt.clock.now()), row.id)  # type: ignore[arg-type]
            session.commit()
    stuck = sweeps.stuck_cases(rt, stale_after_seconds)
    for application_id in stuck:
        advance_case(application_id, _run_as_task)
    sent = _TASKS[steps.relay_mail]()
    return {"relaunched": relaunched, "advanced": len(stuck), "mailed": sent}


@flow(name="sweep-deadlines")
def sweep_deadlines() -> dict[str, int]:
    """Deemed acceptance (§32), due dates and warnings of every open case, reminders to the
    assignees (due soon) and their section chiefs (overdue), then the mail. Idempotent."""
    rt = runtime()
    launcher = PrefectLauncher(rt.settings.prefect_deployment_prefix, rt.settings.prefect_api_url)
    deadlines.reload_calendar(rt)
    deemed = deadlines.deem_overdue_intakes(rt, launcher)
    deadlines.deem_renewals(rt)  # 行政许可法第50条: audited and mailed (relayed below)
    counts = deadlines.refresh_warnings(rt)
    reminders = deadlines.queue_reminders(rt)
    checks = deadlines.assign_post_checks(rt)  # 告知承诺制 post-approval checks coming due
    experts = deadlines.remind_experts(rt)  # 远程会审 opinions still missing
    mailed = _TASKS[steps.relay_mail]()
    return {
        "deemed": deemed, **counts, "reminders": reminders, "post_checks": checks,
        "expert_reminders": experts,
        "mailed": mailed,
    }  # fmt: skip
