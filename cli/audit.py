"""``eia audit verify``: check the tamper-evident audit chain."""

from __future__ import annotations

import typer
from rich.console import Console

from approvals.audit import verify_chain
from core.db import make_engine, session_scope
from core.settings import get_settings

audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)


@audit_app.command()
def verify(
    database_url: str = typer.Option("", help="default: EIA_DATABASE_URL / the embedded SQLite"),
) -> None:
    """Recompute every event's hash and link; exit 1 naming the first broken event."""
    console = Console()
    engine = make_engine(database_url or get_settings().resolved_database_url)
    with session_scope(engine) as session:
        checked, broken = verify_chain(session)
    engine.dispose()
    if broken is None:
        console.print(
            f"[green]✓[/] 审计链完整：{checked} 条事件 / audit chain intact ({checked} events)"
        )
        return
    console.print(
        f"[red]✗[/] 审计链在事件 #{broken.id} 处断开（办件 {broken.application_id}，"
        f"动作 {broken.action}，时间 {broken.at.isoformat()}）：该事件或其前一事件被改动 / "
        f"the chain breaks at event #{broken.id}"
    )
    raise typer.Exit(1)
