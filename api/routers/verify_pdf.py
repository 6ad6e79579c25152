"""文书核验 by upload: anyone sends a PDF and learns whether the bureau signed it, whether it is
unchanged since, and which issued document it is."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from sqlmodel import Session

from api.body_limit import accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.services import AppServices
from api.uploads import read_checked
from approvals.exchange.verification import (
    MAX_PDF_BYTES,
    PdfVerdict,
    SignatureFacts,
    require_pdf,
    verdict,
)
from models.exchange import IssuedDocumentPublic, PdfVerificationPublic

router = APIRouter(prefix="/api", tags=["公共 public"])


def check_pdf(services: AppServices, session: Session, data: bytes) -> PdfVerdict:
    """The signature (documents adapter) and the issued record (domain), as one verdict."""
    require_pdf(data)
    from documents.signing import bureau_signer  # pyHanko only when a PDF is checked

    check = bureau_signer(services.settings).check(data)
    facts = SignatureFacts(
        check.signed,
        check.intact,
        check.unchanged,
        check.trusted,
        check.signer,
        check.signed_at,
        check.problem,
    )
    return verdict(session, hashlib.sha256(data).hexdigest(), facts)


def public_view(result: PdfVerdict) -> PdfVerificationPublic:
    signature = asdict(result.signature)
    signature.pop("problem")
    document = result.document
    return PdfVerificationPublic(
        valid=result.valid,
        problem=result.problem,
        sha256=result.sha256,
        document=IssuedDocumentPublic(**asdict(document)) if document else None,
        **signature,
    )


@router.post(
    "/verify/pdf",
    response_model=PdfVerificationPublic,
    summary="上传PDF核验电子签名 / verify an uploaded PDF's signature",
)
@accepts_uploads(1)
async def verify_pdf(
    session: SessionDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="所持的PDF文书")],
) -> PdfVerificationPublic:
    """No account needed. Valid means: signed with the bureau's signing certificate, not
    changed since it was signed, and exactly the bytes of a document the bureau issued and has
    not revoked; otherwise ``problem`` says why in Chinese."""
    _, data = await read_checked(file, min(MAX_PDF_BYTES, services.settings.max_upload_bytes))
    return public_view(check_pdf(services, session, data))
