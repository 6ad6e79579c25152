"""Memory over time on the production topology (``bench/issuing.py --soak-minutes N``): the
resident memory (RSS, from /proc) of each process sampled every few seconds while sign-offs
arrive at a steady rate, then per process: the peak, a table per minute, the RSS at minute 1
against the last minute, the slope (least squares over the run after its first minute, MB per
minute) and a sparkline. Workers are shown alone and with their children (a sweep's flow-run
process, started by Prefect's runner, lives a few seconds each minute)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import procstat

BARS = "▁▂▃▄▅▆▇█"


def own_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def mappings(pid: int, top: int = 8) -> list[str]:
    """Where a process's RSS lies (/proc/PID/smaps): anonymous memory (the heaps: Python
    objects, C libraries' allocations) against each mapped file (libraries, fonts)."""
    by: dict[str, int] = {}
    name = "?"
    try:
        for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
            head = line.split()
            if head and not head[0].endswith(":"):
                name = head[5] if len(head) > 5 else "[anonymous]"
            elif head[:1] == ["Rss:"]:
                by[name] = by.get(name, 0) + int(head[1])
    except OSError:
        return []
    ranked = sorted(by.items(), key=lambda kv: -kv[1])
    files = sum(kb for n, kb in by.items() if n.startswith("/"))
    lines = [f"  {sum(by.values()) / 1024:.0f} MB, of which mapped files {files / 1024:.0f} MB"]
    return lines + [f"  {kb / 1024:7.1f} MB  {n}" for n, kb in ranked[:top]]


def api_processes(supervisor: int) -> list[int]:
    """uvicorn's serving processes (not multiprocessing's resource tracker beside them)."""
    children = procstat.tree(supervisor)[1:]
    return [p for p in children if "resource_tracker" not in _cmdline(p)] or children


def processes(roles: dict[str, list[int]]) -> dict[str, Callable[[], float]]:
    """What to sample: each API process (uvicorn's children, not its supervisor), each worker
    alone and with its children, the Prefect server with its children."""
    found: dict[str, Callable[[], float]] = {}
    for n, pid in enumerate(api_processes(roles["api"][0])):
        found[f"api{n}"] = lambda pid=pid: own_rss_mb(pid)  # type: ignore[misc]
    for n, pid in enumerate(roles["worker"]):
        found[f"worker{n}"] = lambda pid=pid: own_rss_mb(pid)  # type: ignore[misc]
        found[f"worker{n}+children"] = lambda pid=pid: procstat.rss_mb([pid])  # type: ignore[misc]
    for pid in roles.get("prefect", []):
        found["prefect"] = lambda pid=pid: procstat.rss_mb([pid])  # type: ignore[misc]
    return found


@dataclass
class Sampler:
    """A thread reading every process's RSS every ``interval`` seconds, with the number of
    child processes of the workers at that moment and the documents mailed so far."""

    probes: dict[str, Callable[[], float]]
    children: Callable[[], int]
    mailed: Callable[[], int]
    interval: float = 10.0
    samples: list[tuple[float, dict[str, float], int, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> float:
        return time.monotonic() - self._started

    def sample(self) -> None:
        self.samples.append(
            (
                self.now(),
                {name: probe() for name, probe in self.probes.items()},
                self.children(),
                self.mailed(),
            )
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def steady_signoffs(
    sign: Callable[[int], int], ids: list[int], per_second: float
) -> tuple[list[int], float]:
    """Sign ``ids`` one after the other at ``per_second`` (a fixed schedule, not a closed
    loop: a slow answer does not lower the load); returns the statuses and the seconds taken."""
    statuses: list[int] = []
    started = time.monotonic()
    for n, case_id in enumerate(ids):
        wait = started + n / per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        statuses.append(sign(case_id))
    return statuses, time.monotonic() - started


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares MB per minute of (seconds, MB) points."""
    if len(points) < 2:
        return 0.0
    return statistics.linear_regression([t / 60 for t, _ in points], [m for _, m in points])[0]


def sparkline(values: list[float]) -> str:
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(BARS[min(len(BARS) - 1, int((v - low) / span * len(BARS)))] for v in values)


def report(sampler: Sampler, since: float, until: float) -> list[str]:
    """Lines: per process over the soak window [since, until] (seconds of the sampler's
    clock): the peak of the whole run, RSS at minute 1 and at the end, the slope, the
    sparkline; then a table per minute."""
    window = [s for s in sampler.samples if since <= s[0] <= until + sampler.interval]
    names = list(sampler.probes)
    minute1 = [s for s in window if s[0] >= since + 60] or window
    lines = [
        f"RSS over {(until - since) / 60:.1f} min of steady sign-offs,"
        f" {len(window)} samples every {sampler.interval:g} s (MB; slope from minute 1 on)",
        f"{'process':<20}{'peak run':>9}{'peak soak':>10}{'min 1':>7}{'end':>7}"
        f"{'MB/min':>8}  sparkline",
    ]
    for name in names:
        values = [s[1][name] for s in window]
        peak_run = max(s[1][name] for s in sampler.samples)
        points = [(s[0], s[1][name]) for s in minute1]
        lines.append(
            f"{name:<20}{peak_run:>9.0f}{max(values):>10.0f}{minute1[0][1][name]:>7.0f}"
            f"{values[-1]:>7.0f}{slope(points):>8.2f}  {sparkline(values)}"
        )
    header = f"{'min':>4}" + "".join(f"{n[:14]:>15}" for n in names)
    lines += [
        "",
        "RSS (MB) at each minute of the soak, the workers' child processes, mails",
        header + f"{'children':>9}{'mailed':>8}",
    ]
    minute = 0
    while since + minute * 60 <= until + 1:
        at = since + minute * 60
        nearest = min(window, key=lambda s: abs(s[0] - at))
        lines.append(
            f"{minute:>4}"
            + "".join(f"{nearest[1][n]:>15.0f}" for n in names)
            + f"{max(s[2] for s in window if abs(s[0] - at) <= 30):>9}{nearest[3]:>8}"
        )
        minute += 1
    return lines
