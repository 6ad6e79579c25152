"""Checks on evidence files from site visits (photos and PDFs): size, type by content, name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from approvals.errors import PayloadTooLarge, UploadRejected
from models.text_input import clean_line

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class CheckedEvidence:
    filename: str
    content_type: str
    sha256: str
    size: int


def check_evidence(filename: str, data: bytes, max_bytes: int) -> CheckedEvidence:
    name = clean_line(filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or _FORBIDDEN.search(name) or len(name) > 120:
        raise UploadRejected("文件名不合法", "the file name is not acceptable")
    if len(data) > max_bytes:
        raise PayloadTooLarge("文件超过大小上限", f"the file exceeds {max_bytes} bytes")
    kind = next((t for sig, t in SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None and data[4:8] == b"ftyp":  # ISO base media (MP4) video
        kind = "video/mp4"
    if kind is None:
        raise UploadRejected("仅接受PDF、JPEG、PNG或MP4文件", "only PDF, JPEG, PNG or MP4 files")
    return CheckedEvidence(name, kind, hashlib.sha256(data).hexdigest(), len(data))
