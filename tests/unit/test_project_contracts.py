"""Contracts of the project itself: settings documented, migrations match the models, CLI."""

from __future__ import annotations

import json
import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from typer.testing import CliRunner

from cli.main import app
from core.settings import PROJECT_ROOT, Settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    documented = set(re.findall(r"`(EIA_[A-Z0-9_]+)`", readme))
    declared = {f"EIA_{name.upper()}" for name in Settings.model_fields}
    assert declared - documented == set(), "settings missing from README"
    test_only = {"EIA_TEST_PG_URL", "EIA_PARENT_PID"}  # set by the processes themselves
    assert documented - declared - test_only == set(), "README documents unknown settings"


def test_migrations_create_exactly_the_schema_the_models_declare(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrations_match_the_models_on_postgres(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_eia_items_lists_all_53_with_kind_and_limits_as_json() -> None:
    result = CliRunner().invoke(app, ["items", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 53
    eia01 = next(r for r in rows if r["code"] == "EIA-01")
    assert eia01["process_kind"] == "standard"
    assert (eia01["statutory_days"], eia01["statutory_unit"], eia01["promised_days"]) == (
        60,
        "working",
        15,
    )
    assert {"code", "name", "process_kind", "statutory_days", "promised_days"} <= set(rows[0])
