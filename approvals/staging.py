"""Materials staged on the apply form: each file checked and kept as it arrives, attached to
the form's draft (its idempotency key), so an error elsewhere on the form never discards it.

Services flush, callers commit. Bytes are stored by the caller before the row is written (no
row without bytes); a submitted draft's files are copied to the case's own keys and the staged
rows released; the cleanup (``discardable``/``forget``) deletes released rows and rows older
than the staging period, and their objects when no live row shares them.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, select

from approvals.catalogue.schema import Item, MaterialSpec
from approvals.errors import InvalidInput, UploadRejected
from approvals.uploads import CheckedUpload
from models import Role, StagedMaterial, User
from models.ids import id_of

DRAFT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")


def check_draft_key(key: str) -> str:
    if not DRAFT_KEY.fullmatch(key):
        raise InvalidInput("表单已失效，请刷新页面后重新填写", "the form's draft key is malformed")
    return key


def staging_key(user_id: int, draft_key: str, sha256: str) -> str:
    """Deterministic: the same file for the same draft is stored once."""
    return f"staging/{user_id}/{draft_key}/{sha256}"


def material_of(item: Item, material_code: str) -> MaterialSpec:
    for material in item.materials:
        if material.code == material_code:
            return material
    raise InvalidInput(
        f"事项材料清单中没有“{material_code}”",
        f"{material_code!r} is not a material of item {item.code}",
        allowed=[m.code for m in item.materials],
    )


def said_of(material: MaterialSpec, exc: UploadRejected) -> UploadRejected:
    """The same refusal, naming the material: “「环境影响报告书」不是PDF文件…”."""
    return type(exc)(f"「{material.name}」{exc.message_zh}", exc.message_en, material=material.code)


def staged_for(session: Session, actor: User, draft_key: str) -> dict[str, StagedMaterial]:
    """The live staged file of each material of the actor's draft (the newest wins)."""
    rows = session.exec(
        select(StagedMaterial)
        .where(
            StagedMaterial.user_id == actor.id,
            StagedMaterial.draft_key == draft_key,
            col(StagedMaterial.released_at).is_(None),
        )
        .order_by(col(StagedMaterial.id))
    )
    return {row.material_code: row for row in rows}


def stage(
    session: Session,
    now: datetime,
    actor: User,
    item: Item,
    draft_key: str,
    material_code: str,
    upload: CheckedUpload,
    object_key: str,
) -> StagedMaterial:
    """Keep a checked, already stored file for one material; it replaces the one before."""
    if actor.role is not Role.APPLICANT:
        raise InvalidInput("只有申请人可以上传申请材料", "only applicants stage materials")
    material_of(item, material_code)
    release(session, now, actor, draft_key, material_code)
    row = StagedMaterial(
        user_id=id_of(actor),
        draft_key=check_draft_key(draft_key),
        item_code=item.code,
        material_code=material_code,
        filename=upload.filename,
        size=upload.size,
        sha256=upload.sha256,
        object_key=object_key,
        staged_at=now,
    )
    session.add(row)
    session.flush()
    return row


def release(
    session: Session, now: datetime, actor: User, draft_key: str, material_code: str | None = None
) -> int:
    """Release the draft's live files (of one material, or all): the cleanup may delete them."""
    released = 0
    for code, row in staged_for(session, actor, draft_key).items():
        if material_code is None or code == material_code:
            row.released_at = now
            session.add(row)
            released += 1
    session.flush()
    return released


def as_checked(row: StagedMaterial) -> CheckedUpload:
    return CheckedUpload(
        filename=row.filename, content_type="application/pdf", sha256=row.sha256, size=row.size
    )


def discardable(
    session: Session, staged_before: datetime, limit: int = 500
) -> list[StagedMaterial]:
    """Released rows and rows staged before ``staged_before`` (abandoned drafts)."""
    return list(
        session.exec(
            select(StagedMaterial)
            .where(
                col(StagedMaterial.released_at).is_not(None)
                | (col(StagedMaterial.staged_at) < staged_before)
            )
            .order_by(col(StagedMaterial.id))
            .limit(limit)
        )
    )


def still_used(session: Session, object_key: str, staged_before: datetime) -> bool:
    """Whether a live, recent row keeps ``object_key`` (the same file staged again)."""
    return (
        session.exec(
            select(StagedMaterial.id).where(
                StagedMaterial.object_key == object_key,
                col(StagedMaterial.released_at).is_(None),
                col(StagedMaterial.staged_at) >= staged_before,
            )
        ).first()
        is not None
    )
