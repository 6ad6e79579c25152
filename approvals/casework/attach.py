"""Attaching a stored upload to a case: the new file of a material replaces the old one."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from approvals.uploads import CheckedUpload
from models import Application, Material, User
from models.ids import id_of


def attach_material(
    session: Session,
    at: datetime,
    actor: User,
    application: Application,
    code: str,
    upload: CheckedUpload,
    object_key: str,
) -> Material:
    """Record ``upload`` (checked, already stored at ``object_key``) as the case's material
    ``code`` uploaded at ``at`` (UTC); the material's earlier file stays, superseded."""
    for old in session.exec(
        select(Material).where(
            Material.application_id == application.id,
            Material.material_code == code,
            Material.superseded == False,  # noqa: E712
        )
    ):
        old.superseded = True
        session.add(old)
    material = Material(
        application_id=id_of(application),
        material_code=code,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        object_key=object_key,
        uploaded_at=at,
        uploaded_by=id_of(actor),
    )
    session.add(material)
    session.flush()
    return material
