"""A fresh SQLite database copied from the schema template (``eia db-template``) is the database
the migrations make: same tables, indexes, triggers and Alembic revision; the copy is taken
only for a database that does not exist yet, and the copy needs no migration afterwards."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.db import make_engine
from core.sqlite_files import copy_database
from migrations import template
from migrations.runner import alembic_config, upgrade
from migrations.template import build_template, seed_database, template_path

_CONSTRAINTS = ("CONSTRAINT", "FOREIGN KEY", "PRIMARY KEY", "UNIQUE", "CHECK")


def _normalised(sql: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A table's columns in order and its constraints as a set: Alembic's batch mode (SQLite)
    recreates a table with its constraints in no fixed order, so two migrations of an empty
    database differ only there."""
    lines = [line.strip().rstrip(",") for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.startswith(_CONSTRAINTS))
    return tuple(line for line in lines if not line.startswith(_CONSTRAINTS)), tuple(constraints)


def _schema(path: Path) -> tuple[list[tuple[str, str, object]], list[str]]:
    """Every schema object (type, name, SQL) and the Alembic revision of a database file."""
    with sqlite3.connect(path) as conn:
        objects = [
            (kind, name, _normalised(sql))
            for kind, name, sql in conn.execute(
                "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"
            )
        ]
        revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    conn.close()
    return objects, revisions


def _migrated(path: Path) -> Path:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def test_the_template_is_the_migrated_schema_at_head(tmp_path: Path) -> None:
    template = build_template(tmp_path / "template.db")
    migrated = _migrated(tmp_path / "migrated.db")
    objects, revisions = _schema(template)
    assert len([o for o in objects if o[0] == "table"]) > 20  # not an empty file
    assert _schema(template) == _schema(migrated)
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert revisions == [head]


def test_a_fresh_database_is_a_copy_and_needs_no_migration(tmp_path: Path) -> None:
    template = build_template(tmp_path / "template.db")
    database = tmp_path / "var" / "eia.db"
    assert seed_database(database, template) is True
    assert _schema(database) == _schema(template)
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    assert [current] == _schema(template)[1]


def test_an_existing_database_is_never_replaced(tmp_path: Path) -> None:
    template = build_template(tmp_path / "template.db")
    database = tmp_path / "eia.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE kept (id INTEGER)")
    conn.close()
    assert seed_database(database, template) is False
    assert [o[1] for o in _schema_tables(database)] == ["kept"]


def test_no_template_no_copy(tmp_path: Path) -> None:
    database = tmp_path / "eia.db"
    assert seed_database(database, tmp_path / "absent.db") is False
    assert not database.exists()


def test_the_template_is_named_by_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed or an added migration names a new template (so an old one is never copied)."""
    versions = tmp_path / "versions"
    shutil.copytree(template.VERSIONS_DIR, versions)
    monkeypatch.setattr(template, "VERSIONS_DIR", versions)
    names = {template_path().name}
    script = sorted(versions.glob("*.py"))[-1]
    script.write_bytes(script.read_bytes() + b"\n# changed\n")
    names.add(template_path().name)
    (versions / "9999_added.py").write_text("# a new migration\n")
    names.add(template_path().name)
    assert len(names) == 3


def _schema_tables(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return rows


def test_a_missing_source_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    with pytest.raises(sqlite3.OperationalError):
        copy_database(tmp_path / "absent.db", target)
    assert list(tmp_path.iterdir()) == []
