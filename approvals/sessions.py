"""Sign-in sessions: opened at sign-in, looked up on every request, revoked on logout and on a
password change, a role change or a disabled account.

A token only names its session (``UserSession.id``); whether the sign-in still holds is the
row's to say. The lookup is one primary-key read joined to the user (``find_active``), and a
short in-process cache sits in front of it (``SessionCache``; the setting
``session_cache_seconds``, 0 turns it off): a steady client costs no statement for its
sign-in. What that means for security, within the TTL:

* on the process that revokes a session (logout, password change, role change, an account
  disabled or retired — every ``revoke``/``revoke_all``) or changes a user row through the
  ORM, the entry is dropped at once (again after the commit, and a lookup that raced the
  change is not kept);
* on the other API processes, the revoked session or the changed user (role, branch,
  enterprise admin, disabled) is honoured until their entry ages out: at most the TTL;
* expiry (``expires_at``) is checked on every request against the cached row.

``last_seen_at`` is refreshed at most every ``TOUCH_INTERVAL``, so steady use costs no write
per request.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import event, inspect, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import Session, SQLModel, col, select

from models import User, UserSession

TOUCH_INTERVAL = timedelta(minutes=5)
_Row = TypeVar("_Row", bound=SQLModel)


@dataclass(frozen=True)
class ClientInfo:
    """Who signed in from where: kept on the session row for the user's and auditors' sake."""

    user_agent: str = ""
    address: str = ""


def open_session(
    session: Session, user: User, *, now: datetime, ttl: timedelta, client: ClientInfo
) -> UserSession:
    """A new session row for ``user`` (flushes; the caller commits)."""
    assert user.id is not None
    row = UserSession(
        id=secrets.token_urlsafe(24),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + ttl,
        user_agent=client.user_agent[:200],
        client_address=client.address[:64],
    )
    session.add(row)
    session.flush()
    return row


def _columns(row: SQLModel) -> dict[str, Any]:
    return {a.key: getattr(row, a.key) for a in inspect(type(row)).column_attrs}


def _detached(model: type[_Row], values: dict[str, Any]) -> _Row:
    """A fresh detached row from cached column values: each request gets its own object
    (requests may ``session.add`` their user), no two share one. Made as the ORM makes a row
    it loads (no ``__init__``, whose validation costs more than the rest of a cache hit)."""
    row: _Row = manager_of_class(model).new_instance()
    row.__dict__.update(values)
    make_transient_to_detached(row)
    return row


class SessionCache:
    """Live sessions and their users, by session id, for ``ttl`` seconds (monotonic clock).
    Holds column values, not ORM objects. Thread-safe; one per process (``CACHE``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, Any], dict[str, Any]]] = {}
        self._generation = 0  # bumped by every drop: a lookup begun before it is not kept

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, session_id: str) -> tuple[UserSession, User] | None:
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[session_id]
                return None
            _, session_row, user_row = entry
        return _detached(UserSession, session_row), _detached(User, user_row)

    def put(self, found: tuple[UserSession, User], ttl: float, generation: int) -> None:
        """Keep ``found`` for ``ttl`` seconds, unless something was dropped since the lookup
        that found it began (``generation``): it may have read a row about to change."""
        user_session, user = found
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) > 10_000:  # bounded: ages out anyway, drop the lot
                self._entries.clear()
            entry = (self._clock() + ttl, _columns(user_session), _columns(user))
            self._entries[user_session.id] = entry

    def touched(self, session_id: str, now: datetime) -> None:
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is not None:
                entry[1]["last_seen_at"] = now

    def drop(self, session_ids: Iterable[str] = (), user_ids: Iterable[int] = ()) -> None:
        sessions, users = set(session_ids), set(user_ids)
        with self._lock:
            self._generation += 1
            for key, (_, session_row, _) in list(self._entries.items()):
                if key in sessions or session_row["user_id"] in users:
                    del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()


CACHE = SessionCache()
_PENDING = "sessions_to_drop"  # Session.info key: (session ids, user ids) to drop after commit


def _drop_now_and_after_commit(
    session: OrmSession, session_ids: Iterable[str] = (), user_ids: Iterable[int] = ()
) -> None:
    """Drop cache entries now, and again once the change is committed (a lookup on another
    thread may have read the rows before the commit)."""
    sessions, users = set(session_ids), set(user_ids)
    CACHE.drop(sessions, users)
    pending = session.info.setdefault(_PENDING, (set(), set()))
    pending[0].update(sessions)
    pending[1].update(users)


@event.listens_for(OrmSession, "after_commit")
def _drop_committed(session: OrmSession) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        CACHE.drop(*pending)


@event.listens_for(OrmSession, "after_rollback")
def _forget_rolled_back(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(User, "after_update")
@event.listens_for(User, "after_delete")
def _user_changed(mapper: Mapper[User], connection: Connection, user: User) -> None:
    """A user row changed through the ORM (role, branch, active, …): its sessions' cached
    entries go, on this process at once."""
    session = OrmSession.object_session(user)
    if session is not None and user.id is not None:
        _drop_now_and_after_commit(session, user_ids=[user.id])


def find_active(
    session: Session, session_id: str, now: datetime, cache_seconds: float = 0.0
) -> tuple[UserSession, User] | None:
    """The session and its user when the session is neither revoked nor expired and the user
    is active; None otherwise. One indexed read (primary key, joined to the user), or none
    when the pair is in the cache (``cache_seconds`` > 0; see the module's docstring). The
    rows returned are detached from ``session`` when they come from the cache."""
    cached = CACHE.get(session_id) if cache_seconds > 0 else None
    if cached is not None:
        return cached if cached[0].expires_at > now else None
    generation = CACHE.generation
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(UserSession.id == session_id)
    ).first()
    if row is None:
        return None
    user_session, user = row
    if user_session.revoked_at is not None or user_session.expires_at <= now:
        return None
    if not user.is_active:
        return None
    if cache_seconds > 0:
        CACHE.put((user_session, user), cache_seconds, generation)
    return user_session, user


def find_cached(
    session_id: str, now: datetime, cache_seconds: float
) -> tuple[UserSession, User] | None:
    """``find_active``'s answer when the cache holds the session and it has not expired (no
    statement, no ``Session`` needed); None otherwise (``find_active`` decides)."""
    cached = CACHE.get(session_id) if cache_seconds > 0 else None
    return cached if cached is not None and cached[0].expires_at > now else None


def needs_touch(user_session: UserSession, now: datetime) -> bool:
    return now - user_session.last_seen_at >= TOUCH_INTERVAL


def touch(connection: Connection, session_id: str, now: datetime) -> None:
    """Record that the session was used (on a connection of its own: a read-only request
    never commits its session)."""
    connection.execute(
        update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=now)
    )
    CACHE.touched(session_id, now)


def revoke(session: Session, session_id: str, now: datetime, reason: str) -> bool:
    """End one session; False when it was already ended (flushes; the caller commits). Its
    cache entry goes at once and again after the commit."""
    _drop_now_and_after_commit(session, session_ids=[session_id])
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.id) == session_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult


def revoke_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of a user; how many were open (flushes; the caller commits).
    Their cache entries go at once and again after the commit."""
    _drop_now_and_after_commit(session, user_ids=[user_id])
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult
