"""公示公告: the public's pages (no account): open notices with the working days left, past
notices, and each notice with its public report and a comment form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response, UploadFile

from api.auth import wall_now
from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.pages.security import OptionalUser
from api.params import Id
from api.routers.public_notices import notice_public, post_comment
from api.services import AppServices
from api.templating import render_page
from approvals import audit_anchor
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.clock import as_local, local_date
from approvals.errors import DomainError, TooManyAttempts
from approvals.participation import challenge
from approvals.participation import comments as comment_service
from approvals.participation.notices import NoticeFilter, get_notice, list_notices
from models import PERIOD_KINDS, NoticeKind
from models.text_input import clean_line, clean_text

router = APIRouter()
Field = Annotated[str, Form(max_length=comment_service.MAX_TEXT)]


@router.get("/public/notices")
def notices_page(
    request: Request,
    user: OptionalUser,
    session: SessionDep,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=50)] = "",
    district: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Open notices with their countdown, the decisions published, past notices; searchable
    by project, builder or site and by district."""
    today = local_date(services.clock.now())
    q, district = clean_line(q).strip(), clean_line(district).strip()
    periods, published = tuple(PERIOD_KINDS), (NoticeKind.DECISION, NoticeKind.REVOCATION)

    def matching(kinds: tuple[NoticeKind, ...], running: bool | None) -> NoticeFilter:
        return NoticeFilter(open=running, kinds=kinds, text=q, district=district)

    running = list_notices(session, today, matching(periods, True))
    ended = list_notices(session, today, matching(periods, False), limit=50)
    decisions = list_notices(session, today, matching(published, None), limit=50)
    hearings = list_notices(session, today, matching((NoticeKind.HEARING,), None), limit=50)
    anchor = audit_anchor.latest_on_or_before(session, today)  # outsiders keep a copy of it
    return render_page(
        request,
        "public_notices.html",
        {
            "running": [notice_public(services, n) for n in running],
            "ended": [notice_public(services, n) for n in ended],
            "decisions": [notice_public(services, n) for n in decisions],
            "hearings": [notice_public(services, n) for n in hearings],
            "q": q,
            "district": district,
            "districts": ZHENGZHOU_DISTRICTS,
            "anchor": anchor,
            "anchor_at": as_local(anchor.at) if anchor else None,
        },
    )


def _notice_page(
    request: Request,
    session: SessionDep,
    services: AppServices,
    notice_id: int,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    done: str = "",
    status_code: int = 200,
) -> Response:
    notice = notice_public(services, get_notice(session, notice_id))
    question = challenge.issue(services.settings.secret_key.encode(), notice_id, wall_now())
    return render_page(
        request,
        "public_notice.html",
        {
            "notice": notice,
            "challenge": question,
            "values": values or {},
            "error": error,
            "done": done,
            "max_text": comment_service.MAX_TEXT,
        },
        status_code=status_code,
    )


@router.get("/public/notices/{notice_id}")
def notice_page(
    notice_id: Id,
    request: Request,
    user: OptionalUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return _notice_page(request, session, services, notice_id)


@router.post("/public/notices/{notice_id}/comments")
async def comment_page(
    notice_id: Id,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    name: Field = "",
    contact: Field = "",
    text: Field = "",
    challenge_token: Field = "",
    challenge_answer: Field = "",
    website: Field = "",
    file: UploadFile | None = None,
) -> Response:
    values = {"name": name, "contact": contact, "text": text}
    upload = None
    if file is not None and file.filename:
        upload = (file.filename, await file.read(comment_service.MAX_ATTACHMENT_BYTES + 1))
    fields = comment_service.CommentIn(clean_line(name), clean_line(contact), clean_text(text))
    try:
        receipt = post_comment(
            request,
            session,
            services,
            notice_id,
            fields,
            (challenge_token, challenge_answer, website),
            upload,
        )
    except DomainError as exc:  # post_comment committed what the throttle counts
        page = _notice_page(
            request, session, services, notice_id, values=values, error=exc.message_zh,
            status_code=status_for(exc),
        )  # fmt: skip
        if isinstance(exc, TooManyAttempts):
            page.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return page
    return _notice_page(request, session, services, notice_id, done=receipt.message)
