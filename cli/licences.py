"""``eia licences check``: recompute every electronic-licence identifier from its metadata."""

from __future__ import annotations

import typer
from rich.console import Console

from core.settings import get_settings

licences_app = typer.Typer(help="电子证照 / electronic licences", no_args_is_help=True)


@licences_app.command()
def check(
    database_url: str = typer.Option("", help="default: EIA_DATABASE_URL / the embedded SQLite"),
) -> None:
    """Recompute each stored identifier (check character and serial) from its stored metadata;
    exit 1 naming every licence whose identifier does not match."""
    # Imported on use: every ``eia`` command loads this module (``eia up`` among them).
    from sqlmodel import Session

    from approvals.licences.elicence.records import problems_of_all
    from core.db import make_engine

    settings = get_settings()
    engine = make_engine(database_url or settings.resolved_database_url)
    try:
        with Session(engine) as session:
            count, problems = problems_of_all(session)
    finally:
        engine.dispose()
    console = Console()
    for identifier, problem in problems:
        console.print(f"[red]✗[/] {identifier}：{problem}")
    if problems:
        raise typer.Exit(1)
    console.print(f"[green]✓[/] {count} 个电子证照标识均与其元数据一致")
