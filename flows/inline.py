"""Run flows in-process, without Prefect: for tests of the domain and for scripts."""

from __future__ import annotations

from typing import Any

from flows import steps
from flows.consultation import issue_guidance
from flows.runtime import Runtime
from flows.standard import advance_case


class InlineLauncher:
    """A ``FlowLauncher`` that runs the flow body at once, in this process."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.launched: list[str] = []

    def launch(
        self, flow_name: str, *, application_id: int, idempotency_key: str, tags: list[str]
    ) -> str:
        if flow_name != "advance-standard-review":
            raise ValueError(f"no inline body for flow {flow_name!r}")
        self.launched.append(idempotency_key)
        advance_case(application_id, self._run)
        return f"inline:{idempotency_key}"

    def _run(self, step: Any, *args: Any) -> Any:
        return step(self.rt, *args)

    def issue_guidance(self) -> int:
        issued = issue_guidance(self.rt)
        steps.relay_mail(self.rt)
        return issued
