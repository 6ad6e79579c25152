"""Materials staged on the apply form before the application exists (uploaded one by one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class StagedMaterial(SQLModel, table=True):
    """One checked file chosen for one material of a form draft (the form's idempotency key);
    a later file for the same material replaces it. ``released_at`` is set when the draft was
    submitted (the bytes were copied to the case) or the file was replaced or removed: from then
    on, and for every row left longer than the staging period, the cleanup sweep may delete the
    object and the row."""

    __tablename__ = "staged_material"
    __table_args__ = (Index("ix_staged_material_draft", "user_id", "draft_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    draft_key: str = Field(max_length=100)
    item_code: str = Field(max_length=20)
    material_code: str = Field(max_length=40)
    filename: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    object_key: str = Field(max_length=300)
    staged_at: datetime = Field(index=True)
    released_at: datetime | None = None
