"""电子证照: the identifier and metadata (GB/T 36903/36904) of every issued document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class ElectronicLicence(SQLModel, table=True):
    """Written in the transaction that records its document issued; never changed after.
    ``fields`` holds the GB/T 36903 base metadata under the standard's element names; the
    licence's current status is its document's state, read when it is shown."""

    __tablename__ = "electronic_licence"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, index=True)
    identifier: str = Field(max_length=100, unique=True, index=True)  # 电子证照标识
    type_code: str = Field(max_length=21)  # 证照类型代码
    number: str = Field(max_length=60, index=True)  # 证照编号
    version: int  # 版本号: later certificates of one licence count up
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recorded_at: datetime
