"""One compare-and-set write of a case: the row changes only if its version (and status) are
still the ones the caller read, and the loaded object takes the written values without reading
the row back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from approvals.errors import ConcurrentUpdate
from models import Application, Status
from models.ids import id_of


def update_versioned(
    session: Session,
    application: Application,
    expected_version: int | None,
    status: Status,
    values: dict[str, Any],
    refused: ConcurrentUpdate,
) -> None:
    """Write ``values`` and the next version where the case is still at ``expected_version``
    (the loaded one unless given) and in ``status``; ``refused`` is raised otherwise and
    nothing is written. Where the caller's version is the loaded one, nothing else of the row
    can have changed since it was read, so the object is brought up to date in memory."""
    loaded = application.version
    version = loaded if expected_version is None else expected_version
    result = session.execute(
        update(Application)
        .where(
            col(Application.id) == id_of(application),
            col(Application.version) == version,
            col(Application.status) == status,
        )
        .values(version=version + 1, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE/DELETE returns a CursorResult
        raise refused
    if version != loaded:
        session.refresh(application)
        return
    for name, value in {**values, "version": version + 1}.items():
        set_committed_value(application, name, value)
