"""Start a deployment run on the Prefect server, idempotently."""

from __future__ import annotations

from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings


class PrefectNotConfigured(RuntimeError):
    """No Prefect API URL: without one, the client would start a throw-away in-process server
    that has none of our deployments."""


class PrefectLauncher:
    """Creates a flow run of ``{flow}/{prefix}{flow}`` and returns at once (``timeout=0``).

    Prefect returns the existing run for a repeated idempotency key, so a re-dispatch of the
    same request never starts a second run. ``api_url`` (else PREFECT_API_URL) names the server.
    """

    def __init__(self, deployment_prefix: str = "", api_url: str = "") -> None:
        self._prefix = deployment_prefix
        self._api_url = api_url

    def deployment_name(self, flow_name: str) -> str:
        return f"{flow_name}/{self._prefix}{flow_name}"

    def launch(
        self, flow_name: str, *, application_id: int, idempotency_key: str, tags: list[str]
    ) -> str:
        updates = {PREFECT_API_URL: self._api_url} if self._api_url else {}
        with temporary_settings(updates=updates):
            if not PREFECT_API_URL.value():
                raise PrefectNotConfigured("set PREFECT_API_URL (or EIA_PREFECT_API_URL)")
            run = run_deployment(
                name=self.deployment_name(flow_name),
                parameters={"application_id": application_id},
                timeout=0,
                idempotency_key=f"{self._prefix}{idempotency_key}",
                tags=tags,
                as_subflow=False,  # a sweep re-dispatching must not adopt the run
            )
        return str(run.id)  # type: ignore[union-attr]  # timeout=0 returns the FlowRun, never a coroutine here
