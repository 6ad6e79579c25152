"""The database of a start: migrated, with the demo accounts and the demo expert pool."""

from __future__ import annotations

from rich.console import Console

from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.seed import ensure_demo_accounts
from core.db import make_engine, session_scope
from core.settings import Settings, get_settings
from migrations.runner import upgrade


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
