"""OpenID Connect, the client side (authlib for the authorization code flow with PKCE,
joserfc for the ID token): the provider's metadata, the authorization URL, the code exchange
and the checks of the ID token (signature by the provider's keys, issuer, audience, expiry,
nonce). Which local account the verified claims sign in as is the domain's
(``approvals.single_sign_on``)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from approvals.errors import NotAuthenticated
from approvals.single_sign_on import ClaimMapping, parse_role_map
from core.settings import Settings

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

# authlib and joserfc (~0.1 CPU-s to import) are imported on a single sign-on's first use, not
# at every start of the API: most deployments never configure one.

log = logging.getLogger(__name__)
TIMEOUT = 10.0  # seconds, each request to the provider
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
CALLBACK_PATH = "/login/oidc/callback"
LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class Pending:
    """What the browser carries (signed) from the redirect to the callback."""

    state: str
    nonce: str
    verifier: str
    next: str


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def mapping(settings: Settings) -> ClaimMapping:
    """The configured claim mapping; a role map naming an unknown role refuses sign-in (and
    says so in the log) rather than guessing."""
    try:
        role_map = parse_role_map(settings.oidc_role_map)
    except ValueError as exc:
        log.error("EIA_OIDC_ROLE_MAP names an unknown role: %s", exc)
        raise NotAuthenticated(
            "统一身份认证的角色映射配置有误，请联系系统管理员", "EIA_OIDC_ROLE_MAP is invalid"
        ) from exc
    return ClaimMapping(
        account_claim=settings.oidc_account_claim,
        role_claim=settings.oidc_role_claim,
        role_map=role_map,
    )


def redirect_uri(settings: Settings) -> str:
    return settings.public_base_url.rstrip("/") + CALLBACK_PATH


def metadata(settings: Settings) -> dict[str, Any]:
    """The provider's discovery document (its issuer must be the configured one)."""
    url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        document = httpx.get(url, timeout=TIMEOUT).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise _unavailable() from exc
    if not isinstance(document, dict) or document.get("issuer") != settings.oidc_issuer:
        raise _unavailable()
    return document


def _client(settings: Settings) -> OAuth2Client:
    from authlib.integrations.httpx_client import OAuth2Client

    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def start(settings: Settings, next_path: str) -> tuple[str, Pending]:
    """The provider's authorization URL and what the callback must find again."""
    from authlib.common.security import generate_token

    pending = Pending(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=generate_token(64),
        next=next_path,
    )
    with _client(settings) as client:
        url, _ = client.create_authorization_url(
            metadata(settings)["authorization_endpoint"],
            state=pending.state,
            nonce=pending.nonce,
            code_verifier=pending.verifier,
        )
    return url, pending


def finish(settings: Settings, pending: Pending, state: str, code: str) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the ID token's verified claims."""
    from authlib.integrations.base_client.errors import OAuthError

    if not state or not secrets.compare_digest(state, pending.state) or not code:
        raise NotAuthenticated("统一身份认证登录已失效，请重新登录", "state mismatch")
    document = metadata(settings)
    try:
        with _client(settings) as client:
            token = client.fetch_token(
                document["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=pending.verifier,
            )
        keys = httpx.get(document["jwks_uri"], timeout=TIMEOUT).raise_for_status().json()
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise NotAuthenticated("统一身份认证登录失败，请重新登录", "token exchange failed") from exc
    return verified_claims(settings, token.get("id_token", ""), keys, pending.nonce)


def verified_claims(
    settings: Settings, id_token: str, keys: dict[str, Any], nonce: str
) -> dict[str, Any]:
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]  # a JWKS as fetched
        decoded = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.oidc_issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise NotAuthenticated("统一身份认证凭证无效，请重新登录", "invalid ID token") from exc
    return dict(decoded.claims)


def _unavailable() -> NotAuthenticated:
    return NotAuthenticated(
        "统一身份认证平台暂时无法访问，请稍后再试或使用本系统账号密码登录",
        "the OpenID provider is unavailable",
    )
