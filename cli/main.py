"""The ``eia`` command."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cli.audit import audit_app
from cli.calendar import calendar_app
from cli.licences import licences_app

# The heavier commands import their modules on use, so `eia items` does not load Prefect.
app = typer.Typer(help="郑州市生态环境局 环评审批工作流服务", no_args_is_help=True)
console = Console()
app.add_typer(audit_app, name="audit")
app.add_typer(calendar_app, name="calendar")
app.add_typer(licences_app, name="licences")


@app.command()
def verify(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Check a PDF: the bureau's signature, unchanged since, and an issued document."""
    from cli.verify import verify_file

    if not verify_file(path):
        raise typer.Exit(1)


class OutputFormat(StrEnum):
    JSON = "json"
    TABLE = "table"


@app.command()
def items(fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f")) -> None:
    """List the 53 catalogue items with their process kind and limits."""
    from approvals.catalogue import load_catalogue

    catalogue = load_catalogue()
    rows = [
        {
            "code": i.code,
            "name": i.name_zh,
            "name_en": i.name_en,
            "category": i.category,
            "status": i.status.value,
            "process_kind": i.process_kind.value,
            "statutory_days": i.statutory.days,
            "statutory_unit": i.statutory.unit.value,
            "promised_days": i.promised.days,
            "promised_unit": i.promised.unit.value,
            "version": i.version,
        }
        for i in catalogue.items
    ]
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"事项目录（{len(rows)}项）")
    for column in ("编码", "名称", "类型", "流程", "法定时限", "承诺时限", "状态"):
        table.add_column(column)
    unit = {"working": "个工作日", "calendar": "日"}
    for r in rows:
        table.add_row(
            r["code"],
            r["name"],
            r["category"],
            r["process_kind"],
            "—"
            if r["statutory_days"] is None
            else f"{r['statutory_days']}{unit[r['statutory_unit']]}",
            "—"
            if r["promised_days"] is None
            else f"{r['promised_days']}{unit[r['promised_unit']]}",
            r["status"],
        )
    console.print(table)


@app.command()
def migrate(
    demo_accounts: bool = typer.Option(False, help="also create the demo accounts"),
) -> None:
    """Apply the database migrations to EIA_DATABASE_URL (production: no demo accounts)."""
    from cli.database import prepare_database

    prepare_database(console, seed_demo=demo_accounts)


@app.command()
def up(
    host: str = typer.Option("127.0.0.1", help="API and pages host"),
    port: int = typer.Option(8000, help="API and pages port"),
    prefect_port: int = typer.Option(4200, help="local Prefect server port"),
    demo_data: int = typer.Option(
        0, help="first replay this many 2021 applications (eia simulate) for the auditor pages"
    ),
) -> None:
    """Start everything on the embedded defaults: the local Prefect server and its UI, a
    worker serving the flows, and the API with pages. Ctrl-C stops all of it."""
    from core.serving import InsecureSettings, serving_settings
    from core.settings import get_settings

    try:  # before the heavy imports: a misconfigured start fails at once
        serving_settings(get_settings())
    except InsecureSettings as exc:
        typer.echo(f"拒绝启动 / refusing to start: {exc}", err=True)
        raise typer.Exit(2) from None
    from cli.up import run_up

    if demo_data:
        from cli.simulate import SimulationError, run_simulate

        try:
            run_simulate(console, year=2021, applications=demo_data, seed=1, database_url=None)
        except SimulationError as exc:  # already replayed into this database: keep it
            console.print(f"演示数据未重复生成 / demo data kept: {exc}")
    run_up(console, host=host, port=port, prefect_port=prefect_port)


def _build_once(label: str, path: Path, build: Callable[[], Path], force: bool) -> None:
    if path.exists() and not force:
        console.print(f"{label}已存在 / already built: {path}")
        return
    console.print(f"[green]✓[/] {label} / built: {build()}")


@app.command(name="db-template")
def db_template(
    force: bool = typer.Option(False, help="build it again even if it is there"),
) -> None:
    """Migrate an empty SQLite database once for the current migrations: `eia up` copies it
    into a fresh data dir instead of running every migration at a first start."""
    from migrations.template import build_template, template_path

    _build_once("数据库模板", template_path(), build_template, force)


@app.command(name="prefect-template")
def prefect_template(
    force: bool = typer.Option(False, help="build it again even if it is there"),
) -> None:
    """Migrate an empty Prefect database once for the installed Prefect version: `eia up`
    copies it into a fresh data dir instead of migrating at every first start."""
    from cli.prefect_database import build_template, template_path

    _build_once("Prefect 数据库模板", template_path(), build_template, force)


@app.command()
def demo(
    base_url: str = typer.Option("http://127.0.0.1:8000", help="a running instance (eia up)"),
    timeout: float = typer.Option(180.0, help="seconds to wait for each automated stage"),
) -> None:
    """Drive one report-book application through every step against a running instance."""
    from cli.demo import run_demo

    run_demo(console, base_url.rstrip("/"), timeout)


@app.command()
def worker() -> None:
    """Serve the Prefect deployments (needs PREFECT_API_URL)."""
    from core.serving import InsecureSettings, serving_settings
    from core.settings import get_settings
    from documents.signing_keys import SigningNotConfigured, signing_files

    try:  # before importing Prefect: a misconfigured start fails at once
        signing_files(serving_settings(get_settings(), signs_tokens=False))
    except (InsecureSettings, SigningNotConfigured) as exc:
        typer.echo(f"拒绝启动 / refusing to start: {exc}", err=True)
        raise typer.Exit(2) from None
    from flows.serve import main

    main()


@app.command()
def simulate(
    year: int = typer.Option(..., help="the year to replay, e.g. 2021"),
    applications: int = typer.Option(..., min=1, help="how many applications arrive that year"),
    seed: int = typer.Option(1, help="the same seed gives the same plan"),
    database_url: str = typer.Option("", help="default: EIA_DATABASE_URL or var/eia.db"),
) -> None:
    """Replay a year's workload through the real services on a moved clock (holidays, corrections,
    expert reviews, late staff), with every document rendered and every mail relayed."""
    from approvals.errors import DomainError
    from cli.simulate import SimulationError, run_simulate

    try:
        run_simulate(
            console, year=year, applications=applications, seed=seed, database_url=database_url
        )
    except DomainError as exc:
        typer.echo(f"错误：{exc.message_zh}\nError: {exc.message_en}", err=True)
        raise typer.Exit(2) from None
    except SimulationError as exc:
        typer.echo(f"模拟失败 / simulation failed: {exc}", err=True)
        raise typer.Exit(1) from None


if __name__ == "__main__":
    app()
