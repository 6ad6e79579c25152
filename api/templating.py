"""Jinja2 for pages: autoescape on, StrictUndefined, zh-CN filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.csrf import csrf_token, remember_presession
from api.navigation import menu_for
from approvals.clock import as_local
from approvals.tolerance.rules import load_rules
from core.settings import TEMPLATES_DIR
from models.enums import DOCUMENT_LABELS, ROLE_LABELS, STATUS_LABELS, DocumentKind, ProcessKind
from models.participation import NoticeKind


def _dt(value: datetime | None) -> str:
    return "" if value is None else as_local(value).strftime("%Y-%m-%d %H:%M")


def _d(value: date | None) -> str:
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "pages"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,  # templates change only with a deploy: no stat per template a page
    )
    env.filters |= {"dt": _dt, "cn_date": _d}
    env.globals |= {
        "STATUS_LABELS": STATUS_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "DOCUMENT_LABELS": DOCUMENT_LABELS,
        "menu_for": menu_for,
        # kinds are compared as enum members in templates too, never as strings
        "ProcessKind": ProcessKind,
        "DocumentKind": DocumentKind,
        "NoticeKind": NoticeKind,
        "TOLERANCE_ITEMS": frozenset(load_rules().items),  # the items with 容缺受理
    }
    return env


def render_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """The page ``name`` with ``context``; every page gets the signed-in ``user`` and the
    ``csrf_token`` its forms carry (a hidden ``csrf_token`` field in every POST form)."""
    user = getattr(request.state, "user", None)
    common = {
        "request": request,
        "user": user,
        "flash": request.query_params.get("msg", ""),
        "csrf_token": csrf_token(request),
    }
    html = environment().get_template(name).render(common | context)
    response = HTMLResponse(html, status_code=status_code)
    remember_presession(request, response)
    return response
