"""The item-version check's per-process cache trusts only versions it saw committed: a row
written in a transaction (or savepoint) that rolls back is written again next time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import item_versions, shared_catalogue
from models import ItemVersion
from tests.fixtures_db import wipe

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _rows(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(ItemVersion)).all())


def test_a_rolled_back_version_is_not_trusted(engine: Engine) -> None:
    item = shared_catalogue().get("EIA-02")
    with Session(engine) as session:
        item_versions.note_version(session, item, AT)
        session.rollback()
        session.commit()  # the same session goes on: nothing of the rolled-back one is kept
    assert _rows(engine) == 0
    with Session(engine) as session:
        item_versions.note_version(session, item, AT)
        session.commit()
    assert _rows(engine) == 1


def test_a_released_savepoint_whose_transaction_rolls_back_is_not_trusted(
    postgres_engine: Engine,
) -> None:
    """On PostgreSQL (pysqlite's SAVEPOINT does not nest the way the session needs)."""
    wipe(postgres_engine)
    item = shared_catalogue().get("EIA-02")
    with Session(postgres_engine) as session:
        outer = session.begin()
        savepoint = session.begin_nested()
        item_versions.note_version(session, item, AT)
        savepoint.commit()  # released, but the transaction around it rolls back
        outer.rollback()
    assert _rows(postgres_engine) == 0
    with Session(postgres_engine) as session:
        item_versions.note_version(session, item, AT)  # not trusted: written again
        session.commit()
    assert _rows(postgres_engine) == 1


def test_a_committed_version_costs_no_statement_and_a_wipe_forgets_it(engine: Engine) -> None:
    item = shared_catalogue().get("EIA-02")
    with Session(engine) as session:
        item_versions.note_version(session, item, AT)
        session.commit()
    with Session(engine) as session:
        session.exec(ItemVersion.__table__.delete())  # type: ignore[attr-defined,call-overload]
        item_versions.note_version(session, item, AT)  # trusted: no read, no insert
        session.commit()
    assert _rows(engine) == 0
    item_versions.clear_cache()
    with Session(engine) as session:
        item_versions.note_version(session, item, AT)
        session.commit()
    assert _rows(engine) == 1
