"""Gapless serial numbers: 办件编号 per day, 发文字号 (代字〔YYYY〕N号) per series and year.

The counter row is made or incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
inside the caller's transaction: PostgreSQL holds the row lock until commit, SQLite holds the
database write lock, so concurrent callers queue, and a rolled-back transaction gives its
number back (no gaps).
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from models import SerialCounter


def next_serial(session: Session, scope: str, period: int) -> int:
    """The next number in ``scope``/``period``, starting at 1: one upsert that takes the
    counter's row lock (numbers stay gapless and unique under concurrent transactions)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    counter = insert(SerialCounter).values(scope=scope, period=period, last_value=1)
    result = session.execute(
        counter.on_conflict_do_update(
            index_elements=["scope", "period"],
            set_={"last_value": col(SerialCounter.last_value) + 1},
        ).returning(col(SerialCounter.last_value))
    )
    return int(result.scalar_one())


def document_number(series: str, year: int, serial: int) -> str:
    """GB/T 9704 发文字号: 代字〔年份〕序号号, no leading zeros, no 第."""
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return f"{series}〔{year}〕{serial}号"
