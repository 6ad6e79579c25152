"""帮办代办 at the edge: a designated helper (帮办员) sends ``X-Acting-For: <enterprise id>``
with the enterprise's own API requests, and the request runs as the enterprise's stand-in
(``approvals.liaison.helpers``) if the enterprise's authorisation covers the action, the item
and today; otherwise it is refused (403) with the reason in Chinese. Which routes are which
action is said once, here."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from sqlmodel import Session

from approvals.clock import Clock, local_date
from approvals.errors import NotFound, PermissionDenied
from approvals.liaison import helpers
from models import Application, User

ACTING_HEADER = "X-Acting-For"
A = "/api/applications"
ROUTE_ACTIONS: dict[tuple[str, str], str] = {
    ("POST", A): "apply",
    ("PATCH", f"{A}/{{application_id}}"): "apply",
    ("PUT", f"{A}/{{application_id}}/materials/{{material_code}}"): "apply",
    ("PUT", f"{A}/{{application_id}}/declaration"): "apply",
    ("POST", f"{A}/{{application_id}}/submit"): "submit",
}


def _item_code(request: Request, session: Session, enterprise_id: int) -> str | None:
    """The item the request is about: its case's, or (a new application) the body's."""
    raw_id = request.path_params.get("application_id")
    if raw_id is not None:
        application = session.get(Application, int(raw_id))
        if application is None or application.enterprise_id != enterprise_id:
            raise NotFound(f"办件{raw_id}不存在", "no such case of this enterprise")
        return application.item_code
    # FastAPI reads a JSON body before it solves the dependencies; Starlette keeps it.
    body: Any = getattr(request, "_body", b"") or b"{}"
    try:
        code = json.loads(body).get("item_code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def acting_user(request: Request, session: Session, clock: Clock, helper: User) -> User:
    """The stand-in the request runs as, or ``PermissionDenied``."""
    raw = request.headers[ACTING_HEADER].strip()
    if not raw.isdigit() or len(raw) > 10:
        raise PermissionDenied("X-Acting-For 须为企业编号", "X-Acting-For must be an enterprise id")
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    action = ROUTE_ACTIONS.get((request.method, template))
    if action is None and request.method not in ("GET", "HEAD"):
        raise PermissionDenied("帮办员不能代企业办理此项操作", "not an action a helper may take")
    enterprise_id = int(raw)
    today = local_date(clock.now())
    helpers.authorise(session, today, helper, enterprise_id, action, None)  # before any look-up
    item = _item_code(request, session, enterprise_id)
    enterprise = helpers.authorise(session, today, helper, enterprise_id, action, item)
    return helpers.stand_in(helper, enterprise)
