"""Gapless serial numbers: 办件编号 per day, 发文字号 (代字〔YYYY〕N号) per series and year.

The counter row is made or incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
inside the caller's transaction: PostgreSQL holds the row lock until commit, SQLite holds the
database write lock, so concurrent callers queue, and a rolled-back transaction gives its
number back (no gaps).
"""

from __future__ import annotations

from sqlalchemy import Executable, bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from models import SerialCounter

# Built once per dialect with bound parameters: building the statement and its cache key per
# call cost more CPU than the upsert's round trip (see approvals.casework.queries).
_VALUES = {"scope": bindparam("scope"), "period": bindparam("period"), "last_value": 1}
_BUMP = {"last_value": col(SerialCounter.last_value) + 1}
_UPSERTS: dict[str, Executable] = {
    "postgresql": pg_insert(SerialCounter)
    .values(_VALUES)
    .on_conflict_do_update(index_elements=["scope", "period"], set_=_BUMP)
    .returning(col(SerialCounter.last_value)),
    "sqlite": sqlite_insert(SerialCounter)
    .values(_VALUES)
    .on_conflict_do_update(index_elements=["scope", "period"], set_=_BUMP)
    .returning(col(SerialCounter.last_value)),
}


def next_serial(session: Session, scope: str, period: int) -> int:
    """The next number in ``scope``/``period``, starting at 1: one upsert that takes the
    counter's row lock (numbers stay gapless and unique under concurrent transactions)."""
    dialect = session.get_bind().dialect.name
    upsert = _UPSERTS["postgresql" if dialect == "postgresql" else "sqlite"]
    result = session.connection().execute(upsert, {"scope": scope, "period": period})
    return int(result.scalar_one())


def document_number(series: str, year: int, serial: int) -> str:
    """GB/T 9704 发文字号: 代字〔年份〕序号号, no leading zeros, no 第."""
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return f"{series}〔{year}〕{serial}号"
