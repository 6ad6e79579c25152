"""File answers: an attachment under its Chinese file name (RFC 5987), and an issued document's
signed PDF as stored, with its digest."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

from api.services import AppServices
from approvals.errors import NotFound
from models import Document, DocumentState


def attachment(data: bytes, filename: str, media_type: str = "application/pdf") -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def issued_document(services: AppServices, document: Document | None) -> Response:
    """The stored PDF of an issued document (``X-Content-SHA256``: its digest); 404 while it is
    pending or unknown."""
    if document is None or document.state is DocumentState.PENDING or not document.object_key:
        raise NotFound("文书不存在或尚未制发", "document not found or not issued yet")
    response = attachment(services.store.get(document.object_key), f"{document.number}.pdf")
    response.headers["X-Content-SHA256"] = document.sha256 or ""
    return response
