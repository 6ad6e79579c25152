"""Each worker runs the outbox sweep in its own process on an interval (``flows.worker``):
the loop keeps sweeping after a failed sweep and stops when told."""

from __future__ import annotations

import itertools
import threading
import time

from flows.worker import sweep_forever


def test_the_sweep_runs_again_after_a_failure_and_stops_when_told() -> None:
    calls: list[float] = []

    def sweep() -> None:
        calls.append(time.monotonic())
        if len(calls) == 2:
            raise ConnectionError("database away")

    stop = threading.Event()
    loop = threading.Thread(target=sweep_forever, args=(sweep, 0.05, stop), daemon=True)
    loop.start()
    deadline = time.monotonic() + 5
    while len(calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    loop.join(timeout=2)
    assert len(calls) >= 4  # the second sweep failed; the third and fourth still ran
    assert not loop.is_alive()
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert min(gaps) >= 0.045  # one sweep per interval, not back to back
