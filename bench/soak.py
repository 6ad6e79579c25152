"""Soak: a mixed load against the running service on loopback for N minutes.

Applicants create, fill in (upload the required PDFs) and submit report books and read their
cases; the intake window accepts, the case officer drafts, the section chief approves, the
leader signs (each from their own queue, the worker issuing the documents between the steps);
an auditor reads the turnaround reports. Closed loop: each virtual user sends its next request
when the previous one answered, after a short think time.

Prints the error rate (5xx and transport errors; 409 races between staff counted apart), p50
and p99 per kind of request, the same for the first and the last minute (the baseline and the
end of the same run), and the resident memory (RSS) of the API, the worker and the Prefect
server at the start and at the end.

    .venv/bin/python bench/soak.py --start --minutes 10      # starts `eia up` in a temp dir
    .venv/bin/python bench/soak.py --base-url http://127.0.0.1:8000 --minutes 10

With ``--start`` it runs ``eia up`` (embedded defaults: SQLite, local Prefect server, one
worker) on free ports with a temporary data dir, and stops it with SIGTERM at the end; without
it, it loads the service at ``--base-url`` (demo accounts needed) and finds the processes by
their command lines.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from approvals.seed import DEMO_PASSWORD as PASSWORD  # noqa: E402
from simulator.sample_pdf import minimal_pdf  # noqa: E402

PROJECT = {
    "item_code": "EIA-01",
    "site": "郑州经济技术开发区第九大街88号",
    "district": "郑州经济技术开发区",
    "industry_code": "3421",
    "total_investment": "12000.00",
    "env_investment": "360.00",
    "consultant": "河南中环评价咨询有限公司",
}
STAFF_ACTIONS = {  # queue owner → (kind, path suffix, body)
    "shouli": ("accept", "accept", None),
    "chengban": (
        "draft",
        "decision",
        {"outcome": "approve", "conditions": ["严格落实报告书提出的各项污染防治措施。"]},
    ),
    "kezhang": ("review", "review/approve", {}),
    "lingdao": ("sign", "sign", {}),
}
AUDIT_PATHS = ("/api/audit/turnaround", "/api/audit/stages", "/api/audit/trend")


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, outcome: str) -> None:
        with self.lock:
            self.samples[kind].append((time.monotonic() - self.started, seconds))
            self.statuses[outcome] += 1


def _outcome(response: httpx.Response | None) -> str:
    if response is None:
        return "transport error"
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code == 409:
        return "409 (race between staff)"
    if response.status_code >= 400:
        return f"{response.status_code}"
    return "ok"


def _timed(
    stats: Stats, kind: str, client: httpx.Client, method: str, url: str, **kwargs: object
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response: httpx.Response | None = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError:
        response = None
    stats.record(kind, time.perf_counter() - started, _outcome(response))
    return response


def _token(base: str, username: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/api/auth/token", data={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def applicant(
    base: str, stats: Stats, stop: threading.Event, think: float, n: int, case_every: float
) -> None:
    """A new case every ``case_every`` seconds (created, filled in, submitted); in between,
    reading its cases."""
    headers = _token(base, "qiye")
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        item = client.get(f"/api/items/{PROJECT['item_code']}").json()
        codes = [m["code"] for m in item["materials"] if m["required"]]
        mine: list[int] = []
        next_case = time.monotonic() + random.uniform(0, case_every)
        for i in itertools.count():
            if stop.is_set():
                return
            if time.monotonic() < next_case and mine:
                case = random.choice(mine[-20:])
                _timed(stats, "read case", client, "GET", f"/api/applications/{case}")
                _timed(stats, "list cases", client, "GET", "/api/applications")
                time.sleep(think)
                continue
            next_case = time.monotonic() + case_every
            body = PROJECT | {"project_name": f"压力测试项目{n}-{i}"}
            key = {"Idempotency-Key": uuid.uuid4().hex}
            created = _timed(stats, "create", client, "POST", "/api/applications", json=body,
                             headers=key)  # fmt: skip
            if created is None or created.status_code != 201:
                continue
            case = created.json()["id"]
            for code in codes:
                files = {"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")}
                _timed(stats, "upload", client, "PUT",
                       f"/api/applications/{case}/materials/{code}", files=files)  # fmt: skip
            _timed(stats, "submit", client, "POST", f"/api/applications/{case}/submit")
            mine.append(case)
            time.sleep(think)


def staff(base: str, stats: Stats, stop: threading.Event, think: float, username: str) -> None:
    kind, suffix, body = STAFF_ACTIONS[username]
    headers = _token(base, username)
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        while not stop.is_set():
            queue = _timed(stats, "queue", client, "GET", "/api/queue")
            cases = queue.json() if queue is not None and queue.status_code == 200 else []
            if cases:
                case = random.choice(cases[:5])["id"]
                url = f"/api/applications/{case}/{suffix}"
                _timed(stats, kind, client, "POST", url,
                       **({} if body is None else {"json": body}))  # fmt: skip
            time.sleep(think)


def auditor(base: str, stats: Stats, stop: threading.Event, think: float) -> None:
    headers = _token(base, "jiancha")
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for path in itertools.cycle(AUDIT_PATHS):
            if stop.is_set():
                return
            _timed(stats, "report", client, "GET", path)
            time.sleep(think * 5)


# --- processes and memory ---------------------------------------------------------------


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def find_processes(root: int | None) -> dict[str, int | None]:
    """The API, worker and Prefect server pids: under ``root`` (an ``eia up`` started here)
    or, without it, any process of this user with a matching command line."""
    pids = _children(root) if root else [int(p.name) for p in Path("/proc").glob("[0-9]*")]
    found: dict[str, int | None] = {"api": root, "worker": None, "prefect server": None}
    for pid in pids:
        line = _cmdline(pid)
        if "flows.serve" in line or "eia worker" in line:
            found["worker"] = found["worker"] or pid
        elif "prefect server start" in line:
            found["prefect server"] = found["prefect server"] or pid
        elif not root and ("eia up" in line or "api.asgi" in line):
            found["api"] = found["api"] or pid
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(console: Console) -> tuple[subprocess.Popen[bytes], str, Path]:
    var = Path(tempfile.mkdtemp(prefix="eia-soak-"))
    port, prefect_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EIA_", "PREFECT_"))}
    env |= {"EIA_VAR_DIR": str(var / "var")}
    log = var / "eia-up.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "eia"), "up", "--port", str(port),
             "--prefect-port", str(prefect_port)],
            cwd=var, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    with console.status(f"启动 eia up（{var}）…"):
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"eia up exited:\n{log.read_text()[-3000:]}")
            try:
                if (
                    httpx.get(f"{base}/api/health", timeout=2).status_code == 200
                    and find_processes(process.pid)["worker"]
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"eia up not healthy after 180 s; see {log}")
    time.sleep(10)  # the worker registers its deployments
    return process, base, var


# --- report -----------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]  # type: ignore[index]


def report(console: Console, stats: Stats, minutes: float) -> None:
    total = sum(stats.statuses.values())
    errors = sum(n for s, n in stats.statuses.items() if s == "transport error" or s[:1] == "5")
    console.print(f"\n[bold]{total} requests in {minutes:g} min[/] ({total / minutes / 60:.1f}/s)")
    console.print(f"error rate (5xx + transport): {errors}/{total} = {errors / max(total, 1):.3%}")
    console.print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.statuses.items())))
    end = max((t for s in stats.samples.values() for t, _ in s), default=0.0)
    console.print(f"\n{'kind':<11}{'n':>7}{'p50 ms':>8}{'p99 ms':>8}"
                  f"{'1st min p50/p99':>17}{'last min':>12}")  # fmt: skip
    for kind, samples in sorted(stats.samples.items()):
        all_ms = [s * 1000 for _, s in samples]
        first = [s * 1000 for t, s in samples if t <= 60]
        last = [s * 1000 for t, s in samples if t >= end - 60]

        def pair(values: list[float]) -> str:
            if not values:
                return "—"
            return f"{_percentile(values, 50):.0f}/{_percentile(values, 99):.0f}"

        p50, p99 = _percentile(all_ms, 50), _percentile(all_ms, 99)
        console.print(f"{kind:<11}{len(all_ms):>7}{p50:>8.0f}{p99:>8.0f}"
                      f"{pair(first):>17}{pair(last):>12}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--start", action="store_true", help="start `eia up` in a temp dir")
    parser.add_argument("--applicants", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.2, help="seconds between requests")
    parser.add_argument(
        "--case-every",
        type=float,
        default=15.0,
        help="seconds between two new cases of one applicant (each case costs the worker two "
        "flow runs; the embedded worker does about 50 runs a minute on 2 cores)",
    )
    args = parser.parse_args()
    console = Console(width=100)
    service: subprocess.Popen[bytes] | None = None
    base = args.base_url.rstrip("/")
    if args.start:
        service, base, _ = start_service(console)
    try:
        processes = find_processes(service.pid if service else None)
        rss_start = {name: _rss_mb(pid) for name, pid in processes.items()}
        stats, stop = Stats(), threading.Event()
        users = [
            threading.Thread(
                target=applicant, args=(base, stats, stop, args.think, n, args.case_every)
            )
            for n in range(args.applicants)
        ]
        users += [
            threading.Thread(target=staff, args=(base, stats, stop, args.think, name))
            for name in STAFF_ACTIONS
        ]
        users.append(threading.Thread(target=auditor, args=(base, stats, stop, args.think)))
        for user in users:
            user.start()
        seconds = args.minutes * 60
        columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("soak", total=seconds)
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < seconds:
                with stats.lock:
                    done = sum(stats.statuses.values())
                    bad = sum(n for s, n in stats.statuses.items() if s[:1] in "5t")
                progress.update(task, completed=elapsed,
                                description=f"soak {done} requests, {bad} errors")  # fmt: skip
                time.sleep(1)
        stop.set()
        for user in users:
            user.join(timeout=120)
        rss_end = {name: _rss_mb(pid) for name, pid in processes.items()}
        report(console, stats, args.minutes)
        cases = httpx.get(f"{base}/api/applications", headers=_token(base, "qiye"), timeout=60)
        by_status: dict[str, int] = defaultdict(int)
        for case in cases.json():
            by_status[case["status"]] += 1
        console.print("cases by status: " + ", ".join(f"{k} {v}" for k, v in by_status.items()))
        console.print("\nRSS MB       start      end")
        for name in processes:
            a, b = rss_start[name], rss_end[name]
            console.print(f"{name:<14}{a or 0:>7.0f}  {b or 0:>7.0f}" if a else f"{name:<14}  —")
    finally:
        if service is not None:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=60)


if __name__ == "__main__":
    main()
