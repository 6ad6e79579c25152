"""Checks on uploaded materials: size, type (by content, not by name) and file name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from approvals.errors import PayloadTooLarge, UploadRejected
from models.text_input import clean_line

PDF_MAGIC = b"%PDF-"
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    sha256: str
    size: int


def clean_filename(raw: str) -> str:
    """A display-safe file name: NFC, no path parts, no invisible characters (bidi overrides,
    zero-width, controls: removed, so "x\u202efdp.exe" is refused as not .pdf), ends in .pdf."""
    name = clean_line(raw).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or name in {".", ".."}:
        raise UploadRejected("文件名为空", "the file name is empty")
    if _FORBIDDEN.search(name):
        raise UploadRejected(
            '文件名含有不允许的字符（如 / \\ : * ? " < > | 或控制字符）',
            "the file name contains forbidden characters",
        )
    if len(name) > MAX_NAME_CHARS:
        raise UploadRejected(
            f"文件名过长（最多{MAX_NAME_CHARS}个字符）",
            f"the file name is longer than {MAX_NAME_CHARS} characters",
        )
    if not name.lower().endswith(".pdf"):
        raise UploadRejected(
            "只接受PDF文件（文件名以 .pdf 结尾）", "only PDF files (.pdf) are accepted"
        )
    return name


def check_upload(filename: str, data: bytes, max_bytes: int) -> CheckedUpload:
    """Validate one uploaded material; raise ``UploadRejected`` saying what is wrong."""
    name = clean_filename(filename)
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB）",
            f"the file exceeds the size limit of {max_bytes} bytes",
            limit=max_bytes,
        )
    if len(data) == 0:
        raise UploadRejected("文件是空的（0字节），请重新选择", "the file is empty")
    if not data.startswith(PDF_MAGIC):
        raise UploadRejected(
            "不是PDF文件：请在编辑软件中“另存为”或“导出”PDF后再上传（改文件扩展名无效）",
            "the file content is not a PDF (it does not start with %PDF-)",
        )
    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected(
            "PDF文件不完整，可能没有下载或保存完整：请重新导出后上传",
            "the PDF is truncated (no %%EOF)",
        )
    return CheckedUpload(
        filename=name,
        content_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def material_key(application_number: str, sha256: str) -> str:
    """Deterministic object key: the same bytes for the same case are stored once."""
    return f"applications/{application_number}/materials/{sha256}"
