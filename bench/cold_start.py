"""Cold start: ``eia up`` (embedded defaults) to the first accepted case's 受理通知书 issued.

From a fresh temporary data dir, starts ``eia up`` on free ports (SQLite, a local Prefect
server on SQLite, one worker, the filesystem store, the .eml outbox), then, as soon as the API
answers: signs in as the demo applicant, creates a case, uploads its required materials,
submits it, signs in as the intake window (``shouli``) and accepts it, and waits until its
受理通知书 is issued and its PDF downloads. Prints when each phase was reached (seconds since
the process started: the service's own lines, the Prefect server, the worker and the API
answering), the CPU seconds each process used until then, and baselines from the same run:

* the same accept → notice on the now-warm service (a second case);
* a bare ``python -c pass`` and ``python -c "import flows.prefect_flows"`` (the worker's import),
  which show how loaded the machine is.

    .venv/bin/python bench/cold_start.py [--runs 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.soak import PASSWORD, PROJECT  # noqa: E402  # the soak's demo case
from cli.prefect_database import template_path  # noqa: E402
from simulator.sample_pdf import minimal_pdf  # noqa: E402

# Lines of ``eia up`` and its worker that mark a phase (their first occurrence counts).
MARKERS = {
    "数据库就绪": "migrations done (database ready)",
    "Prefect 服务与界面": "Prefect server reported ready by eia up",
    "流程执行器已启动": "worker process spawned",
    "Application startup complete": "API application started",
}
WORKER_MARKERS = {"流程执行器就绪": "worker draining (imports done)"}
TICK = 0.05  # seconds between polls


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    events: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self, name: str) -> None:
        with self.lock:
            self.events.setdefault(name, time.monotonic() - self.started)

    def at(self, name: str) -> float | None:
        return self.events.get(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_lines(stream, timeline: Timeline, markers: dict[str, str], sink: list[str]) -> None:  # type: ignore[no-untyped-def]
    for raw in iter(stream.readline, b""):
        line = raw.decode(errors="replace")
        sink.append(line)
        for needle, name in markers.items():
            if needle in line:
                timeline.mark(name)


def tail_file(
    path: Path, timeline: Timeline, markers: dict[str, str], stop: threading.Event
) -> None:
    seen = ""
    while not stop.is_set() and len(timeline.events) < 50:
        if path.exists():
            seen = path.read_text(errors="replace")
            for needle, name in markers.items():
                if needle in seen:
                    timeline.mark(name)
            if all(name in timeline.events for name in markers.values()):
                return
        time.sleep(TICK)


def poll_health(url: str, name: str, timeline: Timeline, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                timeline.mark(name)
                return
        except httpx.HTTPError:
            pass
        time.sleep(TICK)


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> dict[int, str]:
    """pid → command line of every process under ``pid``."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True)
    children: dict[int, list[tuple[int, str]]] = {}
    for line in out.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3:
            children.setdefault(int(parts[1]), []).append((int(parts[0]), parts[2]))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child, args in children.get(todo.pop(), []):
            found[child] = args
            todo.append(child)
    return found


def process_cpu(root: int) -> dict[str, float]:
    cpu = {"eia up (API, migrations)": cpu_seconds(root)}
    for pid, args in descendants(root).items():
        name = "Prefect server" if "prefect" in args and "server" in args else (
            "worker" if "flows.serve" in args else args[:40])  # fmt: skip
        cpu[name] = cpu.get(name, 0.0) + cpu_seconds(pid)
    return cpu


def token(client: httpx.Client, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def submit_case(client: httpx.Client, applicant: dict[str, str], name: str) -> int:
    item = client.get(f"/api/items/{PROJECT['item_code']}", headers=applicant).json()
    body = PROJECT | {"project_name": name}
    created = client.post("/api/applications", json=body,
                          headers=applicant | {"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
    created.raise_for_status()
    case = int(created.json()["id"])
    for material in item["materials"]:
        if material["required"]:
            code = material["code"]
            files = {"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")}
            client.put(f"/api/applications/{case}/materials/{code}", files=files,
                       headers=applicant).raise_for_status()  # fmt: skip
    client.post(f"/api/applications/{case}/submit", headers=applicant).raise_for_status()
    return case


def wait_for_notice(
    client: httpx.Client, applicant: dict[str, str], case: int, timeout: float
) -> None:
    """Until the case's 受理通知书 is issued and its PDF downloads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        detail = client.get(f"/api/applications/{case}", headers=applicant).json()
        for document in detail.get("documents", []):
            if document["kind"] == "acceptance_notice" and document["state"] == "issued":
                pdf = client.get(document["download_url"], headers=applicant)
                if pdf.status_code == 200 and pdf.content.startswith(b"%PDF"):
                    return
        time.sleep(TICK)
    raise SystemExit(f"case {case}: no 受理通知书 after {timeout:.0f} s")


def accept_to_notice(client: httpx.Client, timeline: Timeline, label: str, case_name: str) -> float:
    applicant = token(client, "qiye")
    timeline.mark(f"{label}: signed in as the applicant")
    case = submit_case(client, applicant, case_name)
    timeline.mark(f"{label}: case created, materials uploaded, submitted")
    intake = token(client, "shouli")
    started = time.monotonic()
    client.post(f"/api/applications/{case}/accept", headers=intake).raise_for_status()
    timeline.mark(f"{label}: accepted (answered)")
    wait_for_notice(client, applicant, case, timeout=180)
    timeline.mark(f"{label}: 受理通知书 issued, PDF downloaded")
    return time.monotonic() - started


def timed_python(code: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.monotonic() - started


def one_run(keep: bool) -> dict[str, float]:
    var = Path(tempfile.mkdtemp(prefix="eia-cold-"))
    port, prefect_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EIA_", "PREFECT_"))}
    env |= {"EIA_VAR_DIR": str(var / "var"), "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    base = f"http://127.0.0.1:{port}"
    timeline = Timeline()
    stop = threading.Event()
    lines: list[str] = []
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "eia"), "up", "--port", str(port),
         "--prefect-port", str(prefect_port)],
        cwd=var, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    threads = [
        threading.Thread(target=read_lines, args=(process.stdout, timeline, MARKERS, lines)),
        threading.Thread(
            target=tail_file, args=(var / "var/logs/worker.log", timeline, WORKER_MARKERS, stop)
        ),
        threading.Thread(
            target=poll_health,
            args=(
                f"http://127.0.0.1:{prefect_port}/api/health",
                "Prefect server answers /health",
                timeline,
                stop,
            ),
        ),
        threading.Thread(
            target=poll_health, args=(f"{base}/api/health", "API answers /health", timeline, stop)
        ),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    results: dict[str, float] = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 300
            while timeline.at("API answers /health") is None:
                if process.poll() is not None:
                    raise SystemExit("eia up exited:\n" + "".join(lines)[-3000:])
                if time.monotonic() > deadline:
                    raise SystemExit("eia up: the API did not answer in 300 s")
                time.sleep(TICK)
            results["first accept → notice"] = accept_to_notice(
                client, timeline, "1st", "冷启动项目"
            )
            results["eia up → first notice"] = timeline.events[
                "1st: 受理通知书 issued, PDF downloaded"
            ]
            cpu = process_cpu(process.pid)
            results["warm accept → notice"] = accept_to_notice(
                client, timeline, "2nd", "热启动项目"
            )
    finally:
        stop.set()
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        if not keep:
            shutil.rmtree(var, ignore_errors=True)
        else:
            print(f"kept {var}")
    print(f"\n{'seconds since `eia up` started':<58}")
    for name, at in sorted(timeline.events.items(), key=lambda kv: kv[1]):
        print(f"  {at:7.2f}  {name}")
    print("\nCPU seconds until the first notice was issued (2 cores, shared)")
    for name, seconds in cpu.items():
        print(f"  {seconds:7.2f}  {name}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    template = template_path()
    print(f"Prefect database template {'present' if template.exists() else 'ABSENT'}: {template}")
    runs = [one_run(args.keep) for _ in range(args.runs)]
    bare = timed_python("pass")
    flows_import = timed_python("import flows.prefect_flows")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    print("\nsummary (median of runs)" if args.runs > 1 else "\nsummary")
    for name in runs[0]:
        values = sorted(run[name] for run in runs)
        print(f"  {name:<28} {values[len(values) // 2]:7.2f} s" + (
            "   target ≤ 10 s  " + ("MET" if values[len(values) // 2] <= 10 else "MISSED")
            if name == "eia up → first notice" else ""))  # fmt: skip
    first, warm = runs[0]["first accept → notice"], runs[0]["warm accept → notice"]
    print(f"  first accept → notice is ×{first / warm:.1f} the warm one")
    print(
        f"baselines: python -c pass {bare:.2f} s; import flows.prefect_flows {flows_import:.2f} s"
    )


if __name__ == "__main__":
    main()
