"""Stopping ``eia up`` and ``eia worker`` leaves nothing behind (issue 9, item 8).

The real commands run as processes on free ports with a temporary data dir (the embedded
defaults: SQLite, a local Prefect server, a worker, the API). Each is signalled the way a
service manager (SIGTERM) or a terminal (SIGINT) would; then no process that carries the run's
data dir in its environment may remain — the Prefect server, the worker and any flow run
included, whatever session they run in — and the ports are free for the next start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.processes import descendants_of
from core.settings import PROJECT_ROOT
from tests.fixtures_prefect import PrefectServer
from tests.fixtures_servers import free_ports

pytestmark = pytest.mark.integration

EIA = str(Path(sys.executable).parent / "eia")
START_TIMEOUT = 120.0
STOP_BOUND = 25.0  # worker 6 s + server 6 s of grace, then SIGKILL: well within this


def _clean_env(var_dir: Path) -> dict[str, str]:
    """The caller's environment without any EIA_ or PREFECT_ setting (no shared database or
    Prefect server leaks in), pointed at ``var_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EIA_", "PREFECT_"))}
    return env | {"EIA_VAR_DIR": str(var_dir), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def _marked_processes(var_dir: Path) -> list[str]:
    """Every live process whose environment names ``var_dir`` (ours to read in /proc)."""
    marker = f"EIA_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            stat = (entry / "stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found.append(f"{entry.name}: {cmdline[:120]}")
    return found


def _port_free(port: int) -> bool:
    """Nothing listens on it: a server can bind it (connections in TIME_WAIT do not count,
    servers set SO_REUSEADDR as uvicorn does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _get_json(url: str, data: bytes | None = None) -> object:
    """POST/GET JSON; a Prefect server on SQLite answers 503 while its database is busy (seen
    with the whole suite on two cores), which is retried for up to 30 s."""
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


DEPLOYMENTS = ("advance-standard-review", "sweep-outbox", "sweep-deadlines")


def _wait_serving(
    process: subprocess.Popen[bytes],
    api_url: str,
    log: Path,
    health_url: str = "",
    prefix: str = "",
) -> None:
    """Until the worker has registered its deployments on the Prefect server at ``api_url``
    (and ``health_url``, if given, answers ``{"status": "ok"}``)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            deployments = _get_json(f"{api_url}/deployments/filter", b"{}")
            healthy = not health_url or _get_json(health_url) == {"status": "ok"}
        except OSError:
            deployments, healthy = [], False
        names = {d["name"] for d in deployments} if isinstance(deployments, list) else set()
        if healthy and {prefix + name for name in DEPLOYMENTS} <= names:
            return
        time.sleep(0.5)
    pytest.fail(f"not serving after {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _stop_and_check(
    process: subprocess.Popen[bytes], sig: signal.Signals, var_dir: Path, ports: list[int]
) -> float:
    tree = [process.pid, *descendants_of(process.pid)]
    assert len(tree) >= 2, "the command started no child process"
    started = time.monotonic()
    process.send_signal(sig)
    try:
        process.wait(timeout=STOP_BOUND)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {STOP_BOUND:.0f} s after {sig.name}")
    # Children stopped by the command are gone by the time it exits; give stragglers that
    # stop by themselves (the orphan guard) the same bound, then judge.
    while _marked_processes(var_dir) and time.monotonic() - started < STOP_BOUND:
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    assert _marked_processes(var_dir) == [], f"left running after {sig.name}"
    assert process.returncode == 0, process.returncode
    assert all(_port_free(p) for p in ports), "a port is still taken"
    return elapsed


@pytest.fixture
def var_dir(tmp_path: Path) -> Iterator[Path]:
    var = tmp_path / "var"
    yield var
    for line in _marked_processes(var):  # never leave anything behind, even on failure
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def test_eia_up_stops_everything_on_sigterm_and_then_on_sigint_on_the_same_ports(
    var_dir: Path, tmp_path: Path
) -> None:
    port, prefect_port = free_ports(2)
    env = _clean_env(var_dir)
    command = [EIA, "up", "--port", str(port), "--prefect-port", str(prefect_port)]
    timings = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        log = tmp_path / f"up-{sig.name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            health = f"http://127.0.0.1:{port}/api/health"
            _wait_serving(process, f"http://127.0.0.1:{prefect_port}/api", log, health)
            timings[sig.name] = _stop_and_check(process, sig, var_dir, [port, prefect_port])
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    print(f"\neia up stopped in {timings}")


def test_eia_worker_stops_its_flow_runs_on_sigterm(
    var_dir: Path, tmp_path: Path, prefect_server: PrefectServer
) -> None:
    env = (
        _clean_env(var_dir)
        | prefect_server.env()
        | {
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            # its own deployments on the shared server: no other test's worker takes its runs
            "EIA_PREFECT_DEPLOYMENT_PREFIX": "lifecycle-",
        }
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [EIA, "worker"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_serving(process, prefect_server.api_url, log, prefix="lifecycle-")
        # A run in flight: its process (own session) must be stopped with the worker.
        deployments = _get_json(f"{prefect_server.api_url}/deployments/filter", b"{}")
        assert isinstance(deployments, list)
        advance = next(d for d in deployments if d["name"] == "lifecycle-advance-standard-review")
        _get_json(
            f"{prefect_server.api_url}/deployments/{advance['id']}/create_flow_run",
            json.dumps({"parameters": {"application_id": 1}}).encode(),
        )
        deadline = time.monotonic() + 60
        while not descendants_of(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = _stop_and_check(process, signal.SIGTERM, var_dir, [])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # One worker stopping (of several, scaled out) leaves the sweeps scheduled for the others.
    after = _get_json(f"{prefect_server.api_url}/deployments/filter", b"{}")
    assert isinstance(after, list)
    assert {d["name"]: d["paused"] for d in after if "lifecycle-sweep" in d["name"]} == {
        "lifecycle-sweep-outbox": False,
        "lifecycle-sweep-deadlines": False,
    }
    print(f"\neia worker stopped in {elapsed:.1f} s")


def test_children_stop_by_themselves_when_their_parent_is_killed(
    var_dir: Path, tmp_path: Path
) -> None:
    """The orphan guards, for when ``eia up`` or a worker is killed with SIGKILL (no chance to
    clean up): a child started like ``eia up`` starts its server and worker (parent-death
    signal), and a child in its own session that watches ``EIA_PARENT_PID`` as a flow run
    watches its worker. Both stop once the parent is gone."""
    watcher = (
        "import time; from core.processes import watch_parent; "
        "assert watch_parent(interval=0.2); time.sleep(600)"
    )
    parent_code = (
        "import os, subprocess, sys, time\n"
        "from pathlib import Path\n"
        "from core.processes import spawn_guarded\n"
        "spawn_guarded([sys.executable, '-c', 'import time; time.sleep(600)'], "
        f"env=dict(os.environ), cwd=Path('.'), log=Path({str(tmp_path / 'child.log')!r}))\n"
        f"subprocess.Popen([sys.executable, '-c', {watcher!r}], start_new_session=True, "
        "env=os.environ | {'EIA_PARENT_PID': str(os.getpid())})\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], cwd=PROJECT_ROOT, env=_clean_env(var_dir)
    )
    deadline = time.monotonic() + 30
    while len(_marked_processes(var_dir)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # the watcher has imported and started watching
    assert len(_marked_processes(var_dir)) == 3
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 15
    while _marked_processes(var_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked_processes(var_dir) == []
