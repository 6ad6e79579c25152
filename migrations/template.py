"""An empty database of our schema, migrated once per set of migrations (SQLite).

A fresh ``eia up`` (the embedded mode's SQLite database) would otherwise run every Alembic
migration (27 at this writing, ~0.4 CPU-s plus importing Alembic) while the Prefect server and
the worker start on the same two cores. The migrations give the same empty database every time,
so ``eia db-template`` (run by ``scripts/bootstrap.sh``) builds it once and keeps it next to the
installed packages (``{sys.prefix}/share/eia/``), named by a digest of the migration scripts: a
new migration names a new template, and until that one is built a fresh database is migrated as
before. An existing database is always migrated (``migrations.runner.upgrade``)."""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from core.sqlite_files import copy_database

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"


def migrations_digest() -> str:
    """A digest of every migration script's name and content."""
    digest = hashlib.sha256()
    for script in sorted(VERSIONS_DIR.glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def template_path() -> Path:
    return Path(sys.prefix) / "share" / "eia" / f"schema-{migrations_digest()}-sqlite.db"


def build_template(target: Path | None = None) -> Path:
    """Migrate an empty SQLite database to head in a scratch dir and keep it as the template
    (``target``, by default ``template_path()``); returns its path."""
    from core.db import make_engine
    from migrations.runner import upgrade

    target = target or template_path()
    with tempfile.TemporaryDirectory(prefix="eia-schema-") as scratch:
        database = Path(scratch) / "eia.db"
        engine = make_engine(f"sqlite:///{database}")
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        copy_database(database, target)
    return target


def seed_database(path: Path, template: Path | None = None) -> bool:
    """Give a database file that does not exist yet a copy of the migrated template (if built);
    True if copied, then nothing is left to migrate."""
    template = template or template_path()
    if path.exists() or not template.exists():
        return False
    copy_database(template, path)
    return True
