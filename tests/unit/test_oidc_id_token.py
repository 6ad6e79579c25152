"""The ID token checks of single sign-on: signature by the provider's published keys,
issuer, audience, expiry and nonce; any failure refuses sign-in with a Chinese message. The
role map is checked too (an unknown role refuses rather than guesses)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from api.oidc import mapping, verified_claims
from approvals.errors import NotAuthenticated
from core.settings import Settings
from models import Role

ISSUER = "https://sso.zhengzhou.example"
SETTINGS = Settings(oidc_issuer=ISSUER, oidc_client_id="eia-approvals", secret_key="x" * 40)
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
PUBLISHED = KeySet([KEY]).as_dict(private=False)


def token(key: RSAKey = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "eia-approvals", "sub": "u1", "nonce": "n-1",
              "iat": now, "exp": now + 300, "preferred_username": "jiancha"} | changes  # fmt: skip
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def test_a_token_signed_by_the_provider_for_this_client_and_nonce_is_accepted() -> None:
    claims = verified_claims(SETTINGS, token(), PUBLISHED, "n-1")
    assert claims["preferred_username"] == "jiancha"


@pytest.mark.parametrize(
    ("what", "id_token", "nonce"),
    [
        ("another key", token(OTHER_KEY), "n-1"),
        ("another issuer", token(iss="https://evil.example"), "n-1"),
        ("another client", token(aud="other-client"), "n-1"),
        ("expired", token(exp=int(time.time()) - 3600), "n-1"),
        ("replayed into another sign-in", token(), "n-2"),
        ("not a token", "abc.def.ghi", "n-1"),
    ],
)
def test_a_token_that_fails_a_check_refuses_sign_in(what: str, id_token: str, nonce: str) -> None:
    with pytest.raises(NotAuthenticated) as refused:
        verified_claims(SETTINGS, id_token, PUBLISHED, nonce)
    assert refused.value.message_zh == "统一身份认证凭证无效，请重新登录", what


def test_the_role_map_is_read_from_configuration_and_an_unknown_role_refuses() -> None:
    good = SETTINGS.model_copy(update={"oidc_role_claim": "groups",
                                       "oidc_role_map": {"电子监察": "auditor"}})  # fmt: skip
    assert mapping(good).role_map == {"电子监察": Role.AUDITOR}
    bad = SETTINGS.model_copy(update={"oidc_role_map": {"电子监察": "superuser"}})
    with pytest.raises(NotAuthenticated, match="EIA_OIDC_ROLE_MAP"):
        mapping(bad)
