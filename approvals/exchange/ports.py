"""What the exchange features need from the outside (implemented in ``exchange_adapters``)."""

from __future__ import annotations

from typing import Any, Protocol


class ProjectRegistry(Protocol):
    def lookup(self, code: str) -> dict[str, str] | None:
        """What the investment platform says of the code (keys ``code``, ``name``,
        ``builder``, ``region``), or None if it has no such project. Raises when the platform
        cannot be reached."""
        ...


class Delivery(Protocol):
    def deliver(self, kind: str, key: str, payload: dict[str, Any]) -> str:
        """Hand one message over; return the receiver's receipt. Raises on failure; a repeat
        with the same key must be harmless (the receiver deduplicates, or it overwrites)."""
        ...
