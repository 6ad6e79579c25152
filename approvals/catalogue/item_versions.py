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
from datetime import datetime

from sqlmodel import Session

from approvals.catalogue import Item, shared_catalogue
from approvals.errors import ItemNotAvailable
from models import Application, ItemVersion

_loaded: dict[tuple[str, int], Item] = {}


def content_sha256(item: Item) -> str:
    canonical = json.dumps(item.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    """Forget the parsed versions (tests that load edited catalogues call it)."""
    _loaded.clear()
