"""The Prefect database template (``eia prefect-template``) holds what a Prefect server's start
would add to a fresh database, so a server on a fresh copy is told to skip both: the database
at Prefect's head revision and every block type and schema the server would register."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from prefect.blocks.core import Block
from prefect.plugins import load_prefect_collections
from prefect.server.models.block_registration import _load_collection_blocks_data
from prefect.settings import Settings
from prefect.utilities.dispatch import get_registry_for_type

from cli.prefect_database import FRESH_COPY_ENV, build_template


def _registered_slugs() -> set[str]:
    """The block types a server's start registers: Prefect's block classes and the
    collections' block types (``run_block_auto_registration``)."""
    load_prefect_collections()
    slugs = {cls.get_block_type_slug() for cls in (get_registry_for_type(Block) or {}).values()}
    collections = asyncio.run(_load_collection_blocks_data())
    for collection in collections["collections"].values():
        slugs |= set(collection["block_types"])
    return slugs


def test_the_template_is_migrated_and_has_the_block_types(tmp_path: Path) -> None:
    template = build_template(tmp_path / "prefect.db")
    with sqlite3.connect(template) as conn:
        revisions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        slugs = {row[0] for row in conn.execute("SELECT slug FROM block_type")}
        schemas = conn.execute("SELECT count(*) FROM block_schema").fetchone()[0]
    conn.close()
    assert len(revisions) == 1
    assert slugs == _registered_slugs()
    assert {"secret", "local-file-system", "webhook"} <= slugs  # the protected system blocks
    assert schemas >= len(slugs)


def test_a_server_on_a_fresh_copy_is_told_to_skip_both(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FRESH_COPY_ENV.items():
        monkeypatch.setenv(name, value)
    settings = Settings()  # read from the environment, as the server's process does
    assert settings.server.database.migrate_on_start is False
    assert settings.server.register_blocks_on_start is False
