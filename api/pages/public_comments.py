"""公众意见处理情况: the case file's table of the public's comments, for the case officer (who
records a response to each, or hides an abusive one) and for the section chief, leader and
auditors, who read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.auth import wall_now
from api.deps import SessionDep
from api.pages.security import signed_in
from api.params import Id
from api.templating import render_page
from approvals.casework.queries import get_application_for
from approvals.errors import DomainError
from approvals.participation import comments as comment_service
from approvals.participation.notices import find_notice
from models import NoticeKind, Role, User

router = APIRouter()
CaseReader = Annotated[
    User,
    signed_in(Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN, Role.AUDITOR),
]
Text = Annotated[str, Form(max_length=comment_service.MAX_TEXT)]


def _page(
    request: Request, session: SessionDep, user: User, application_id: int, error: str = "",
    status_code: int = 200,
) -> Response:  # fmt: skip
    application = get_application_for(session, user, application_id)
    rows = comment_service.comments_of(session, application_id)
    return render_page(
        request,
        "public_comments.html",
        {
            "application": application,
            "notice": find_notice(session, application_id, NoticeKind.ACCEPTANCE),
            "comments": rows,
            "waiting": len(comment_service.unanswered(rows)),
            "may_respond": user.role in comment_service.RESPONDERS,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/cases/{application_id}/public-comments")
def comments_page(
    application_id: Id, request: Request, user: CaseReader, session: SessionDep
) -> Response:
    return _page(request, session, user, application_id)


@router.post("/cases/{application_id}/public-comments/{comment_id}/{action}")
def act_on_comment(
    application_id: Id,
    comment_id: Id,
    action: str,
    request: Request,
    user: CaseReader,
    session: SessionDep,
    text: Text = "",
) -> Response:
    try:
        if action == "response":
            comment_service.respond(session, user, application_id, comment_id, text, wall_now())
        elif action == "hide":
            comment_service.hide(session, user, application_id, comment_id, text, wall_now())
        else:
            return Response(status_code=404)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(request, session, user, application_id, exc.message_zh, 422)
    return RedirectResponse(f"/cases/{application_id}/public-comments", status_code=303)
