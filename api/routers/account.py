"""The signed-in user's own session: sign out, change the password (both end tokens on the
server). Signing in is ``POST /api/auth/token`` (public router)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import client_of, issue_token, wall_now
from api.deps import CurrentUser, ServicesDep, SessionDep
from approvals import sessions
from approvals.accounts import change_password
from models import User
from models.schemas import TokenPublic

router = APIRouter(prefix="/api/auth", tags=["公共 public"])


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Annotated[
        str,
        Field(
            min_length=1,
            max_length=256,
            description="至少10位，含字母、数字、符号中两类，不含用户名",
        ),
    ]


@router.post(
    "/logout",
    status_code=204,
    summary="退出登录（令牌在服务端作废） / sign out: the token is revoked",
)
def logout(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    sessions.revoke(session, request.state.session_id, wall_now(), "logout")
    session.commit()
    return Response(status_code=204)


@router.post(
    "/password",
    response_model=TokenPublic,
    summary="修改密码（该用户的全部令牌作废，返回新令牌） / change the password",
)
def password(
    request: Request,
    body: PasswordChange,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> TokenPublic:
    """Every session of the user ends, this one included; the answer carries a fresh token."""
    account = session.get(User, user.id)
    assert account is not None  # the signed-in user exists
    now = wall_now()
    change_password(session, account, body.current_password, body.new_password, now)
    ttl = services.settings.token_ttl_seconds
    token = issue_token(
        session, services.tokens, account, ttl_seconds=ttl, client=client_of(request), now=now
    )
    session.commit()
    return TokenPublic(access_token=token, expires_in=ttl, role=account.role)
