"""Signing in and out, and the front door that sends each role to its own start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.auth import link_mail, sign_in_limits, wall_now
from api.deps import ServicesDep, SessionDep
from api.mail_relay import send_after_commit
from api.pages.display import flash_of
from api.pages.security import (
    OptionalUser,
    home_for,
    safe_next,
    signed_in_redirect,
    signed_out_redirect,
)
from api.templating import render_page
from approvals.errors import NotAuthenticated, TooManyAttempts
from approvals.sign_in import sign_in

router = APIRouter()


@router.get("/")
def front_door(user: OptionalUser) -> RedirectResponse:
    return RedirectResponse(home_for(user) if user else "/login", status_code=303)


@router.get("/login")
def login_form(
    request: Request, user: OptionalUser, next: str = "", username: str = ""
) -> Response:
    target = safe_next(next)
    if user is not None:
        return RedirectResponse(target or home_for(user), status_code=303)
    return render_page(
        request,
        "login.html",
        {"next": target or "", "username": username[:64], "error": "", "flash": flash_of(request)},
    )


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    target = safe_next(next)
    address = request.client.host if request.client else ""
    try:
        limits = sign_in_limits(services.settings)
        user = sign_in(
            session, username, password, address=address, now=wall_now(), limits=limits,
            unlock_mail=link_mail(services.settings),
        )  # fmt: skip
    except (NotAuthenticated, TooManyAttempts) as exc:
        session.commit()  # the failed attempt is what the throttle counts
        send_after_commit(background, services, session)  # the unlock link, on a lock
        locked = isinstance(exc, TooManyAttempts)
        page = render_page(
            request,
            "login.html",
            {"next": target or "", "username": username, "error": exc.message_zh, "flash": ""},
            status_code=429 if locked else 401,
        )
        if locked:
            page.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return page
    return signed_in_redirect(request, services, session, user, target or home_for(user))


@router.post("/logout")
def logout(request: Request, session: SessionDep, services: ServicesDep) -> RedirectResponse:
    return signed_out_redirect(request, services, session, "/login")
