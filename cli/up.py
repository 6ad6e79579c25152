"""``eia up``: the whole service on its embedded defaults, in one command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn
from rich.console import Console

from api.app import create_app
from approvals.expert_pool import ensure_expert_pool
from approvals.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from core.db import make_engine, session_scope
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
from migrations.runner import upgrade
from models.enums import ROLE_LABELS, Role
from storage import build_store


def prepare_database(
    console: Console, settings: Settings | None = None, *, seed_demo: bool = True
) -> bool:
    """Migrate (and seed the demo accounts and the demo expert pool, so a 远程会审 can draw its
    panel on a fresh start); True when the demo accounts were created just now."""
    settings = settings or get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    with console.status("迁移数据库 / migrating the database…"):
        upgrade(engine)
    created = False
    if seed_demo:
        with session_scope(engine) as session:
            created = ensure_demo_accounts(session)
            ensure_expert_pool(session)  # idempotent: experts changed by staff are left alone
            session.commit()
    engine.dispose()
    console.print(f"[green]✓[/] 数据库就绪 {settings.resolved_database_url}")
    return created


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"进程已退出 / exited early; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"等待超时 / not up after {timeout:.0f} s: {url}; see {log}")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return spawn_guarded(args, env=env, cwd=PROJECT_ROOT, log=log)


def api_server_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """uvicorn's options for the API: behind a TLS proxy, ``X-Forwarded-Proto`` and
    ``X-Forwarded-For`` are trusted from ``EIA_FORWARDED_ALLOW_IPS`` only (secure cookies,
    client addresses for the sign-in throttle)."""
    return {
        "host": host,
        "port": port,
        "log_level": "info",
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def run_up(console: Console, *, host: str, port: int, prefect_port: int) -> None:
    """Serve until SIGTERM or SIGINT, then stop everything started here (the Prefect server,
    the worker and its flow runs) within twice ``STOP_GRACE_SECONDS`` plus
    a few seconds (the worker, then the Prefect server)."""
    become_subreaper()  # flow runs orphaned by a dying worker are still ours to stop
    with stop_on_signals():
        try:
            _run_up(console, host=host, port=port, prefect_port=prefect_port)
        except Stopping:
            console.print("已停止 / stopped")


def _run_up(console: Console, *, host: str, port: int, prefect_port: int) -> None:
    settings = serving_settings(get_settings())  # before anything starts: a clear refusal
    created = prepare_database(console, settings)
    build_store(settings).check()
    logs = settings.var_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if "PREFECT_API_URL" not in os.environ:
            api_url = f"http://127.0.0.1:{prefect_port}/api"
            env |= {
                "PREFECT_HOME": str(settings.var_dir / "prefect"),
                "PREFECT_API_URL": api_url,
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            server = _spawn(
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(prefect_port),
                ],
                env,
                logs / "prefect.log",
            )
            processes.append(server)
            with console.status("启动 Prefect 服务 / starting the Prefect server…"):
                _wait_http(f"{api_url}/health", server, 120, logs / "prefect.log")
            console.print(f"[green]✓[/] Prefect 服务与界面 http://127.0.0.1:{prefect_port}")
        settings = settings.model_copy(update={"prefect_api_url": env["PREFECT_API_URL"]})
        worker_env = env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
        processes.append(
            _spawn([sys.executable, "-m", "flows.serve"], worker_env, logs / "worker.log")
        )
        console.print(f"[green]✓[/] 流程执行器已启动（日志 {logs / 'worker.log'}）")
        _print_accounts(console, created, host, port)
        uvicorn.run(create_app(settings), **api_server_options(settings, host, port))
    finally:
        with signals_ignored(), console.status("停止 / stopping…"):
            stop_processes(processes[::-1])  # the worker first: it reports to the server


def _print_accounts(console: Console, created: bool, host: str, port: int) -> None:
    console.print(
        f"\n[bold]网上办事大厅 http://{host}:{port}[/]   接口文档 http://{host}:{port}/docs"
    )
    console.print(
        "演示账号" + ("（刚刚创建）" if created else "") + f"，密码均为 [bold]{DEMO_PASSWORD}[/]："
    )
    for account in DEMO_ACCOUNTS:
        console.print(f"  {account.username:<10} {ROLE_LABELS[account.role]}")
    console.print(
        f"  {'zj01…zj48':<10} {ROLE_LABELS[Role.EXPERT]}（演示专家库，可用于远程会审抽取）"
    )
    console.print("演示全流程：另开终端运行 [bold].venv/bin/eia demo[/]\n")
