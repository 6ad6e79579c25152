"""The API and pages served in the ``eia up`` process (uvicorn, one process)."""

from __future__ import annotations

from typing import Any

import uvicorn
from rich.console import Console

from api.app import create_app
from approvals.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.settings import Settings
from models.enums import ROLE_LABELS, Role


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


def serve_api(settings: Settings, host: str, port: int) -> None:
    """Serve until uvicorn stops (a signal)."""
    uvicorn.run(create_app(settings), **api_server_options(settings, host, port))


def print_accounts(console: Console, created: bool, host: str, port: int) -> None:
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
