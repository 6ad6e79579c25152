"""The Prefect flows and tasks. Tasks take ids; the worker's runtime supplies the rest."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from prefect import flow, get_run_logger, task
from prefect import tags as prefect_tags
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from core.processes import watch_parent
from flows import anchoring, consultation, deadlines, steps, sweeps
from flows.exchange import relay_exchange
from flows.runtime import runtime
from flows.standard import advance_batch, advance_case
from flows.worker import worker_name

# A flow-run process stops itself if the worker that started it dies (a no-op elsewhere).
watch_parent()

_RETRYING = {steps.render_and_store, steps.relay_mail, steps.mark_issued}
_RETRY_DELAYS = [2, 10, 30]  # seconds, before the 2nd, 3rd and 4th try


def _as_task(step: Callable[..., Any]) -> Any:
    def call(*args: Any) -> Any:
        return step(runtime(), *args)

    call.__name__ = step.__name__
    return task(
        call,
        name=step.__name__.replace("_", "-"),
        cache_policy=NO_CACHE,
        retries=3 if step in _RETRYING else 0,
        retry_delay_seconds=_RETRY_DELAYS,
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


def _run_in_flow(step: Callable[..., Any], *args: Any) -> Any:
    """A worker batch's step: a plain call inside the batch's flow run, retried like the task
    (same steps, same delays). Not a task run each: six per case cost a Prefect client (an SSL
    context: 36 % of a worker's CPU in the burst profile) and a stream of events the server
    must store, as much CPU as the rendering itself (bench/RESULTS.md)."""
    delays = _RETRY_DELAYS if step in _RETRYING else []
    for delay in delays:
        try:
            return step(runtime(), *args)
        except Exception as exc:  # retried after the delay; the last try raises
            get_run_logger().warning("%s 失败，%s 秒后重试：%s", step.__name__, delay, exc)
            time.sleep(delay)
    return step(runtime(), *args)


@flow(name="advance-standard-review", log_prints=False)
async def advance_standard_review(application_id: int) -> str:
    """Async on purpose: a sync flow pays ~1 s per run for joining its heartbeat thread."""
    return advance_case(application_id, _run_as_task)


@flow(name="advance-cases", log_prints=False)
async def advance_cases(application_ids: list[int]) -> dict[int, str]:
    """A worker's batch: carry each case through its automated stages, in this process.
    One case failing (S3 or SMTP away) does not stop the others; its error is returned and
    the worker retries it when its claim runs out."""
    outcome = advance_batch(runtime(), application_ids, _run_in_flow)
    for application_id, error in outcome.items():
        if error:
            get_run_logger().warning("办件 %s 未能完成：%s", application_id, error)
    return outcome


def run_batch(application_ids: list[int], tags: list[str]) -> tuple[str, dict[int, str]]:
    """Run a batch as one flow run of ``advance-cases`` in this process (the worker's
    ``RunBatch``); returns the run id and each case's outcome."""
    with prefect_tags(*tags):
        state = asyncio.run(advance_cases(application_ids, return_state=True))  # type: ignore[call-overload]
    run_id = str(state.state_details.flow_run_id)
    if not state.is_completed():
        error = f"flow run {run_id} {state.type.value}: {state.message or ''}"
        return run_id, dict.fromkeys(application_ids, error)
    return run_id, {int(k): v for k, v in state.result().items()}


@flow(name="sweep-outbox")
def sweep_outbox(stale_after_seconds: int = 60) -> dict[str, int]:
    """Re-drive what a crash or an outage left behind: cases stuck in an automated stage for
    longer than ``stale_after_seconds`` (younger work belongs to a worker that may be running
    it now), and unsent mail. Requests whose worker died are retaken by the workers themselves
    once their claims run out. Idempotent: running it twice sends nothing twice."""
    rt = runtime()
    advanced = sweeps.redrive(
        rt,
        stale_after_seconds,
        lambda application_id: advance_case(application_id, _run_as_task),
        worker=f"sweep:{worker_name()}",
        run_id=str(flow_run.get_id() or ""),
    )
    guidance = consultation.issue_guidance(rt)  # 靠前服务: each 指导意见 the officer issued
    sent = _TASKS[steps.relay_mail]()
    delivered = relay_exchange(rt)  # national reports, decisions to the investment platform
    sealed = anchoring.seal_checkpoints(rt)  # audit checkpoints an issue left unsealed
    return {
        "advanced": advanced, "guidance": guidance, "mailed": sent, "sent": delivered,
        "checkpoints": sealed,
    }  # fmt: skip


@flow(name="sweep-deadlines")
def sweep_deadlines() -> dict[str, int]:
    """Deemed acceptance (§32), due dates and warnings of every open case, reminders to the
    assignees (due soon) and their section chiefs (overdue), leftover staged uploads, then the
    mail. Idempotent."""
    rt = runtime()
    deadlines.reload_calendar(rt)
    deemed = deadlines.deem_overdue_intakes(rt)  # their work: claimed by the workers
    deadlines.deem_renewals(rt)  # 行政许可法第50条: audited and mailed (relayed below)
    counts = deadlines.refresh_warnings(rt)
    reminders = deadlines.queue_reminders(rt)
    checks = deadlines.assign_post_checks(rt)  # 告知承诺制 post-approval checks coming due
    experts = deadlines.remind_experts(rt)  # 远程会审 opinions still missing
    tolerance = deadlines.apply_tolerance_rules(rt)  # 容缺受理: overdue materials
    ratings = deadlines.escalate_ratings(rt)  # 好差评: follow-ups past their deadline
    consultations = deadlines.remind_consultations(rt)  # 靠前服务: the day before a booking
    problems = deadlines.escalate_problems(rt)  # 问题台账: overdue problems to the chief
    staged = deadlines.discard_staged_uploads(rt)  # the apply form's leftover uploads
    checkpoints = anchoring.checkpoint_daily(rt)  # the audit chain's signed daily checkpoint
    mailed = _TASKS[steps.relay_mail]()
    return {
        "deemed": deemed, **counts, "reminders": reminders, "post_checks": checks,
        "expert_reminders": experts, "staged_discarded": staged,
        "tolerance_suspended": tolerance["suspended"], "tolerance_returned": tolerance["returned"],
        "ratings_escalated": ratings, "consultation_reminders": consultations,
        "problems_escalated": problems, "checkpoints": checkpoints, "mailed": mailed,
    }  # fmt: skip
