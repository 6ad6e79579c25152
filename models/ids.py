"""The primary key of a row that exists: tables declare ``id: int | None`` (None until the
first flush), while every service acts on rows that were loaded or flushed."""

from __future__ import annotations

from typing import Protocol


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """``row.id``, typed as present; raises ``ValueError`` for a row never flushed (a bug)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it before using its id")
    return row.id
