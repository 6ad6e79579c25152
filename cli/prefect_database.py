"""The local Prefect server's SQLite database, migrated once per Prefect version.

A Prefect server on a fresh database runs all of Prefect's migrations before it answers (116
for SQLite in Prefect 3.9): about half of its start-up CPU (10.6 CPU-s against 5.3 on a
migrated database, bench/RESULTS.md). Those migrations give the same empty database every time
for one Prefect version, so it is built once, at install (``scripts/bootstrap.sh`` runs
``eia prefect-template``), kept next to the installed packages (``{sys.prefix}/share/eia/``,
gone with the virtualenv, a new file for a new Prefect), and copied into a fresh
``PREFECT_HOME`` by ``eia up``. Without the template the server migrates its database itself.

The template also holds Prefect's block types (registered once here, as the server would at
every start of a new home: ~0.6 CPU-s), so a server started on a fresh copy is told not to
migrate nor register them (``FRESH_COPY_ENV``): the copy is already what both would make for
this Prefect version. A home that existed before keeps Prefect's own checks at start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from core.sqlite_files import copy_database

DATABASE_NAME = "prefect.db"  # Prefect's default: sqlite+aiosqlite:///{PREFECT_HOME}/prefect.db
TEMPLATE_FORMAT = 2  # 2: with the block types registered
# For a server on a fresh copy of the template: nothing left to migrate or register.
FRESH_COPY_ENV = {
    "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
}
# Registers the block types as the server's start would (``add_block_types``).
_REGISTER_BLOCKS = """
import asyncio
from prefect.server.database import provide_database_interface
from prefect.server.models.block_registration import run_block_auto_registration

async def register() -> None:
    session = await provide_database_interface().session()
    async with session:
        await run_block_auto_registration(session=session)

asyncio.run(register())
"""


def template_path() -> Path:
    return (
        Path(sys.prefix)
        / "share"
        / "eia"
        / f"prefect-{version('prefect')}-sqlite-v{TEMPLATE_FORMAT}.db"
    )


def seed_prefect_home(home: Path) -> bool:
    """Give a Prefect home without a database the migrated template; True if copied."""
    template = template_path()
    if (home / DATABASE_NAME).exists() or not template.exists():
        return False
    copy_database(template, home / DATABASE_NAME)
    return True


def build_template(target: Path | None = None) -> Path:
    """Migrate an empty database with Prefect's own command (``prefect server database
    upgrade``) in a scratch home, register the block types in it, then keep it as the
    template (``target``, by default ``template_path()``); returns its path."""
    target = target or template_path()
    with tempfile.TemporaryDirectory(prefix="eia-prefect-") as scratch:
        database = Path(scratch) / DATABASE_NAME
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
            "PREFECT_HOME": scratch,
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{database}",
        }
        command = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-c", _REGISTER_BLOCKS], env=env, check=True)
        copy_database(database, target)
    return target
