"""Catalogue versions: each application keeps the item as it was when it was made.

The first application under an item version stores that version's content (ItemVersion);
every rule applied to a case afterwards (materials, limits, clock stops, documents) is read
from that snapshot, so a changed item file never changes a case in flight. Changing an item
means raising its ``version``; editing a version already in use is refused. Staff publish a
version once all its facts are verified (``approvals.casework.fact_checks.publish``, which
records the snapshot here too); the public guide states only verified facts either way.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from datetime import datetime

from sqlalchemy import Engine, event
from sqlmodel import Session

from approvals.catalogue import Item, shared_catalogue
from approvals.errors import ItemNotAvailable
from models import Application, ItemVersion

_loaded: dict[tuple[str, int], Item] = {}
# Each item object's digest (items are frozen; the object is held so its id is not reused).
_digests: dict[int, tuple[Item, str]] = {}
# Per database (engine): the (code, version, sha256) rows known committed. A row joins only
# once the transaction that read or wrote it has committed (``_PENDING`` in the session's
# info until then; any rollback, even a savepoint's, drops it), so a row that is rolled back
# is never trusted. Whoever deletes these rows under a running process calls clear_cache().
_committed: weakref.WeakKeyDictionary[Engine, set[tuple[str, int, str]]] = (
    weakref.WeakKeyDictionary()
)
_PENDING = "item_versions_pending"
VersionKey = tuple[str, int, str]


def content_sha256(item: Item) -> str:
    known = _digests.get(id(item))
    if known is not None and known[0] is item:
        return known[1]
    canonical = json.dumps(item.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    sha = hashlib.sha256(canonical.encode()).hexdigest()
    _digests[id(item)] = (item, sha)
    return sha


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def note_version(session: Session, item: Item, at: datetime) -> None:
    """``record_version`` for callers that need no row: no statement once this process has
    seen the version committed in this database."""
    key = (item.code, item.version, content_sha256(item))
    if key in _committed.get(_engine_of(session), ()):
        return
    record_version(session, item, at)


@event.listens_for(Session, "after_commit")
def _trust_committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer one may roll back
        return
    pending: dict[Engine, set[VersionKey]] | None = session.info.pop(_PENDING, None)
    for engine, keys in (pending or {}).items():
        _committed.setdefault(engine, set()).update(keys)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def record_version(session: Session, item: Item, at: datetime) -> ItemVersion:
    """Store the item's content under its version unless stored; refuse a silent edit."""
    sha = content_sha256(item)
    row = session.get(ItemVersion, (item.code, item.version))
    if row is None:
        row = ItemVersion(
            code=item.code,
            version=item.version,
            sha256=sha,
            content=item.model_dump(mode="json"),
            first_used_at=at,
        )
        session.add(row)
        session.flush()
    elif row.sha256 != sha:
        raise ItemNotAvailable(
            f"事项{item.code}第{item.version}版的内容已被修改但版本号未更新，请管理员提升版本号",
            f"item {item.code} version {item.version} changed without a new version number",
        )
    pending = session.info.setdefault(_PENDING, {})
    pending.setdefault(_engine_of(session), set()).add((item.code, item.version, sha))
    return row


def item_of(session: Session, application: Application) -> Item:
    """The item version this application was made under (its stored snapshot; for rows made
    before snapshots existed, the packaged item when its version is the same)."""
    key = (application.item_code, application.item_version)
    if key in _loaded:
        return _loaded[key]
    row = session.get(ItemVersion, key)
    if row is not None:
        _loaded[key] = Item.model_validate(row.content)
        return _loaded[key]
    current = shared_catalogue().get(application.item_code)
    if current.version != application.item_version:
        raise LookupError(f"no stored version {key} for application {application.id}")
    return current


def clear_cache() -> None:
    """Forget the parsed versions and the versions known committed (tests that load edited
    catalogues or empty the database call it)."""
    _loaded.clear()
    _digests.clear()
    _committed.clear()
