"""Single sign-on: which local account an OpenID Connect identity signs in as.

The mapping is configuration (``EIA_OIDC_*``): ``account_claim`` names the local username
(``preferred_username`` by default). When ``role_claim`` is set, its value (a string or a
list, e.g. groups) must map through ``role_map`` to a role: an existing account signs in only
if that is its role, and a missing account is created for a mapped staff role (the platform
vouches for bureau staff). Enterprises are not created from the platform: an enterprise
registers (USCC, verification) and then signs in either way. Every SSO sign-in and every
account it creates is an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from approvals import audit
from approvals.errors import NotAuthenticated, PermissionDenied
from models import Role, User
from models.enums import ROLE_LABELS

NO_PASSWORD = "!sso"  # not an argon2 hash: no password signs in to an account made by SSO


@dataclass(frozen=True)
class ClaimMapping:
    account_claim: str = "preferred_username"
    role_claim: str = ""
    role_map: Mapping[str, Role] = field(default_factory=dict)


def parse_role_map(raw: Mapping[str, str]) -> dict[str, Role]:
    """The configured map with roles checked (``ValueError`` naming a wrong one)."""
    return {claim: Role(role) for claim, role in raw.items()}


def account_for(
    session: Session,
    claims: Mapping[str, Any],
    mapping: ClaimMapping,
    *,
    issuer: str,
    now: datetime,
) -> User:
    """The local account the verified claims sign in as (flushes; the caller commits)."""
    username = claims.get(mapping.account_claim)
    if not isinstance(username, str) or not username.strip():
        raise NotAuthenticated(
            "统一身份认证未提供账号标识，无法登录本系统", "the identity has no account claim"
        )
    username = username.strip()[:64]
    role = _mapped_role(claims, mapping)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        if role is None or role is Role.APPLICANT:
            raise NotAuthenticated(
                "本系统没有与该统一身份认证账号对应的账号。企业请先在本系统“企业注册”，"
                "工作人员请联系系统管理员开设账号",
                "no local account for this identity",
            )
        user = _create(session, username, role, claims, issuer, now)
    elif not user.is_active:
        raise NotAuthenticated("该账号已停用", "the account is disabled")
    elif role is not None and user.role is not role:
        raise PermissionDenied(
            f"统一身份认证授予的角色（{ROLE_LABELS[role]}）与本系统账号的角色"
            f"（{ROLE_LABELS[user.role]}）不一致，请联系系统管理员",
            "the mapped role differs from the account's role",
        )
    audit.record_by(session, user, now, "sso_sign_in", f"经统一身份认证登录（{issuer}）")
    return user


def _mapped_role(claims: Mapping[str, Any], mapping: ClaimMapping) -> Role | None:
    if not mapping.role_claim:
        return None
    raw = claims.get(mapping.role_claim)
    values = raw if isinstance(raw, list) else [raw]
    for value in values:
        if isinstance(value, str) and value in mapping.role_map:
            return mapping.role_map[value]
    raise PermissionDenied(
        "统一身份认证未授予本系统的使用角色，请联系系统管理员", "no mapped role in the claims"
    )


def _create(
    session: Session,
    username: str,
    role: Role,
    claims: Mapping[str, Any],
    issuer: str,
    now: datetime,
) -> User:
    name = claims.get("name")
    email = claims.get("email")
    user = User(
        username=username,
        display_name=(name if isinstance(name, str) and name.strip() else username)[:100],
        password_hash=NO_PASSWORD,
        role=role,
        email=(email if isinstance(email, str) else "")[:254],
    )
    session.add(user)
    session.flush()
    audit.record_by(
        session, user, now, "sso_account_created",
        f"统一身份认证首次登录，按配置开设{ROLE_LABELS[role]}账号 {username}（{issuer}）",
    )  # fmt: skip
    return user
