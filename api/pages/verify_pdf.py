"""文书核验 by upload, for a person holding a PDF: the same verdict as ``POST /api/verify/pdf``."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse

from api.body_limit import accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.security import OptionalUser
from api.routers.verify_pdf import check_pdf
from api.templating import render_page
from api.uploads import read_checked
from approvals.errors import DomainError
from approvals.exchange.verification import MAX_PDF_BYTES


@router.post("/verify/pdf")
@accepts_uploads(1)
async def verify_pdf_page(
    request: Request,
    user: OptionalUser,
    session: SessionDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    context: dict[str, object] = {"code": "", "result": None, "error": "", "flash": ""}
    try:
        limit = min(MAX_PDF_BYTES, services.settings.max_upload_bytes)
        _, data = await read_checked(file, limit)
        context["pdf_result"] = check_pdf(services, session, data)
    except DomainError as exc:
        context["pdf_error"] = exc.message_zh
        return render_page(request, "verify.html", context, status_code=422)
    return render_page(request, "verify.html", context)
