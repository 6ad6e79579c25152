"""The worker: serve the deployments of this service from one process.

Run it with ``PREFECT_RUNNER_POLL_FREQUENCY`` low (``eia up`` sets 1 s); the default 10 s poll
adds up to 10 s to every run.
"""

from __future__ import annotations

from prefect import serve

from core.serving import serving_settings
from core.settings import get_settings
from flows.prefect_flows import advance_standard_review, sweep_deadlines, sweep_outbox

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
    """Serve until stopped; refuses to start with published or missing S3/SMTP credentials."""
    settings = serving_settings(get_settings(), signs_tokens=False)
    serve(*deployments(settings.prefect_deployment_prefix), limit=4)


if __name__ == "__main__":
    main()
