"""Delivering the exchange outbox (national reports, decisions pushed to the investment
platform) through the configured adapter; run by ``sweep-outbox``. One message per
transaction; a failure is recorded on the row (attempts, error) and retried on the next sweep."""

from __future__ import annotations

from approvals.clock import to_utc
from approvals.exchange import reporting
from core.db import session_scope
from core.processes import deferred_signals
from exchange_adapters import build_delivery
from flows.runtime import Runtime


def relay_exchange(rt: Runtime, limit: int = 100) -> int:
    """Deliver due messages; returns how many were delivered."""
    delivery = build_delivery(rt.settings)
    delivered, last_id = 0, 0
    for _ in range(limit):
        with session_scope(rt.engine) as session:
            message = reporting.next_due(session, after_id=last_id)
            if message is None:
                break
            last_id = message.id or last_id
            with deferred_signals():  # a stop between "delivered" and "recorded" would resend
                try:
                    receipt = delivery.deliver(message.kind.value, message.key, message.payload)
                except Exception as exc:  # recorded on the row; the next sweep retries
                    reporting.mark_failed(
                        session, message, to_utc(rt.clock.now()), f"{type(exc).__name__}: {exc}"
                    )
                else:
                    reporting.mark_sent(session, message, to_utc(rt.clock.now()), receipt)
                    delivered += 1
                session.commit()
    return delivered
