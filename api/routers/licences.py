"""电子证照: the full metadata and the export package of one licence, for staff, auditors
and the holder (``approvals.licences.elicence``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response

from api.deps import CurrentUser, ServicesDep, SessionDep
from approvals.errors import NotFound
from approvals.licences.elicence.package import build_package
from approvals.licences.elicence.records import problem_of, status_of
from approvals.licences.elicence.views import get_for
from models.elicence_public import LicenceDetailPublic

router = APIRouter(prefix="/api/licences", tags=["电子证照 electronic licences"])
ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "ZIP：已签名PDF、metadata.xml、metadata.json、manifest.json",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/{identifier}", response_model=LicenceDetailPublic, summary="电子证照元数据 / a licence"
)
def licence_detail(identifier: str, user: CurrentUser, session: SessionDep) -> LicenceDetailPublic:
    """Staff and auditors see every licence; an enterprise its own (and its principals' as an
    authorised agent); to anyone else the identifier does not exist (404)."""
    licence, document = get_for(session, user, identifier)
    return LicenceDetailPublic(
        identifier=licence.identifier,
        version=licence.version,
        fields={name: str(value) for name, value in licence.fields.items()},
        status=status_of(document),
        identifier_problem=problem_of(licence),
        document_number=document.number,
        sha256=document.sha256,
        package_url=f"/api/licences/{quote(licence.identifier, safe='')}/package",
    )


@router.get(
    "/{identifier}/package",
    response_class=Response,
    responses=ZIP_RESPONSE,
    summary="电子证照导出包 / the licence's export package",
)
def licence_package(
    identifier: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Response:
    """The signed PDF exactly as issued, with its metadata as XML and JSON and a manifest of
    the files' SHA-256 (the PDF's is the one verification knows)."""
    licence, document = get_for(session, user, identifier)
    if document.object_key is None:
        raise NotFound("证照文件不存在", "the licence has no stored file")
    pdf = services.store.get(document.object_key)
    data = build_package(licence.fields, status_of(document), pdf)
    filename = f"电子证照-{document.number or licence.identifier}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
