"""Where the CPU goes during a benchmark, from /proc (Linux): CPU-seconds of process trees,
of the whole machine, peak RSS; and optional py-spy recordings (``py-spy`` on PATH or
``PY_SPY``) written as collapsed stacks for ``bench/stacks.py``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes, flow-run processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes' trees (children that exited and were waited
    for included)."""
    total = 0
    for root in pids:
        for pid in tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def machine_cpu_seconds() -> float:
    """Busy CPU-seconds of the whole machine (every core, every process: other sessions too)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICKS


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes' trees now, in MB."""
    total = 0
    for root in pids:
        for pid in tree(root):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
    return total / 1024


def load() -> str:
    """The load averages (1, 5, 15 minutes): the machine is shared."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Profiler:
    """py-spy record on each named process until ``stop`` (not its children: following them
    costs py-spy more CPU than the work it watches); a no-op without py-spy."""

    def __init__(self, out: Path | None, targets: dict[str, int], rate: int = 25) -> None:
        self.recorders: list[subprocess.Popen[bytes]] = []
        spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
        if out is None or spy is None:
            return
        out.mkdir(parents=True, exist_ok=True)
        for name, pid in targets.items():
            self.recorders.append(
                subprocess.Popen(
                    [
                        spy,
                        "record",
                        "--pid",
                        str(pid),
                        "--format",
                        "raw",
                        "--rate",
                        str(rate),
                        "--output",
                        str(out / f"{name}.txt"),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def stop(self) -> None:
        for recorder in self.recorders:
            recorder.send_signal(signal.SIGINT)
        for recorder in self.recorders:
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()
