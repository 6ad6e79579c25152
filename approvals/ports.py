"""What the domain needs from the outside, as protocols (implemented by adapters)."""

from __future__ import annotations

from typing import Protocol


class FlowLauncher(Protocol):
    def launch(
        self, flow_name: str, *, application_id: int, idempotency_key: str, tags: list[str]
    ) -> str:
        """Start (or find, for a repeated idempotency key) a run; return its id."""
        ...

    def issue_guidance(self) -> int:
        """Issue the pending 指导意见 of consultations now and send their mail; return how
        many were issued (inline mode; the outbox sweep does it otherwise)."""
        ...
