"""Start a deployment run on the Prefect server, idempotently."""

from __future__ import annotations

from prefect.deployments import run_deployment


class PrefectLauncher:
    """Creates a flow run of ``{flow}/{deployment}`` and returns at once (``timeout=0``).

    Prefect returns the existing run for a repeated idempotency key, so a re-dispatch of the
    same request never starts a second run.
    """

    def __init__(self, deployment_prefix: str = "") -> None:
        self._prefix = deployment_prefix

    def deployment_name(self, flow_name: str) -> str:
        return f"{flow_name}/{self._prefix}{flow_name}"

    def launch(
        self, flow_name: str, *, application_id: int, idempotency_key: str, tags: list[str]
    ) -> str:
        run = run_deployment(
            name=self.deployment_name(flow_name),
            parameters={"application_id": application_id},
            timeout=0,
            idempotency_key=f"{self._prefix}{idempotency_key}",
            tags=tags,
            as_subflow=False,  # a sweep re-dispatching must not adopt the run
        )
        return str(run.id)  # type: ignore[union-attr]
