"""Reading an upload at the edge: bounded in size before it is held in memory."""

from __future__ import annotations

from fastapi import UploadFile

from approvals.errors import PayloadTooLarge, UploadRejected
from approvals.uploads import CheckedUpload, check_upload

CHUNK = 1024 * 1024


async def read_checked(upload: UploadFile, max_bytes: int) -> tuple[CheckedUpload, bytes]:
    """The file's bytes, never more than ``max_bytes`` + 1 read, and the checks passed."""
    if upload.filename is None:
        raise UploadRejected("缺少文件", "no file in the request")
    if upload.size is not None and upload.size > max_bytes:
        raise PayloadTooLarge(
            f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB）",
            f"the file exceeds the size limit of {max_bytes} bytes",
        )
    parts: list[bytes] = []
    total = 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLarge(
                f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB）",
                f"the file exceeds the size limit of {max_bytes} bytes",
            )
        parts.append(chunk)
    data = b"".join(parts)
    return check_upload(upload.filename, data, max_bytes), data
