"""Versions of the fast track's reference data changed by the administrator: the eligible
parks and the scope. The newest row of a kind is what the eligibility check reads; without
one, the packaged file (``approvals/reference/``) is."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import StrEnumType


class ReferenceKind(StrEnum):
    PARKS = "parks"  # 告知承诺制适用园区名录
    SCOPE = "commitment_scope"  # 告知承诺制适用范围（10大类27小类）


class ReferenceVersion(SQLModel, table=True):
    """One saved version of a reference document: the whole validated document, who changed
    it, when, what and why. Versions only grow; (kind, version) is unique, so two
    administrators saving at once cannot both make the same version."""

    __tablename__ = "reference_version"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: ReferenceKind = Field(sa_column=Column(StrEnumType(ReferenceKind, 20), nullable=False))
    version: int
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    change: str = Field(max_length=300)  # what changed, in Chinese
    reason: str = Field(max_length=500)  # why (the basis: a review opinion, a notice)
    changed_by: int = Field(foreign_key="app_user.id")
    changed_at: datetime
