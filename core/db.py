"""Database engine and sessions (SQLite embedded default, PostgreSQL in production)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import Session, SQLModel, create_engine

from core.settings import Settings


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int = 10,
    max_overflow: int = 20,
    pool_timeout: float = 30.0,
) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a 30 s busy timeout (writers
    queue on its single write lock; the embedded default is for one bureau's light load).
    PostgreSQL gets a pool of ``pool_size`` + ``max_overflow`` connections (``EIA_DB_*``),
    each pinged before use when it sat idle (``PING_AFTER_IDLE_SECONDS``)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:  # a DB-API connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout
    )
    _ping_when_idle(engine)
    return engine


# A pooled connection is pinged before use only when it sat idle this long: a busy process
# (connections back in the pool for milliseconds) pays no extra round trip per request, and a
# connection left from before a database restart or failover is still found dead and replaced.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:  # DB-API connection, pool record
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: object) -> None:
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < PING_AFTER_IDLE_SECONDS:
            return  # new, or back in the pool a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection went away") from exc  # pool retries


def engine_for(settings: Settings) -> Engine:
    """The engine of a serving process, pool sized by the settings."""
    return make_engine(
        settings.resolved_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
    )


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose caller commits; rolled back on error, always closed."""
    session = Session(engine, expire_on_commit=False)
    failed = False
    try:
        yield session
    except BaseException:
        failed = True
        raise
    finally:
        end_session(session, failed)


def end_session(session: Session, failed: bool) -> None:
    """The end of a ``session_scope``: rolled back if ``failed``, then closed."""
    try:
        if failed:
            session.rollback()
    finally:
        # The server went away (restart, failover): closing rolls back on a dead connection,
        # which the pool discards. Raising here (after a web response was sent, for a
        # request's session) would only cut the client's keep-alive connection.
        with contextlib.suppress(OperationalError, InterfaceError):
            session.close()


def keep(session: Session, *rows: object) -> None:
    """Hold ``rows`` for the session's life. The identity map holds rows weakly: one a reader
    loaded and let go is read again by the next ``session.get``; kept, that costs no statement."""
    session.info.setdefault("kept", []).extend(row for row in rows if row is not None)


_Row = TypeVar("_Row", bound=SQLModel)
# Per table model: its fields' defaults (a factory each) and its required fields.
_DEFAULTS: dict[type[SQLModel], tuple[dict[str, Callable[[], Any]], frozenset[str]]] = {}


def _defaults_of(model: type[SQLModel]) -> tuple[dict[str, Callable[[], Any]], frozenset[str]]:
    known = _DEFAULTS.get(model)
    if known is None:
        made: dict[str, Callable[[], Any]] = {}
        required: set[str] = set()
        for name, field in model.model_fields.items():
            if field.default_factory is None and field.default is PydanticUndefined:
                required.add(name)
            else:  # as pydantic gives it: a factory's value, a copy of a mutable default
                made[name] = partial(field.get_default, call_default_factory=True)
        known = _DEFAULTS[model] = (made, frozenset(required))
    return known


def new_row(model: type[_Row], **values: Any) -> _Row:
    """A new row of a table model, made as the ORM makes a row it loads: no ``__init__``,
    whose per-field work costs more than the row's INSERT. Fields left out take their
    defaults; values are stored as given (a table model's ``__init__`` does not validate them
    either); a required field left out is an error."""
    made, required = _defaults_of(model)
    missing = required - values.keys()
    if missing:
        raise TypeError(f"{model.__name__}: missing {sorted(missing)}")
    row: _Row = manager_of_class(model).new_instance()
    row.__dict__.update({name: make() for name, make in made.items() if name not in values})
    row.__dict__.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row
