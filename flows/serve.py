"""The worker (``eia worker``): one long-lived process that

* drains the automated work the API recorded (``flows.worker``), in this warm process, one
  ``advance-cases`` flow run per batch: no process start and no import per run;
* serves the scheduled sweeps (``sweep-outbox``, ``sweep-deadlines``) and the
  ``advance-standard-review`` deployment (a manual re-run of one case from the Prefect UI).

Run it with ``PREFECT_RUNNER_POLL_FREQUENCY`` low (``eia up`` sets 1 s) so a sweep started from
the UI does not wait for the default 10 s poll.
"""

from __future__ import annotations

import os
import threading

from prefect import serve

from core.processes import PARENT_PID_ENV, become_subreaper, stop_processes, watch_parent
from core.serving import serving_settings
from core.settings import get_settings
from flows.prefect_flows import advance_standard_review, run_batch, sweep_deadlines, sweep_outbox
from flows.runtime import runtime
from flows.worker import drain_forever

SWEEP_INTERVAL_SECONDS = 60
DEADLINE_SWEEP_SECONDS = 15 * 60


def deployments(prefix: str = "") -> list:  # type: ignore[type-arg]
    return [
        advance_standard_review.to_deployment(
            name=f"{prefix}advance-standard-review",
            description="推进标准审批流程的自动环节：制发文书（编号、生成PDF、存储、邮寄）",
        ),
        sweep_outbox.to_deployment(
            name=f"{prefix}sweep-outbox",
            interval=SWEEP_INTERVAL_SECONDS,
            description="补发未派发的流程、卡在自动环节的办件与未发送的邮件",
        ),
        sweep_deadlines.to_deployment(
            name=f"{prefix}sweep-deadlines",
            interval=DEADLINE_SWEEP_SECONDS,
            description="电子监察：逾期视为受理、时限预警、催办提醒",
        ),
    ]


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
    stop = threading.Event()
    drain = threading.Thread(
        target=drain_forever, args=(runtime(), run_batch, stop), name="eia-drain", daemon=True
    )
    drain.start()
    try:
        # Not pausing the schedules on shutdown: with several workers, one stopping must not
        # pause the sweeps of all; and pausing needs the server, so a stop while the server is
        # down would wait on its retries.
        serve(*deployments(settings.prefect_deployment_prefix), limit=4, pause_on_shutdown=False)
    finally:
        stop.set()  # the batch in flight finishes its current step; its claims run out
        drain.join(timeout=4)
        stop_processes([])  # flow runs left behind, adopted ones included


if __name__ == "__main__":
    main()
