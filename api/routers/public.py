"""Public endpoints: sign-in, the item catalogue, document verification, health."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import select

from api.auth import client_of, issue_token, link_mail, sign_in_limits, wall_now
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.routers.guide import GuidePublic, public_guides
from approvals.catalogue.lawbook import document_label
from approvals.errors import NotAuthenticated, NotFound, TooManyAttempts
from approvals.licences.elicence.identifier import looks_like_identifier
from approvals.licences.elicence.views import lookup, summary_for_document
from approvals.sign_in import sign_in as password_sign_in
from models import Application, Consultation, Document, DocumentState
from models.enums import DOCUMENT_LABELS
from models.responses import ItemSummary, VerifyPublic
from models.schemas import TokenPublic, UserPublic

router = APIRouter(prefix="/api", tags=["公共 public"])


@router.post("/auth/token", response_model=TokenPublic, summary="登录取得令牌 / sign in")
def sign_in(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    services: ServicesDep,
) -> TokenPublic:
    """5 wrong passwords for a username within 15 minutes lock it for 15 minutes; many failures
    from one address are refused for a while: both answer 429 with ``Retry-After``
    (``EIA_SIGN_IN_*`` settings)."""
    client = client_of(request)
    now = wall_now()
    try:
        user = password_sign_in(
            session,
            form.username,
            form.password,
            address=client.address,
            now=now,
            limits=sign_in_limits(services.settings),
            unlock_mail=link_mail(services.settings),
        )
    except (NotAuthenticated, TooManyAttempts):
        session.commit()  # the failed attempt is what the throttle counts (a lock's unlock
        raise  # mail goes with the outbox sweep: an error answer runs no background task)
    ttl = services.settings.token_ttl_seconds
    token = issue_token(session, services.tokens, user, ttl_seconds=ttl, client=client, now=now)
    session.commit()
    return TokenPublic(access_token=token, expires_in=ttl, role=user.role)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/items", response_model=list[ItemSummary], summary="事项目录 / the item catalogue")
def items(session: SessionDep, services: ServicesDep) -> list[dict[str, Any]]:
    """The catalogue as the public may read it: verified facts only (see the guide)."""
    return [item_summary(g) for g in public_guides(session, list(services.catalogue.items))]


@router.get("/items/{code}", response_model=GuidePublic, summary="事项 / one item (its guide)")
def item(code: str, session: SessionDep, services: ServicesDep) -> GuidePublic:
    """The same as ``GET /api/items/{code}/guide``: no research notes, markers or sources."""
    return public_guides(session, [services.catalogue.get(code)])[0]


def item_summary(guide: GuidePublic) -> dict[str, Any]:
    return {
        "code": guide.code,
        "name": guide.name_zh,
        "category": guide.category,
        "status": guide.status.value,
        "process_kind": guide.process_kind.value,
        "statutory_days": guide.statutory.days,
        "statutory_unit": guide.statutory.unit.value,
        "statutory_text": guide.statutory.text,
        "promised_days": guide.promised.days,
        "promised_unit": guide.promised.unit.value,
        "promised_text": guide.promised.text,
        "appliable": guide.appliable,
        "version": guide.version,
    }


@router.get(
    "/verify/{verify_code}", response_model=VerifyPublic, summary="文书核验 / verify a document"
)
def verify(verify_code: str, session: SessionDep) -> dict[str, Any]:
    """Anyone may check a document: its number, its SHA-256, whether it is valid and its
    electronic licence (identifier, issuer, holder, dates, status). ``verify_code`` is the
    code printed on the document or its 电子证照标识 (``1.2.156.3005.2.…``)."""
    if looks_like_identifier(verify_code):
        document: Document | None = lookup(session, verify_code)[1]
    else:
        document = session.exec(select(Document).where(Document.verify_code == verify_code)).first()
    if document is None or document.state is DocumentState.PENDING:
        raise NotFound("核验码不存在", "no document with this verification code")
    application = session.get(Application, document.application_id or 0)
    consultation = session.get(Consultation, document.consultation_id or 0)
    project = application or consultation  # a case's document, or a consultation's 指导意见
    licence = summary_for_document(session, document)
    return {
        "valid": document.state is DocumentState.ISSUED,
        "state": document.state.value,
        "kind": document_label(
            application.item_code if application else "",
            document.kind,
            DOCUMENT_LABELS[document.kind],
        ),
        "number": document.number,
        "sha256": document.sha256,
        "issued_at": document.issued_at,
        "project_name": project.project_name if project else "",
        "licence": asdict(licence) if licence else None,
    }


@router.get("/health", include_in_schema=False)
def health(session: SessionDep) -> dict[str, str]:
    session.exec(select(Document.id).limit(1)).all()
    return {"status": "ok"}
