"""A short page form's action: run the step, commit, 303 to the page with a flash message; a
refusal rolls back and goes back to the form's page with its message (post/redirect/get)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request, Response
from pydantic import ValidationError
from sqlmodel import Session

from api.pages.display import redirect_with
from api.pages.refusals import refused_redirect
from api.services import AppServices
from approvals.errors import DomainError, InvalidInput
from models import User

T = TypeVar("T")


def form_action(
    request: Request, session: Session, services: AppServices, user: User, path: str,
    step: Callable[[], T], done: str, values: dict[str, Any] | None = None,
    target: Callable[[T], str] | None = None,
) -> Response:  # fmt: skip
    """Run ``step`` and commit, then 303 to the page (``target`` of the result, else ``path``)
    with the flash ``done``; a refusal goes back to ``path`` with its message."""
    try:
        try:
            result = step()
        except (ValidationError, ValueError):
            raise InvalidInput("请完整、正确填写表单", "the form is incomplete") from None
        session.commit()
    except DomainError as exc:
        session.rollback()
        back = refused_redirect(request, services, user.id, path, exc.message_zh, values or {})
        assert back is not None, "short forms fit in the refusal cookie"
        return back
    return redirect_with(target(result) if target else path, done)
