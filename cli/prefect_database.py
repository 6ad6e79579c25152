"""The local Prefect server's SQLite database, migrated once per Prefect version.

A Prefect server on a fresh database runs all of Prefect's migrations before it answers (116
for SQLite in Prefect 3.9): about half of its start-up CPU (10.6 CPU-s against 5.3 on a
migrated database, bench/RESULTS.md). Those migrations give the same empty database every time
for one Prefect version, so it is built once, at install (``scripts/bootstrap.sh`` runs
``eia prefect-template``), kept next to the installed packages (``{sys.prefix}/share/eia/``,
gone with the virtualenv, a new file for a new Prefect), and copied into a fresh
``PREFECT_HOME`` by ``eia up``. Without the template the server migrates its database itself.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

DATABASE_NAME = "prefect.db"  # Prefect's default: sqlite+aiosqlite:///{PREFECT_HOME}/prefect.db


def template_path() -> Path:
    return Path(sys.prefix) / "share" / "eia" / f"prefect-{version('prefect')}-sqlite.db"


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, renamed into place (never half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    src, dst = sqlite3.connect(source), sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def seed_prefect_home(home: Path) -> bool:
    """Give a Prefect home without a database the migrated template; True if copied."""
    template = template_path()
    if (home / DATABASE_NAME).exists() or not template.exists():
        return False
    _copy(template, home / DATABASE_NAME)
    return True


def build_template() -> Path:
    """Migrate an empty database with Prefect's own command (``prefect server database
    upgrade``) in a scratch home, then keep it as the template; returns its path."""
    target = template_path()
    with tempfile.TemporaryDirectory(prefix="eia-prefect-") as scratch:
        database = Path(scratch) / DATABASE_NAME
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
            "PREFECT_HOME": scratch,
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{database}",
        }
        command = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        _copy(database, target)
    return target
