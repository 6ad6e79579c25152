"""容缺受理 pages: the applicant signs the commitment on its draft and later supplies what it
owes; staff read the commitment with the rules' sources; staff load the bad-credit list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api.body_limit import accepts_uploads
from api.deps import ServicesDep, SessionDep
from api.errors import status_for
from api.pages import router
from api.pages.display import FLASH_MESSAGES
from api.pages.forms import chosen_files
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from api.uploads import read_checked
from approvals.casework.queries import STAFF_ROLES, get_application_for
from approvals.clock import to_utc
from approvals.errors import DomainError, InvalidInput
from approvals.tolerance import commitments, credit_list
from approvals.tolerance.views import commitment_public, rule_sources
from approvals.uploads import CheckedUpload, material_key
from models import Role, User
from models.tolerance import CreditEntryIn, ToleranceDeclare

Reader = Annotated[User, signed_in(Role.APPLICANT, *STAFF_ROLES)]
Applicant = Annotated[User, signed_in(Role.APPLICANT)]
CreditReader = Annotated[User, signed_in(*credit_list.READERS)]
FLASH_MESSAGES.update(
    {"tolerance_signed": "已签署容缺受理承诺书，暂缺的材料无需上传即可提交申请。"}
)


def _page(
    request: Request, session: Session, services: AppServices, user: User, application_id: int,
    error: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    application = get_application_for(session, user, application_id)
    row = commitments.find(session, application_id)
    staff = user.role in STAFF_ROLES
    return render_page(
        request,
        "tolerance.html",
        {
            "application": application,
            "option": commitments.option(session, services.clock, user, application),
            "commitment": commitment_public(session, user, application, row) if row else None,
            "sources": rule_sources(application.item_code) if staff else [],
            "may_supply": user.role is Role.APPLICANT
            and row is not None
            and row.state.value in ("owed", "suspended")
            and application.status.value not in ("draft", "submitted", "correction"),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/cases/{application_id}/tolerance")
def tolerance_page(
    application_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep,
) -> Response:  # fmt: skip
    return _page(request, session, services, user, application_id)


@router.post("/cases/{application_id}/tolerance")
def declare(
    application_id: Id,
    request: Request,
    user: Applicant,
    session: SessionDep,
    services: ServicesDep,
    material_codes: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 - FastAPI form default
    supply_by: Annotated[str, Form(max_length=10)] = "",
    agree: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    try:
        try:
            day = date.fromisoformat(supply_by)
            body = ToleranceDeclare(
                material_codes=material_codes, supply_by=day, agree=agree == "on"
            )
        except (ValueError, ValidationError):
            raise InvalidInput(
                "请勾选暂缺的材料并填写承诺补齐日期", "choose the materials and a date"
            ) from None
        application = get_application_for(session, user, application_id)
        commitments.declare(session, services.clock, user, application, body)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(
            request, session, services, user, application_id, exc.message_zh, status_for(exc)
        )
    return RedirectResponse(f"/cases/{application_id}?msg=tolerance_signed", status_code=303)


@router.post("/cases/{application_id}/tolerance/materials/{material_code}")
@accepts_uploads(1)
async def supply(
    application_id: Id,
    material_code: str,
    request: Request,
    user: Applicant,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    async with request.form() as form:
        upload = chosen_files(form, "").get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要补交的PDF文件", "no file chosen")
            checked, data = await read_checked(upload, services.settings.max_upload_bytes)
            await run_in_threadpool(
                _supply, session, services, user, application_id, material_code, checked, data
            )
        except DomainError as exc:
            session.rollback()
            return _page(
                request, session, services, user, application_id, exc.message_zh, status_for(exc)
            )
    return RedirectResponse(f"/cases/{application_id}/tolerance", status_code=303)


def _supply(
    session: Session, services: AppServices, user: User, application_id: int, code: str,
    checked: CheckedUpload, data: bytes,
) -> None:  # fmt: skip
    application = get_application_for(session, user, application_id)
    key = material_key(application.number, checked.sha256)
    services.store.put(key, data, checked.content_type)  # before the row: no row without bytes
    commitments.supply(session, services.clock, user, application, code, checked, key)
    session.commit()


def _credit_page(
    request: Request, session: Session, user: User, error: str = "", text: str = "",
    status_code: int = 200,
) -> Response:  # fmt: skip
    entries = credit_list.active_entries(session)
    return render_page(
        request,
        "credit_list.html",
        {
            "entries": entries,
            "may_load": user.role in credit_list.LOADERS,
            "error": error,
            "text": text or "\n".join(f"{e.uscc},{e.name},{e.reason}" for e in entries),
        },
        status_code=status_code,
    )


@router.get("/credit-list")
def credit_list_page(request: Request, user: CreditReader, session: SessionDep) -> Response:
    return _credit_page(request, session, user)


@router.post("/credit-list")
def load_credit_list(
    request: Request,
    user: CreditReader,
    session: SessionDep,
    services: ServicesDep,
    entries: Annotated[str, Form(max_length=500_000)] = "",
) -> Response:
    """One enterprise a line: 统一社会信用代码,名称[,原因]."""
    try:
        parsed = []
        for number, line in enumerate(entries.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",", 2)]
            if len(parts) < 2 or not parts[1]:
                raise InvalidInput(f"第{number}行应为：统一社会信用代码,名称[,原因]", "bad line")
            try:
                parsed.append(
                    CreditEntryIn(uscc=parts[0], name=parts[1], reason=(parts[2:] or [""])[0])
                )
            except ValidationError:
                raise InvalidInput(f"第{number}行的内容不符合要求", "bad line") from None
        credit_list.load(session, user, to_utc(services.clock.now()), parsed)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _credit_page(request, session, user, exc.message_zh, entries, status_for(exc))
    return RedirectResponse("/credit-list", status_code=303)
