"""Enterprise accounts: one-time mailed links, account requests counted by the throttle, and
the authorisations that let an agent (代理机构) apply for an enterprise."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.types import StrEnumType


class MemberKind(StrEnum):
    """What a person is to the enterprise whose account they use."""

    LEGAL_REPRESENTATIVE = "legal_representative"
    HANDLER = "handler"


MEMBER_KIND_LABELS: dict[MemberKind, str] = {
    MemberKind.LEGAL_REPRESENTATIVE: "法定代表人",
    MemberKind.HANDLER: "经办人",
}


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    UNLOCK = "unlock"
    INVITATION = "invitation"  # an invited member sets a first password


class AccountToken(SQLModel, table=True):
    """A one-time link sent by mail. Only the SHA-256 of the token is stored: a copy of the
    database does not open anyone's account. Used once (``used_at``), or never after
    ``expires_at``."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    purpose: TokenPurpose = Field(sa_type=StrEnumType(TokenPurpose))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class RequestKind(StrEnum):
    REGISTRATION = "registration"
    PASSWORD_RESET = "password_reset"
    PUBLIC_COMMENT = "public_comment"  # a comment on a public notice (no account)
    HEARING_REQUEST = "hearing_request"  # an interested party's hearing request (no account)


class AccountRequest(SQLModel, table=True):
    """A registration or password-reset request, counted per client address by the throttle
    (in the database, so the limit holds across API processes)."""

    __tablename__ = "account_request"
    __table_args__ = (Index("ix_account_request_kind_address_at", "kind", "client_address", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: RequestKind = Field(sa_type=StrEnumType(RequestKind))
    client_address: str = Field(max_length=64)
    at: datetime


class AgentAuthorisation(SQLModel, table=True):
    """The enterprise (``enterprise_id``) authorises the agent (``agent_enterprise_id``, itself a
    registered enterprise) to apply on its behalf, until revoked. Granted and revoked by the
    enterprise's own administrator; both are audit events too."""

    __tablename__ = "agent_authorisation"
    __table_args__ = (Index("ix_agent_authorisation_pair", "enterprise_id", "agent_enterprise_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    agent_enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    granted_by: int = Field(foreign_key="app_user.id")
    granted_at: datetime
    revoked_by: int | None = Field(default=None, foreign_key="app_user.id")
    revoked_at: datetime | None = None
