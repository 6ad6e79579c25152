"""The database of a start: migrated, with the demo accounts and the demo expert pool."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.seed import ensure_demo_accounts
from core.db import make_engine, session_scope
from core.settings import Settings, get_settings
from migrations.template import seed_database


def _fresh_from_template(url: str) -> bool:
    """A SQLite database file not there yet gets the migrated template (if built): True."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or database in (None, "", ":memory:"):
        return False
    return seed_database(Path(database))


def prepare_database(
    console: Console, settings: Settings | None = None, *, seed_demo: bool = True
) -> bool:
    """Migrate (a fresh SQLite database is a copy of the migrated template instead, when built:
    ``migrations.template``), and seed the demo accounts and the demo expert pool, so a 远程会审
    can draw its panel on a fresh start; True when the demo accounts were created just now."""
    settings = settings or get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    fresh = _fresh_from_template(url)
    engine = make_engine(url)
    if not fresh:
        from migrations.runner import upgrade  # Alembic: imported only to migrate

        with console.status("迁移数据库 / migrating the database…"):
            upgrade(engine)
    created = False
    if seed_demo:
        with session_scope(engine) as session:
            created = ensure_demo_accounts(session)
            ensure_expert_pool(session)  # idempotent: experts changed by staff are left alone
            session.commit()
    engine.dispose()
    console.print(f"[green]✓[/] 数据库就绪 {url}")
    return created
