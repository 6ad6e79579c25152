"""文书核验: anyone can check a document's number, fingerprint and validity by its code."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import SessionDep
from api.pages.security import OptionalUser
from api.routers.public import verify as verify_document
from api.templating import render_page
from approvals.errors import NotFound

router = APIRouter()
MAX_CODE = 100  # a verification code, or an electronic-licence identifier (~80)


@router.get("/verify")
def verify_form(request: Request, user: OptionalUser, code: str = "") -> Response:
    code = code.strip().upper()[:MAX_CODE]
    if code:
        return RedirectResponse(f"/verify/{quote(code, safe='')}", status_code=303)
    return render_page(
        request, "verify.html", {"code": "", "result": None, "error": "", "flash": ""}
    )


@router.get("/verify/{code}")
def verify_page(
    code: str, request: Request, user: OptionalUser, session: SessionDep
) -> HTMLResponse:
    """The same facts as ``GET /api/verify/{code}``, for a person holding the paper."""
    code = code.strip().upper()[:MAX_CODE]
    try:
        result = verify_document(code, session)
    except NotFound as exc:
        return render_page(
            request,
            "verify.html",
            {"code": code, "result": None, "error": exc.message_zh, "flash": ""},
            status_code=404,
        )
    return render_page(
        request, "verify.html", {"code": code, "result": result, "error": "", "flash": ""}
    )
