"""The baseline of ``bench/api_vs_bare.py``: a bare FastAPI + SQLModel app on the same
PostgreSQL (``BARE_DATABASE_URL``), shaped like the tutorial — a table, a read by id, a create
— with sync endpoints and a session per request, as the API has; no auth, no audit.

    BARE_DATABASE_URL=postgresql+psycopg://... uvicorn bench.bare_app:app
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Field, Session, SQLModel, create_engine


class BareItem(SQLModel, table=True):
    __tablename__ = "bare_item"
    id: int | None = Field(default=None, primary_key=True)
    item_code: str
    project_name: str
    site: str
    district: str
    industry_code: str
    total_investment: Decimal
    env_investment: Decimal
    consultant: str
    status: str = "draft"
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class BareItemCreate(SQLModel):
    item_code: str
    project_name: str
    site: str
    district: str
    industry_code: str
    total_investment: Decimal
    env_investment: Decimal
    consultant: str


engine = create_engine(
    os.environ["BARE_DATABASE_URL"], pool_size=10, max_overflow=10, pool_pre_ping=False
)
SQLModel.metadata.create_all(engine, tables=[BareItem.__table__])  # type: ignore[attr-defined]
app = FastAPI()


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@app.get("/items/{item_id}", response_model=BareItem)
def read_item(item_id: int, session: SessionDep) -> BareItem:
    item = session.get(BareItem, item_id)
    if item is None:
        raise HTTPException(404)
    return item


@app.post("/items", response_model=BareItem, status_code=201)
def create_item(body: BareItemCreate, session: SessionDep) -> BareItem:
    item = BareItem.model_validate(body)
    session.add(item)
    session.commit()
    session.refresh(item)
    return item
