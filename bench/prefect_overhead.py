"""Per-run overhead of Prefect flows, in-process: a sync flow with the default heartbeat,
a sync flow with heartbeats off, and an async flow (what advance-standard-review is).

Runs against a temporary local Prefect server (prefect_test_harness). Prints medians and the
ratio of each variant to the bare function call measured in the same run.

    .venv/bin/python bench/prefect_overhead.py [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.testing.utilities import prefect_test_harness


@task(cache_policy=NO_CACHE)
def step(x: int) -> int:
    return x + 1


def body(x: int) -> int:
    return step.fn(step.fn(x))


@flow
def sync_flow(x: int) -> int:
    return step(step(x))


@flow
async def async_flow(x: int) -> int:
    return step(step(x))


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with prefect_test_harness():
        sync_flow(0)  # warm-up: first run registers the flow
        baseline = timed(body, runs)
        default = timed(sync_flow, runs)
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            no_heartbeat = timed(sync_flow, runs)
        asynchronous = timed(lambda i: asyncio.run(async_flow(i)), runs)
    print(f"runs per variant: {runs} (medians); baseline: sync flow with heartbeats off")
    print(f"plain function call (no Prefect)  {baseline * 1000:9.3f} ms")
    for name, value in (
        ("sync flow, heartbeats off", no_heartbeat),
        ("sync flow, default heartbeat", default),
        ("async flow", asynchronous),
    ):
        print(f"{name:<33} {value * 1000:9.1f} ms   ×{value / no_heartbeat:.2f} baseline")
    print(
        f"async flow saves {(default - asynchronous) * 1000:.0f} ms per run over the default "
        f"sync flow ({default / asynchronous:.1f}× faster)"
    )


if __name__ == "__main__":
    main()
