"""数据来源与核实 pages (staff only): every item's verification state (/admin/facts) and one
item's research beside its facts, with the verdict and publish forms (/admin/facts/{code}).
The actions are the JSON API's (``approvals.casework.fact_checks``); these handlers only parse
the form and render. Routes hang off the pages' shared ``router``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.pages import router
from api.pages.display import FLASH_MESSAGES, flash_of, redirect_with
from api.pages.security import signed_in
from api.routers.item_facts import READERS, VERIFIERS, catalogue_summary, facts_public
from api.services import AppServices
from api.templating import render_page
from approvals.casework import fact_checks
from approvals.clock import to_utc
from approvals.errors import DomainError
from models import User

Reader = Annotated[User, signed_in(*READERS)]
Verifier = Annotated[User, signed_in(*VERIFIERS)]
EVIDENCE_LABELS = {"found": "见于公开来源", "legal": "法条原文", "inferred": "推理或占位"}
FLASH_MESSAGES.update(
    {"verified": "已记录核实结论。", "unverified": "已标记为未核实。", "published": "已发布。"}
)


@router.get("/admin/facts")
def facts_index(
    request: Request, user: Reader, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    rows = catalogue_summary(session, services)
    return render_page(
        request,
        "facts_list.html",
        {
            "rows": rows,
            "published": sum(r.published_at is not None for r in rows),
            "complete": sum(r.verified_count == r.fact_count for r in rows),
            "flash": "",
        },
    )


def _item_page(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    code: str,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    view = facts_public(fact_checks.version_state(session, services.catalogue.get(code)))
    return render_page(
        request,
        "facts_item.html",
        {
            "view": view,
            "research": view.research,
            "evidence_labels": EVIDENCE_LABELS,
            "can_verify": user.role in VERIFIERS,
            "error": error,
            "flash": flash_of(request),
        },
        status_code=status_code,
    )


@router.get("/admin/facts/{code}")
def facts_item(
    code: str, request: Request, user: Reader, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    return _item_page(request, session, services, user, code)


@router.post("/admin/facts/{code}/publish")
def publish(
    code: str, request: Request, user: Verifier, session: SessionDep, services: ServicesDep
) -> Response:
    item = services.catalogue.get(code)
    try:
        fact_checks.publish(session, item, actor=user, at=to_utc(services.clock.now()))
    except DomainError as exc:
        session.rollback()
        return _item_page(request, session, services, user, code, exc.message_zh, status_for(exc))
    session.commit()
    return redirect_with(f"/admin/facts/{code}", "published")


@router.post("/admin/facts/{code}/{fact}")
def mark(
    code: str,
    fact: str,
    request: Request,
    user: Verifier,
    session: SessionDep,
    services: ServicesDep,
    verified: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    item = services.catalogue.get(code)
    yes = verified == "yes"
    try:
        fact_checks.mark(
            session,
            item,
            fact,
            verified=yes,
            actor=user,
            at=to_utc(services.clock.now()),
            note=note,
        )
    except DomainError as exc:
        session.rollback()
        return _item_page(request, session, services, user, code, exc.message_zh, status_for(exc))
    session.commit()
    return redirect_with(f"/admin/facts/{code}", "verified" if yes else "unverified", fact)
