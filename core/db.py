"""Database engine and sessions (SQLite embedded default, PostgreSQL in production)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlmodel import Session, create_engine

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
