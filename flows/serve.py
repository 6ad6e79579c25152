"""The worker (``eia worker``): one long-lived process that

* drains the automated work the API recorded (``flows.worker``), in this warm process, one
  ``advance-cases`` flow run per batch: no process start and no import per run;
* runs the outbox sweep (``sweep-outbox``) every minute in this warm process too, one flow run
  each (``flows.worker.sweep_forever``), not as a scheduled deployment whose every run is a
  fresh interpreter (~6 CPU-seconds of imports, each minute);
* serves the ``sweep-outbox`` deployment (a manual run from the Prefect UI), the scheduled
  ``sweep-deadlines`` (every 15 minutes) and the ``advance-standard-review`` deployment (a
  manual re-run of one case).

Run it with ``PREFECT_RUNNER_POLL_FREQUENCY`` low (``eia up`` sets 1 s) so a sweep started from
the UI does not wait for the default 10 s poll.

It may start before the Prefect server answers (``eia up`` starts both at once): it imports,
loads its runtime and the bureau's signing key meanwhile, then waits for the server's
``/health`` before it claims work (a batch run without a server would fail and wait for its
lease to run out) and before it registers its deployments.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request

import fastapi.encoders  # noqa: F401  # Prefect imports it in a first flow run: paid at start
from prefect import serve
from prefect.settings import get_current_settings

from core.processes import PARENT_PID_ENV, become_subreaper, stop_processes, watch_parent
from core.serving import serving_settings
from core.settings import get_settings
from documents.render import warm_up
from documents.signing import bureau_signer
from flows.prefect_flows import advance_standard_review, run_batch, sweep_deadlines, sweep_outbox
from flows.runtime import Runtime, runtime
from flows.worker import drain_forever, sweep_forever

SWEEP_INTERVAL_SECONDS = 60
DEADLINE_SWEEP_SECONDS = 15 * 60
ORCHESTRATOR_WAIT_SECONDS = 120.0
FIRST_DRAIN_WAIT_SECONDS = 30.0


def deployments(prefix: str = "") -> list:  # type: ignore[type-arg]
    return [
        advance_standard_review.to_deployment(
            name=f"{prefix}advance-standard-review",
            description="推进标准审批流程的自动环节：制发文书（编号、生成PDF、存储、邮寄）",
        ),
        sweep_outbox.to_deployment(  # no schedule: every worker runs it in process
            name=f"{prefix}sweep-outbox",
            description="补发未派发的流程、卡在自动环节的办件与未发送的邮件",
        ),
        sweep_deadlines.to_deployment(
            name=f"{prefix}sweep-deadlines",
            interval=DEADLINE_SWEEP_SECONDS,
            description="电子监察：逾期视为受理、时限预警、催办提醒",
        ),
    ]


def wait_for_orchestrator(timeout: float = ORCHESTRATOR_WAIT_SECONDS) -> bool:
    """Until the Prefect API answers ``/health``; False after ``timeout`` (the caller goes on:
    ``serve`` then fails with Prefect's own error)."""
    url = f"{str(get_current_settings().api.url).rstrip('/')}/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _drain(
    rt: Runtime, stop: threading.Event, ready: threading.Event, idle: threading.Event
) -> None:
    """The drain loop, once this thread paid its first render's one-off costs (templates,
    fonts: ``warm_up``) and the orchestrator answers (``ready``); ``idle`` is set once it
    found nothing (more) to claim."""
    warm_up()
    ready.wait()
    drain_forever(rt, run_batch, stop, idle)


def main() -> None:
    """Serve until SIGTERM or SIGINT; refuses to start with published or missing S3/SMTP
    credentials.

    On either signal Prefect's runner cancels the runs in flight (their cases stay in their
    automated state or keep a pending document, and the outbox sweep re-drives them; every
    step is idempotent), then any flow-run process still alive (each runs in its own session)
    is stopped here. Started by ``eia up``, the worker stops by itself if ``eia up`` dies, and
    each flow run stops if the worker dies (``EIA_PARENT_PID``, see ``core.processes``)."""
    settings = serving_settings(get_settings(), signs_tokens=False)
    become_subreaper()
    watch_parent()
    os.environ[PARENT_PID_ENV] = str(os.getpid())  # the flow-run processes watch this worker
    rt = runtime()
    bureau_signer(rt.settings)  # the key (the embedded mode's local CA made) before a case waits
    stop, ready, idle = threading.Event(), threading.Event(), threading.Event()
    drain = threading.Thread(
        target=_drain, args=(rt, stop, ready, idle), name="eia-drain", daemon=True
    )
    drain.start()  # warms up while the Prefect server starts
    wait_for_orchestrator()
    ready.set()
    print("流程执行器就绪：领取待办的自动环节 / worker draining", flush=True)
    sweeper = threading.Thread(
        target=sweep_forever,
        args=(sweep_outbox, SWEEP_INTERVAL_SECONDS, stop),
        name="eia-sweep",
        daemon=True,
    )
    sweeper.start()
    # The deployments are registered once the work waiting at start is done (at most
    # FIRST_DRAIN_WAIT_SECONDS): their Prefect calls and models competed with a cold start's
    # first case for the two cores, here and in the Prefect server (bench/cold_start.py).
    try:
        idle.wait(FIRST_DRAIN_WAIT_SECONDS)
        # Not pausing the schedules on shutdown: with several workers, one stopping must not
        # pause the sweeps of all; and pausing needs the server, so a stop while the server is
        # down would wait on its retries.
        serve(*deployments(settings.prefect_deployment_prefix), limit=4, pause_on_shutdown=False)
    finally:
        stop.set()  # the batch in flight finishes its current step; its claims run out
        ready.set()
        drain.join(timeout=4)
        stop_processes([])  # flow runs left behind, adopted ones included


if __name__ == "__main__":
    main()
