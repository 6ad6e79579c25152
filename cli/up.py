"""``eia up``: the whole service on its embedded defaults, in one command.

A cold start is as short as its slowest process, not the sum of them: the Prefect server (the
slowest to come up) is spawned first, before this process imports the API, then the worker
(which waits for the server itself before it claims work), and the database is migrated and
the API imported while both start. The API does not need the Prefect server (requests only
record work for the workers), so it serves as soon as it is imported.
This module imports little; the database and the API are imported once the children run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from rich.console import Console

from cli.prefect_database import FRESH_COPY_ENV, seed_prefect_home
from core.processes import (
    Stopping,
    become_subreaper,
    signals_ignored,
    spawn_guarded,
    stop_on_signals,
    stop_processes,
)
from core.serving import serving_settings
from core.settings import PROJECT_ROOT, Settings, get_settings

PREFECT_START_TIMEOUT = 120.0  # seconds


class StartFailed(RuntimeError):
    """A child exited or did not answer in time; the message says which and where its log is."""


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartFailed(f"进程已退出 / exited early; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise StartFailed(f"等待超时 / not up after {timeout:.0f} s: {url}; see {log}")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return spawn_guarded(args, env=env, cwd=PROJECT_ROOT, log=log)


def run_up(console: Console, *, host: str, port: int, prefect_port: int) -> None:
    """Serve until SIGTERM or SIGINT, then stop everything started here (the Prefect server,
    the worker and its flow runs) within twice ``STOP_GRACE_SECONDS`` plus
    a few seconds (the worker, then the Prefect server). A Prefect server that does not come
    up stops everything too, and the command fails with its log's tail."""
    become_subreaper()  # flow runs orphaned by a dying worker are still ours to stop
    failures: list[str] = []
    with stop_on_signals():
        try:
            _run_up(console, failures, host=host, port=port, prefect_port=prefect_port)
        except Stopping:
            if failures:
                raise SystemExit(failures[0]) from None
            console.print("已停止 / stopped")


def _start_prefect_server(settings: Settings, env: dict[str, str], prefect_port: int, logs: Path):  # type: ignore[no-untyped-def]
    api_url = f"http://127.0.0.1:{prefect_port}/api"
    home = settings.var_dir / "prefect"
    fresh = seed_prefect_home(home)  # a fresh home starts from the template, if installed
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    args = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
            "--port", str(prefect_port)]  # fmt: skip
    server_env = env | FRESH_COPY_ENV if fresh else env  # nothing to migrate nor register
    return _spawn(args, server_env, logs / "prefect.log"), api_url


def _watch_prefect_server(
    console: Console,
    server: subprocess.Popen[bytes],
    api_url: str,
    log: Path,
    failures: list[str],
) -> None:
    """Say when the Prefect server answers; if it exits or never answers, stop ``eia up``
    (SIGTERM to this process: the main thread stops the children and fails)."""
    try:
        _wait_http(f"{api_url}/health", server, PREFECT_START_TIMEOUT, log)
    except StartFailed as exc:
        failures.append(str(exc))
        os.kill(os.getpid(), signal.SIGTERM)
        return
    console.print(f"[green]✓[/] Prefect 服务与界面 {api_url.removesuffix('/api')}")


def _run_up(
    console: Console, failures: list[str], *, host: str, port: int, prefect_port: int
) -> None:
    settings = serving_settings(get_settings())  # before anything starts: a clear refusal
    logs = settings.var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if "PREFECT_API_URL" not in os.environ:
            server, api_url = _start_prefect_server(settings, env, prefect_port, logs)
            processes.append(server)
            threading.Thread(
                target=_watch_prefect_server,
                args=(console, server, api_url, logs / "prefect.log", failures),
                name="eia-prefect-watch",
                daemon=True,
            ).start()
        worker_env = env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
        processes.append(
            _spawn([sys.executable, "-m", "flows.serve"], worker_env, logs / "worker.log")
        )
        console.print(f"[green]✓[/] 流程执行器已启动（日志 {logs / 'worker.log'}）")
        # Imported now, while the Prefect server and the worker start on the other core.
        from cli.api_server import print_accounts, serve_api
        from cli.database import prepare_database
        from storage import build_store

        created = prepare_database(console, settings)
        build_store(settings).check()
        settings = settings.model_copy(update={"prefect_api_url": env["PREFECT_API_URL"]})
        print_accounts(console, created, host, port)
        serve_api(settings, host, port)
    finally:
        with signals_ignored(), console.status("停止 / stopping…"):
            stop_processes(processes[::-1])  # the worker first: it reports to the server
