"""Databases for the tests: SQLite and a real PostgreSQL, each migrated once per session.

PostgreSQL is expected on 127.0.0.1:5432 with trust auth (``EIA_TEST_PG_URL`` overrides the
server URL). When it is not there, the tests fail with a hint; they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import models  # noqa: F401 - tables on the metadata
from approvals.catalogue import item_versions
from core.db import make_engine
from migrations.runner import upgrade

PG_SERVER_URL = os.environ.get("EIA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_HINT = (
    "PostgreSQL is not reachable at {url} ({error}). Start it with "
    "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' "
    "or point EIA_TEST_PG_URL at a server with trust auth."
)


def _admin_engine() -> Engine:
    return create_engine(f"{PG_SERVER_URL}/postgres", isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server for this test session, dropped at the end."""
    name = f"eia_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # connection refused, auth failure: fail with the hint
        pytest.fail(PG_HINT.format(url=PG_SERVER_URL, error=exc), pytrace=False)
    yield f"{PG_SERVER_URL}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("sqlite") / "eia.db"
    engine = _migrated(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = _migrated(postgres_url)
    yield engine
    engine.dispose()


def wipe(engine: Engine) -> None:
    """Empty every table (children first) so the next test starts clean; the process forgets
    the item versions it knew committed there."""
    item_versions.clear_cache()
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Each test that uses the database runs on SQLite and on PostgreSQL."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    wipe(engine)
    yield engine
