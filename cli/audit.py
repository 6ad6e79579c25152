"""``eia audit verify``: check the tamper-evident audit chain and its signed checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

from core.settings import Settings, get_settings

if TYPE_CHECKING:
    from approvals.audit_anchor_check import AnchorReport

audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)


@audit_app.command()
def verify(
    database_url: str = typer.Option("", help="default: EIA_DATABASE_URL / the embedded SQLite"),
) -> None:
    """Recompute every event's hash and link, check every signed checkpoint (the object
    store's copies, signed with the bureau's key) against the recomputed chain; exit 1
    naming the first mismatch and its event."""
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    if not verify_audit(settings, Console()):
        raise typer.Exit(1)


def verify_audit(settings: Settings, console: Console) -> bool:
    """Print the outcome in Chinese; True when the chain and every checkpoint agree."""
    # Imported on use: every ``eia`` command loads this module (``eia up`` among them).
    from core.db import make_engine
    from documents.signing_keys import SigningNotConfigured
    from flows.anchoring import verify_with_checkpoints
    from storage import build_store

    engine = make_engine(settings.resolved_database_url)
    try:
        report = verify_with_checkpoints(engine, build_store(settings), settings)
    except SigningNotConfigured as exc:
        console.print(f"[red]✗[/] 无法校验检查点签名：{exc}")
        return False
    finally:
        engine.dispose()
    for line in report_lines(report):
        console.print(line)
    return report.ok


def report_lines(report: AnchorReport) -> list[str]:
    broken = report.broken
    if broken is not None:
        return [
            f"[red]✗[/] 审计链在事件 #{broken.id} 处断开（办件 {broken.application_id}，"
            f"动作 {broken.action}，时间 {broken.at.isoformat()}）：该事件或其前一事件被改动"
        ]
    if report.problem:
        where = f"事件 #{report.event_id}：" if report.event_id is not None else ""
        return [f"[red]✗[/] {where}{report.problem}"]
    lines = [
        f"[green]✓[/] 审计链完整：{report.events} 条事件；{report.checkpoints} 个签名检查点"
        "与重算的审计链一致"
    ]
    if report.uncovered:
        lines.append(f"  最后一个检查点之后的 {report.uncovered} 条事件待下一个检查点固定")
    if report.pending:
        lines.append(f"  {report.pending} 个检查点待签名（下一次清扫时签名存证）")
    if report.events and not report.checkpoints:
        lines.append("[yellow]![/] 尚无签名检查点：整条审计链可被改写而不被发现")
    return lines
